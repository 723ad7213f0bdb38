import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import User
from casework.models import Case, Person


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "casework", "sharing", "auth", "auditlog"}
    }


def _seed(*args) -> dict:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_seed_demo_builds_the_spec_world_and_is_idempotent():
    first = _seed("--password", "demo-password-1")
    assert set(first["organizations"]) == {"hope-house", "metro-police", "st-lukes-clinic", "county-cws"}
    usernames = {u["username"] for u in first["users"]}
    for slug in first["organizations"]:
        for role in ("caseworker", "supervisor", "org_admin", "auditor"):
            assert f"{role}@{slug}.example" in usernames
    assert first["created"]["agreements"] == 12
    assert Case.objects.count() >= 24
    assert Person.objects.filter(role="survivor", minor_until__isnull=False).exists()
    counts = _counts()

    second = _seed("--password", "demo-password-2")
    assert second["created"] == {"organizations": 0, "users": 0, "agreements": 0, "cases": 0}
    assert _counts() == counts
    # The demo always prints a login that works: a rerun with --password resets it.
    assert User.objects.get(username="caseworker@hope-house.example").check_password("demo-password-2")


@pytest.mark.django_db
def test_demo_users_see_only_their_own_organizations_cases():
    _seed("--password", "demo-password-1")
    worker = User.objects.get(username="supervisor@metro-police.example")
    visible = Case.objects.restrict(worker)
    assert visible.exists()
    assert set(visible.values_list("organization__slug", flat=True)) == {"metro-police"}
    assert not Case.objects.restrict(User.objects.get(username="org_admin@metro-police.example")).exists()
