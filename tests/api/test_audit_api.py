"""``GET /api/v1/audit/events/`` from a partner system: auditors only, their organization only."""

from accounts.choices import Role
from tests.api.support import assert_problem

EVENTS = "/api/v1/audit/events/"


def test_only_an_auditor_reads_the_trail_even_with_the_scope(world, make_api):
    supervisor = make_api(world.org_a, role=Role.SUPERVISOR, scopes=["audit:read", "cases:read"])
    assert_problem(supervisor.get(EVENTS), 403)


def test_who_accessed_case_x_through_the_api(world, make_api):
    partner = make_api(world.org_a)
    auditor = make_api(world.org_a, role=Role.AUDITOR, scopes=["audit:read"])
    case = world.case(True)
    assert partner.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    response = auditor.get(f"{EVENTS}?action=access&channel=api&object_id={case.pk}")
    assert response.status_code == 200, response.content
    [entry] = response.json()["results"]
    assert (entry["actor"], entry["object_type"], entry["channel"]) == (partner.user.username, "casework.case", "api")
    assert entry["organization"] == "hope-house"


def test_an_auditor_never_reads_another_organizations_trail(world, make_api):
    theirs = world.case(False)
    their_partner = make_api(world.org_b)
    assert their_partner.get(f"/api/v1/cases/{theirs.pk}/").status_code == 200
    world.case(True)
    auditor = make_api(world.org_a, role=Role.AUDITOR, scopes=["audit:read"])
    response = auditor.get(f"{EVENTS}?limit=200")
    assert response.status_code == 200, response.content
    text = response.content.decode()
    for leaked in (str(theirs.pk), theirs.reference, their_partner.user.username, world.sup_b.username):
        assert leaked not in text, leaked
    assert response.json()["results"]
    assert {row["organization"] for row in response.json()["results"]} <= {"hope-house", None}
