"""What a case row carries on the wire, in a list and alone: the organization by slug, the team by
id, the assignees and the author by username (the list reads no more of them than that)."""

import pytest

from accounts.choices import Role
from tests.factories import CaseFactory, OrganizationFactory, TeamFactory, UserFactory


@pytest.fixture
def org(db):
    return OrganizationFactory()


def test_a_case_row_names_its_organization_team_assignees_and_author(make_api, org):
    supervisor = UserFactory(organization=org, role=Role.SUPERVISOR)
    first, second = (UserFactory(organization=org, role=Role.CASEWORKER) for _ in range(2))
    team = TeamFactory(organization=org, name="Outreach")
    case = CaseFactory(actor=supervisor, team=team, assigned_to=[second, first])
    CaseFactory(actor=supervisor)  # a case of no team, no assignee
    api = make_api(org)
    listed = {row["id"]: row for row in api.get("/api/v1/cases/").json()["results"]}
    alone = api.get(f"/api/v1/cases/{case.pk}/").json()
    for row in (listed[str(case.pk)], alone):
        assert row["organization"] == org.slug
        assert row["team"] == team.pk
        assert sorted(row["assigned_to"]) == sorted([first.username, second.username])
        assert row["created_by"] == supervisor.username
    other = next(row for pk, row in listed.items() if pk != str(case.pk))
    assert (other["team"], other["assigned_to"]) == (None, [])
