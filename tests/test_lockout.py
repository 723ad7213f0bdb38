"""Lockout (issue 11, item 3): 40 wrong passwords then the right one no longer signs in; failures
count per account and per address; an org admin unlocks; the lockout is a security event."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.services import user_unlock
from audit.models import DomainEvent

PASSWORD = "the-right-password-1"


@pytest.fixture
def victim(caseworker):
    caseworker.set_password(PASSWORD)
    caseworker.save()
    return caseworker


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_the_41st_attempt_is_locked_out(client, victim, org):
    for n in range(40):
        response = sign_in(client, victim.username, f"guess-{n}")
        assert response.status_code in (200, 429)
    locked = sign_in(client, victim.username, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302
    event = DomainEvent.objects.filter(event_type="security.locked_out", object_id=str(victim.pk)).first()
    assert event is not None and event.organization == org


@pytest.mark.django_db
def test_failures_count_per_account_from_many_addresses(client, victim, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, victim.username, "wrong", address=f"198.51.100.{n + 1}")
    assert sign_in(client, victim.username, PASSWORD, address="192.0.2.200").status_code == 429


@pytest.mark.django_db
def test_failures_count_per_address_across_accounts(client, victim, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"nobody-{n}", "wrong")
    assert sign_in(client, victim.username, PASSWORD).status_code == 429
    # Another address is not affected.
    assert sign_in(client, victim.username, PASSWORD, address="192.0.2.99").status_code == 302


@pytest.mark.django_db
def test_an_email_address_counts_against_its_account(client, victim, settings):
    victim.email = "cw@hope.example"
    victim.save()
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "CW@hope.example" if n % 2 else victim.username, "wrong", address=f"198.51.100.{n + 1}")
    assert sign_in(client, victim.username, PASSWORD, address="192.0.2.201").status_code == 429


@pytest.mark.django_db
def test_an_org_admin_unlocks_the_account(client, victim, org, make_user, other_org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, victim.username, "wrong", address="198.51.100.9")
    assert sign_in(client, victim.username, PASSWORD, address="192.0.2.5").status_code == 429
    with pytest.raises(PermissionDenied):
        user_unlock(actor=make_user(other_org, Role.ORG_ADMIN), user=victim)
    with pytest.raises(PermissionDenied):
        user_unlock(actor=make_user(org, Role.SUPERVISOR), user=victim)
    admin = make_user(org, Role.ORG_ADMIN)
    user_unlock(actor=admin, user=victim)
    assert sign_in(client, victim.username, PASSWORD, address="192.0.2.5").status_code == 302
    event = DomainEvent.objects.get(event_type="security.unlocked")
    assert (event.actor, event.organization) == (admin, org)


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(client, victim, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, victim.username, "wrong")
    assert sign_in(client, victim.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(hours=2))
    assert sign_in(client, victim.username, PASSWORD).status_code == 302
