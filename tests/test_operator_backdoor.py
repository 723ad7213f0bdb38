"""No operator back door (issue 11, item 4): the Django admin cannot set an organization user's
password or second factor, cannot give an account an organization or a case-working role, a
superuser never holds an organization, and every admin change is an event of the organization
it touched."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from audit.models import DomainEvent
from casework import services as casework
from casework.models import Case


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_superuser("operator", "op@example.org", "operator-password-1")


@pytest.mark.django_db
def test_the_operator_cannot_set_a_supervisors_password(client, operator, supervisor):
    supervisor.set_password("the-supervisors-own-1")
    supervisor.save()
    client.force_login(operator)
    url = reverse("admin:auth_user_password_change", args=[supervisor.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "operator-chosen-1", "password2": "operator-chosen-1"})
    assert response.status_code == 403
    supervisor.refresh_from_db()
    assert supervisor.check_password("the-supervisors-own-1")
    assert not supervisor.check_password("operator-chosen-1")
    # The change form offers no password link either.
    page = client.get(reverse("admin:accounts_user_change", args=[supervisor.pk])).content.decode()
    assert "password/" not in page


@pytest.mark.django_db
def test_the_operator_cannot_give_himself_an_organization_and_role(client, operator, org, supervisor, make_case):
    case = make_case(supervisor)
    client.force_login(operator)
    url = reverse("admin:accounts_user_change", args=[operator.pk])
    form = {
        "username": "operator",
        "organization": org.pk,
        "role": Role.SUPERVISOR,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    client.post(url, form)
    operator.refresh_from_db()
    assert operator.organization_id is None and operator.role == ""
    assert not Case.objects.restrict(operator).filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_the_operator_cannot_make_an_organization_user_an_operator(client, operator, caseworker):
    client.force_login(operator)
    url = reverse("admin:accounts_user_change", args=[caseworker.pk])
    client.post(url, {"is_active": "on", "is_staff": "on", "is_superuser": "on"})
    caseworker.refresh_from_db()
    assert not caseworker.is_superuser and not caseworker.is_staff


@pytest.mark.django_db
def test_the_operator_creates_no_case_worker_and_sets_no_password(client, operator, org):
    client.force_login(operator)
    add = reverse("admin:accounts_user_add")
    refused = client.post(add, {"username": "mole", "organization": org.pk, "role": Role.SUPERVISOR})
    assert refused.status_code == 200 and not User.objects.filter(username="mole").exists()
    created = client.post(add, {"username": "first-admin", "organization": org.pk, "role": Role.ORG_ADMIN})
    assert created.status_code == 302, created.content.decode()[:2000]
    first_admin = User.objects.get(username="first-admin")
    assert first_admin.role == Role.ORG_ADMIN and not first_admin.has_usable_password()


@pytest.mark.django_db
def test_a_superuser_never_holds_an_organization(org):
    operator = User(username="root", is_superuser=True, is_staff=True, organization=org, role=Role.SUPERVISOR)
    with pytest.raises(Exception, match="never belongs"):
        operator.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        operator.save()


@pytest.mark.django_db
def test_no_second_factor_or_oauth_application_in_the_admin(client, operator):
    client.force_login(operator)
    index = client.get(reverse("admin:index")).content.decode()
    for hidden in ("TOTP devices", "Static devices", "Applications", "Access tokens", "Passkeys", "Access attempts"):
        assert f">{hidden}<" not in index, hidden
    assert client.get("/admin/oauth2_provider/application/").status_code == 404
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


@pytest.mark.django_db
def test_admin_changes_are_events_of_the_touched_organization(client, operator, org, caseworker):
    client.force_login(operator)
    client.force_login(caseworker, backend="django.contrib.auth.backends.ModelBackend")
    assert client.session["_auth_user_id"] == str(caseworker.pk)
    operator_client = type(client)()
    operator_client.force_login(operator)
    url = reverse("admin:accounts_user_change", args=[caseworker.pk])
    assert operator_client.post(url, {"first_name": "Renamed"}).status_code == 302  # is_active unticked
    caseworker.refresh_from_db()
    assert not caseworker.is_active
    event = DomainEvent.objects.get(event_type="security.admin_action", object_id=str(caseworker.pk))
    assert event.organization == org and event.actor == operator and event.data["action"] == "change"
    # Deactivation ended the caseworker's session at once.
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_admin_lists_no_case_content(client, operator, caseworker):
    case = casework.case_create(actor=caseworker, title="Sensitive title", case_type="other")
    client.force_login(operator)
    for path in ("/admin/casework/case/", f"/admin/casework/case/{case.pk}/change/", "/admin/casework/note/"):
        assert client.get(path).status_code == 404
    assert b"Sensitive title" not in client.get(reverse("admin:index")).content
