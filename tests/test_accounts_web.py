"""Sign-in pages and the operator's admin, which manages organizations, users, teams and
agreements and never shows case content."""

import pytest
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Organization
from casework import services


@pytest.mark.django_db
def test_login_logout_round_trip(client, caseworker):
    caseworker.set_password("a-long-password-1")
    caseworker.save()
    assert client.get(reverse("home")).status_code == 302
    bad = client.post(reverse("login"), {"username": caseworker.username, "password": "wrong"})
    assert bad.status_code == 200 and b"didn't match" in bad.content
    ok = client.post(reverse("login"), {"username": caseworker.username, "password": "a-long-password-1"})
    assert ok.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200 and b"Hope House" in home.content
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_superuser("operator", "op@example.org", "operator-password-1")


@pytest.mark.django_db
def test_admin_lists_no_case_content(client, operator, caseworker):
    case = services.case_create(actor=caseworker, title="Sensitive title", case_type="other")
    client.force_login(operator)
    index = client.get(reverse("admin:index")).content.decode()
    for label in ("Organizations", "Users", "Teams", "Sharing agreements"):
        assert label in index
    for hidden in ("Cases", "Persons", "Notes", "Technology indicators", "Consents"):
        assert f">{hidden}<" not in index
    assert client.get(f"/admin/casework/case/{case.pk}/change/").status_code == 404
    assert client.get("/admin/casework/person/").status_code == 404


@pytest.mark.django_db
def test_operator_creates_an_organization_with_its_supervisors_group(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("admin:accounts_organization_add"),
        {"slug": "river-ngo", "name": "River NGO", "sector": "ngo", "case_prefix": "RN", "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    org = Organization.objects.get(slug="river-ngo")
    assert org.supervisors_group.name == "org:river-ngo:supervisors"


@pytest.mark.django_db
def test_operator_cannot_promote_a_user_to_see_cases(client, operator, org, caseworker, make_user):
    """Roles are the organization's admins' to give (issue 11): the admin shows them read-only."""
    colleague = make_user(org, Role.CASEWORKER)
    case = services.case_create(actor=caseworker, title="x", case_type="other")
    client.force_login(operator)
    url = reverse("admin:accounts_user_change", args=[colleague.pk])
    form = {"organization": org.pk, "role": Role.SUPERVISOR, "is_active": "on"}
    assert client.post(url, form).status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == Role.CASEWORKER
    from casework.models import Case

    assert not Case.objects.restrict(colleague).filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_team_members_are_managed_in_the_admin(client, operator, org, caseworker, make_user):
    from accounts.services import team_create

    team = team_create(organization=org, name="Night shift")
    client.force_login(operator)
    url = reverse("admin:accounts_team_change", args=[team.pk])
    assert client.post(url, {"name": "Night shift", "members": [caseworker.pk]}).status_code == 302
    assert list(team.members) == [caseworker]
