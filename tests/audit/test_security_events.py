"""Security events: each path that exists today leaves its event, with actor, organization,
address and correlation id."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import ProtectedError

from accounts import services as accounts
from accounts.choices import Role
from audit.choices import EventType
from audit.models import DomainEvent
from sharing.services import agreement_create


def events(event_type):
    return DomainEvent.objects.filter(event_type=event_type)


@pytest.mark.django_db
def test_sign_in_failed_sign_in_and_sign_out(client, org, caseworker):
    caseworker.set_password("correct horse battery")
    caseworker.save()
    # Through the sign-in page: the lockout backend counts failures per request, so it needs one.
    assert client.post("/login/", {"username": caseworker.username, "password": "wrong"}).status_code == 200
    assert client.post("/login/", {"username": "nobody-here", "password": "x"}).status_code == 200
    assert (
        client.post("/login/", {"username": caseworker.username, "password": "correct horse battery"}).status_code
        == 302
    )
    client.post("/logout/")
    failed = list(events(EventType.SIGN_IN_FAILED).order_by("pk"))
    assert [(e.organization_id, e.object_id) for e in failed] == [(org.pk, str(caseworker.pk)), (None, "")]
    assert "nobody-here" not in json.dumps([e.data for e in failed]), "a mistyped name may be a password"
    signed_in = events(EventType.SIGNED_IN).get()
    assert (signed_in.actor, signed_in.organization, signed_in.actor_username) == (caseworker, org, caseworker.username)
    assert events(EventType.SIGNED_OUT).get().actor == caseworker


@pytest.mark.django_db
def test_sign_in_through_the_login_page_carries_address_and_correlation_id(client, org, caseworker):
    caseworker.set_password("correct horse battery")
    caseworker.save()
    response = client.post("/login/", {"username": caseworker.username, "password": "correct horse battery"})
    assert response.status_code in (200, 302)
    event = events(EventType.SIGNED_IN).get()
    assert event.remote_addr == "127.0.0.1"
    assert event.cid and event.cid == response["X-Request-ID"]


@pytest.mark.django_db
def test_role_team_and_deactivation(org, caseworker, make_team):
    accounts.user_change_role(user=caseworker, role=Role.SUPERVISOR)
    team = accounts.team_create(organization=org, name="Night")
    accounts.team_add_member(team=team, user=caseworker)
    accounts.team_remove_member(team=team, user=caseworker)
    accounts.user_deactivate(user=caseworker)
    assert events(EventType.ROLE_CHANGED).get().data == {"from": "caseworker", "to": "supervisor"}
    assert [e.data["operation"] for e in events(EventType.TEAM_CHANGED).order_by("pk")] == ["add", "remove"]
    assert events(EventType.USER_DEACTIVATED).get().object_id == str(caseworker.pk)


@pytest.mark.django_db
def test_an_audited_user_is_never_deleted(client, org, caseworker, django_user_model):
    from audit.events import record_event

    record_event(EventType.INDICATORS_MATCHED, obj=org, organization=org, actor=caseworker)
    with pytest.raises(ProtectedError), transaction.atomic():
        caseworker.delete()
    operator = django_user_model.objects.create_superuser("op", "op@example.org", "pw-operator-123")
    client.force_login(operator)
    response = client.get(f"/admin/accounts/user/{caseworker.pk}/delete/")
    assert response.status_code in (302, 403)
    assert get_user_model().objects.filter(pk=caseworker.pk).exists()


@pytest.mark.django_db
def test_agreement_created_and_api_client_created(org, other_org):
    agreement_create(provider=org, recipient=other_org, categories=["case_summary"], purposes=["services"])
    assert {e.organization_id for e in events(EventType.AGREEMENT_CREATED)} == {org.pk, other_org.pk}
    out = io.StringIO()
    call_command("create_api_client", org=org.slug, name="EHR", role="supervisor", scopes="cases:read", stdout=out)
    created = events(EventType.API_CLIENT_CREATED).get()
    assert created.organization == org and created.data["scopes"] == ["cases:read"]
    assert json.loads(out.getvalue())["client_secret"] not in json.dumps(created.data)
