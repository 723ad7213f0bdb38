"""Across organizations only shared records travel (SPEC, Per-object permissions).

hope-house's partner system (the ``api`` fixture) against everything metro-police holds.
"""

import pytest
from auditlog.models import LogEntry

from accounts.choices import Role
from audit.models import DomainEvent
from casework import services as casework
from casework.models import Consent
from sharing.models import Share
from tests.api.support import assert_problem, domain_state, row_state


@pytest.fixture
def world(shared_world, db):
    """One world for the module (see ``shared_world``); each test's writes are rolled back."""
    return shared_world


@pytest.fixture
def api(world):
    return world.api()


def share_body(recipient: str, consent) -> dict:
    return {"recipient": recipient, "purpose": "services", "legal_basis": "consent", "consent": str(consent.pk)}


@pytest.fixture
def both(world):
    """Both organizations' cases, shares and inbox records."""
    world.share_a  # noqa: B018
    world.share_b  # noqa: B018
    return world


def test_lists_never_show_the_other_organizations_rows(both, api):
    mine_only = {
        "/api/v1/cases/": [both.case(True)],
        "/api/v1/shares/": [both.share_a, both.pending_a],
        "/api/v1/inbox/": [both.record(True)],
    }
    for url, rows in mine_only.items():
        listed = [row["id"] for row in api.get(url).json()["results"]]
        assert sorted(listed) == sorted(str(row.pk) for row in rows), url
    # Searching for their reference, or filtering for their assignee, finds nothing either.
    theirs = both.case(False)
    assert api.get(f"/api/v1/cases/?search={theirs.reference}").json()["count"] == 0
    assert api.get(f"/api/v1/cases/?assigned_to={both.cw_b.username}").json()["count"] == 0


def test_their_objects_are_404_everywhere(both, api):
    theirs = both.case(False)
    for url in (
        f"/api/v1/cases/{theirs.pk}/",
        f"/api/v1/cases/{theirs.pk}/persons/",
        f"/api/v1/cases/{theirs.pk}/notes/",
        f"/api/v1/shares/{both.share_b.pk}/",
        f"/api/v1/inbox/{both.record(False).pk}/",
        f"/api/v1/indicators/matches/?case={theirs.pk}",
    ):
        body = assert_problem(api.get(url), 404)
        assert theirs.reference not in str(body)


def test_they_cannot_withdraw_our_consent_nor_we_theirs(both, api):
    consent = both.consent(False)
    before, share_before = row_state(consent), row_state(both.share_b)
    assert_problem(api.post(f"/api/v1/consents/{consent.pk}/withdraw/"), 404)
    assert row_state(consent) == before
    assert row_state(both.share_b) == share_before, "their share relying on the consent stays live"
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None


def test_we_cannot_share_their_case(both, api):
    theirs = both.case(False)
    before = domain_state()
    for endpoint in ("shares", "share-preview"):
        response = api.post(
            f"/api/v1/cases/{theirs.pk}/{endpoint}/",
            {
                "recipient": "hope-house",
                "purpose": "services",
                "legal_basis": "consent",
                "consent": str(both.consent(False).pk),
            },
        )
        assert_problem(response, 404)
    assert domain_state() == before
    assert not Share.objects.filter(case=theirs, requested_by=api.user).exists()


def test_we_cannot_name_their_consent_for_our_share(both, api):
    response = api.post(
        f"/api/v1/cases/{both.case(True).pk}/shares/",
        {
            "recipient": "metro-police",
            "purpose": "services",
            "legal_basis": "consent",
            "consent": str(both.consent(False).pk),
        },
    )
    body = assert_problem(response, 400)
    assert list(body["errors"]) == ["consent"]


def test_we_cannot_assign_our_case_to_their_people(both, api):
    case = both.case(True)
    before = row_state(case)
    response = api.patch(f"/api/v1/cases/{case.pk}/", {"assigned_to": [both.cw_b.username]})
    body = assert_problem(response, 400)
    assert list(body["errors"]) == ["assigned_to"]
    assert row_state(case) == before


def test_indicator_matches_count_their_trace_but_never_show_it(world, api):
    ours, theirs = world.bundle_a, world.bundle_b
    # Their extra traces: one more on the matching case, one that matches nothing of ours.
    secret = casework.indicator_add(
        actor=world.sup_b,
        case=theirs.case,
        kind="social_handle",
        value="@only_metro_knows",
        platform="metro-secret-platform",
        note="metro undercover note",
    )
    response = api.get(f"/api/v1/indicators/matches/?case={ours.case.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["case"] == str(ours.case.pk)
    [match] = body["indicators"]
    assert match["indicator"] == str(ours.indicator.pk)
    assert match["value"] == ours.indicator.value  # our own value, which theirs equals by definition
    assert match["other_organizations"] == 1
    assert match["by_sector"] == {"law_enforcement": 1}
    assert match["most_recent_match"] is not None
    text = response.content.decode()
    for leaked in (
        str(theirs.case.pk),
        theirs.case.reference,
        theirs.case.title,
        str(theirs.indicator.pk),
        theirs.indicator.platform,
        str(secret.pk),
        secret.value,
        secret.platform,
        secret.note,
        "metro-police",
        "Metro Police",
    ):
        assert leaked not in text, leaked


def test_indicator_matches_ignore_our_own_other_cases(world, api):
    """Matching is across organizations: another case of ours holding the same trace is not a match."""
    ours = world.case(True)
    mine = casework.indicator_add(actor=world.sup_a, case=ours, kind="email", value="Ring.Leader@Example.org")
    other = casework.case_create(actor=world.sup_a, title="Second case", case_type="other")
    casework.indicator_add(actor=world.sup_a, case=other, kind="email", value="ring.leader@example.org")
    rows = api.get(f"/api/v1/indicators/matches/?case={ours.pk}").json()["indicators"]
    [match] = [row for row in rows if row["indicator"] == str(mine.pk)]
    assert (match["value"], match["other_organizations"], match["by_sector"]) == ("ring.leader@example.org", 0, {})


def test_indicator_matches_need_a_case(world, api):
    body = assert_problem(api.get("/api/v1/indicators/matches/"), 400)
    assert list(body["errors"]) == ["case"]


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.AUDITOR])
def test_roles_without_case_content_read_none_of_it(role, both, make_api):
    """Separation of duties: an org admin's or auditor's API client holds no case content, even its own org's."""
    client = make_api(both.org_a, role=role)
    for url in ("/api/v1/cases/", "/api/v1/shares/", "/api/v1/inbox/"):
        assert client.get(url).json()["count"] == 0, url
    ours = both.case(True)
    assert_problem(client.get(f"/api/v1/cases/{ours.pk}/"), 404)
    assert_problem(client.get(f"/api/v1/inbox/{both.record(True).pk}/"), 404)
    before = domain_state()
    response = client.post("/api/v1/cases/", {"title": "Not theirs to open", "case_type": "other"})
    assert 400 <= response.status_code < 500
    assert domain_state() == before


def test_asking_for_another_organizations_case_is_a_logged_denial(both, api):
    theirs = both.case(False)
    assert_problem(api.get(f"/api/v1/cases/{theirs.pk}/"), 404)
    logged = (
        DomainEvent.objects.filter(actor=api.user, object_id=str(theirs.pk)).exists()
        or LogEntry.objects.filter(actor=api.user, object_pk=str(theirs.pk)).exists()
    )
    assert logged
