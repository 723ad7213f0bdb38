"""The organization admin pages (issue 11, item 1): each action through the page, what it records
for the organization's auditors, and who may not do it (another organization's admin: 404; a
caseworker: 403). Secrets are shown once, in the answer that made them."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from accounts.models import ApiClient, Team
from audit.choices import EventType
from audit.models import DomainEvent
from sharing.choices import AgreementStatus
from sharing.models import PartnerEndpoint, SharingAgreement
from tests.api.support import Api, Credentials, fetch_token

User = get_user_model()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin(org, make_user):
    return make_user(org, Role.ORG_ADMIN, username="admin@hope.example")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def foreign_admin(other_org, make_user):
    return make_user(other_org, Role.ORG_ADMIN, username="admin@metro.example")


def events(org, event_type, **data):
    found = DomainEvent.objects.filter(organization=org, event_type=event_type)
    return [e for e in found if all(e.data.get(k) == v for k, v in data.items())]


@pytest.mark.django_db
def test_create_a_user_shows_the_password_once_and_it_signs_in(admin_client, org, admin):
    from accounts.services import team_create

    night = team_create(organization=org, name="Night")
    response = admin_client.post(
        reverse("orgadmin:user-create"),
        {"username": "new@hope.example", "email": "new@hope.example", "role": "caseworker", "teams": [night.pk]},
    )
    assert response.status_code == 200
    password = re.search(r'data-testid="initial-password">([^<]+)<', response.content.decode()).group(1)
    user = User.objects.get(username="new@hope.example")
    assert user.organization == org and user.role == Role.CASEWORKER
    assert user.check_password(password)
    assert list(night.members) == [user]
    assert events(org, EventType.ADMIN_ACTION, action="user_created")
    # Not on any later page.
    for url in (reverse("orgadmin:users"), reverse("orgadmin:user-detail", args=[user.pk])):
        assert password not in admin_client.get(url).content.decode()
    signed_in = Client().post(reverse("login"), {"username": "new@hope.example", "password": password})
    assert signed_in.status_code == 302 and not signed_in["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_bad_user_form_shows_the_error_summary(admin_client, admin):
    response = admin_client.post(reverse("orgadmin:user-create"), {"username": admin.username, "role": "caseworker"})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


@pytest.mark.django_db
def test_change_role_teams_and_unlock_are_audited(admin_client, org, caseworker, make_team):
    from accounts.services import team_create

    team = team_create(organization=org, name="Day")
    detail = reverse("orgadmin:user-detail", args=[caseworker.pk])
    assert admin_client.get(detail).status_code == 200
    admin_client.post(reverse("orgadmin:user-role", args=[caseworker.pk]), {"role-role": "supervisor"})
    caseworker.refresh_from_db()
    assert caseworker.role == Role.SUPERVISOR
    assert events(org, EventType.ROLE_CHANGED, to="supervisor")
    admin_client.post(reverse("orgadmin:user-teams", args=[caseworker.pk]), {"teams-teams": [team.pk]})
    assert list(team.members) == [caseworker]
    admin_client.post(reverse("orgadmin:user-teams", args=[caseworker.pk]), {})
    assert list(team.members) == []
    assert len(events(org, EventType.TEAM_CHANGED)) == 2
    admin_client.post(reverse("orgadmin:user-unlock", args=[caseworker.pk]))
    assert events(org, EventType.ACCOUNT_UNLOCKED)


@pytest.mark.django_db
def test_deactivation_ends_sessions_and_keeps_the_user(admin_client, org, caseworker):
    theirs = Client()
    theirs.force_login(caseworker)
    assert theirs.get(reverse("home")).status_code == 200
    response = admin_client.post(reverse("orgadmin:user-deactivate", args=[caseworker.pk]))
    assert response.status_code == 302
    caseworker.refresh_from_db()
    assert not caseworker.is_active
    assert theirs.get(reverse("home")).status_code == 302  # signed out
    assert events(org, EventType.USER_DEACTIVATED)


@pytest.mark.django_db
def test_an_admin_cannot_deactivate_or_demote_themselves(admin_client, admin):
    admin_client.post(reverse("orgadmin:user-deactivate", args=[admin.pk]))
    admin_client.post(reverse("orgadmin:user-role", args=[admin.pk]), {"role-role": "caseworker"})
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.ORG_ADMIN


@pytest.mark.django_db
def test_reset_second_factor_from_the_page(admin_client, org, caseworker):
    admin_client.post(reverse("orgadmin:user-reset-mfa", args=[caseworker.pk]))
    assert events(org, EventType.MFA_REMOVED, by="org_admin")
    assert caseworker.notifications.exists()


@pytest.mark.django_db
def test_another_organizations_admin_gets_404_and_a_caseworker_403(client, org, caseworker, foreign_admin):
    client.force_login(foreign_admin)
    assert client.get(reverse("orgadmin:user-detail", args=[caseworker.pk])).status_code == 404
    assert client.post(reverse("orgadmin:user-deactivate", args=[caseworker.pk])).status_code == 404
    caseworker.refresh_from_db()
    assert caseworker.is_active
    client.force_login(caseworker)
    assert client.get(reverse("orgadmin:users")).status_code == 403
    assert "Organization" not in client.get(reverse("home")).content.decode().split("<main")[0]


@pytest.mark.django_db
def test_services_refuse_another_organizations_admin(caseworker, foreign_admin):
    from django.core.exceptions import PermissionDenied

    from accounts.services import user_deactivate_by_admin

    with pytest.raises(PermissionDenied):
        user_deactivate_by_admin(actor=foreign_admin, user=caseworker)


@pytest.mark.django_db
def test_teams_create_add_and_remove(admin_client, org, caseworker):
    response = admin_client.post(reverse("orgadmin:teams"), {"name": "Outreach"})
    team = Team.objects.get(organization=org, name="Outreach")
    assert response.status_code == 302
    assert events(org, EventType.ADMIN_ACTION, action="team_created")
    admin_client.post(reverse("orgadmin:team-detail", args=[team.pk]), {"user": caseworker.pk})
    assert list(team.members) == [caseworker]
    admin_client.post(reverse("orgadmin:team-remove", args=[team.pk, caseworker.pk]))
    assert list(team.members) == []


@pytest.mark.django_db
def test_agreements_create_change_terminate_and_the_recipient_reads_only(admin_client, org, other_org, foreign_admin):
    response = admin_client.post(
        reverse("orgadmin:agreement-create"),
        {"recipient": other_org.pk, "categories": ["case_summary"], "purposes": ["services"]},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = SharingAgreement.objects.get(provider=org, recipient=other_org)
    admin_client.post(
        reverse("orgadmin:agreement-edit", args=[agreement.pk]),
        {"categories": ["case_summary", "needs"], "purposes": ["services"], "valid_until": "2099-01-31"},
    )
    agreement.refresh_from_db()
    assert agreement.categories == ["case_summary", "needs"] and agreement.valid_until.year == 2099
    admin_client.post(reverse("orgadmin:agreement-terminate", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TERMINATED
    assert events(org, EventType.AGREEMENT_CREATED) and len(events(org, EventType.AGREEMENT_CHANGED)) == 2
    assert events(other_org, EventType.AGREEMENT_CHANGED)  # the recipient's auditors see it too
    recipient = Client()
    recipient.force_login(foreign_admin)
    assert "Hope House" in recipient.get(reverse("orgadmin:agreements")).content.decode()
    assert recipient.get(reverse("orgadmin:agreement-edit", args=[agreement.pk])).status_code == 404
    assert recipient.post(reverse("orgadmin:agreement-terminate", args=[agreement.pk])).status_code == 404


@pytest.mark.django_db
def test_api_client_secret_once_scopes_and_revocation_apply_to_live_tokens(admin_client, org):
    response = admin_client.post(
        reverse("orgadmin:api-clients"),
        {"name": "Partner CRM", "role": "supervisor", "scopes": ["cases:read", "cases:write"]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    secret = re.search(r'data-testid="client-secret">([^<]+)<', html).group(1)
    client = ApiClient.objects.get(organization=org)
    assert events(org, EventType.API_CLIENT_CREATED)
    detail = reverse("orgadmin:api-client-detail", args=[client.pk])
    assert secret not in admin_client.get(detail).content.decode()
    assert secret not in admin_client.get(reverse("orgadmin:api-clients")).content.decode()

    credentials = Credentials(client.application.client_id, secret, client.application.user)
    api = Api(fetch_token(credentials)["access_token"])
    assert api.get("/api/v1/me/").json()["scopes"] == ["cases:read", "cases:write"]
    admin_client.post(detail, {"scopes": ["cases:read"]})
    assert api.get("/api/v1/me/").json()["scopes"] == ["cases:read"]
    assert events(org, EventType.ADMIN_ACTION, action="api_client_scopes_changed")
    admin_client.post(reverse("orgadmin:api-client-revoke", args=[client.pk]))
    assert api.get("/api/v1/me/").status_code == 401
    assert events(org, EventType.API_CLIENT_REVOKED)


@pytest.mark.django_db
def test_another_organizations_admin_cannot_touch_an_api_client(client, org, foreign_admin):
    from accounts.services import api_client_create

    api_client, _ = api_client_create(organization=org, name="CRM", role="caseworker", scopes=["cases:read"])
    client.force_login(foreign_admin)
    assert client.get(reverse("orgadmin:api-client-detail", args=[api_client.pk])).status_code == 404
    assert client.post(reverse("orgadmin:api-client-revoke", args=[api_client.pk])).status_code == 404
    api_client.refresh_from_db()
    assert api_client.active


@pytest.mark.django_db
def test_webhook_rotation_shows_the_new_secret_once(admin_client, org):
    from sharing import webhooks

    endpoint = PartnerEndpoint.objects.create(
        organization=org, url="https://partner.example/hooks", secret=webhooks.new_secret()
    )
    old = endpoint.secret
    assert admin_client.get(reverse("orgadmin:webhook")).status_code == 200
    response = admin_client.post(reverse("orgadmin:webhook-rotate"))
    secret = re.search(r'data-testid="webhook-secret">([^<]+)<', response.content.decode()).group(1)
    endpoint.refresh_from_db()
    assert secret.startswith("whsec_") and endpoint.secret == secret != old
    assert secret not in admin_client.get(reverse("orgadmin:webhook")).content.decode()
    assert events(org, EventType.ADMIN_ACTION, action="webhook_secret_rotated")
