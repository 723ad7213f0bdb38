"""Mass assignment: fields the server owns are refused by name, never silently taken or ignored."""

import pytest

from sharing.models import Share, SharedRecord
from tests.api.support import assert_problem, domain_state, row_state


@pytest.fixture
def world(shared_world, db):
    """One world for the module (see ``shared_world``); each test's writes are rolled back."""
    return shared_world


@pytest.fixture
def api(world):
    return world.api()


SERVER_OWNED = {"organization": "metro-police", "created_by": "someone", "version": 99, "reference": "HH-1999-99999"}


def test_post_case_with_server_owned_fields_is_refused(world, api):
    before = domain_state()
    response = api.post("/api/v1/cases/", {"title": "Referral", "case_type": "other", **SERVER_OWNED})
    body = assert_problem(response, 400)
    assert set(body["errors"]) == set(SERVER_OWNED)
    assert domain_state() == before


@pytest.mark.parametrize("field", sorted(SERVER_OWNED))
def test_patch_case_with_a_server_owned_field_is_refused(field, world, api):
    case = world.case(True)
    before = row_state(case)
    response = api.patch(f"/api/v1/cases/{case.pk}/", {"priority": "imminent", field: SERVER_OWNED[field]})
    body = assert_problem(response, 400)
    assert list(body["errors"]) == [field]
    assert row_state(case) == before


def test_patch_case_with_every_server_owned_field_names_them_all(world, api):
    case = world.case(True)
    before = row_state(case)
    extra = {"id": "00000000-0000-0000-0000-000000000000", "involves_minor": True, "opened_at": "2020-01-01T00:00Z"}
    rows = domain_state()
    response = api.patch(f"/api/v1/cases/{case.pk}/", {**SERVER_OWNED, **extra})
    body = assert_problem(response, 400)
    assert set(body["errors"]) == set(SERVER_OWNED) | set(extra)
    assert row_state(case) == before
    assert domain_state() == rows


@pytest.mark.parametrize(
    ("part", "body", "refused"),
    [
        ("persons", {"role": "witness", "is_minor": True, "case": "x"}, {"is_minor", "case"}),
        ("notes", {"body": "Met", "author": "someone", "created_at": "2020-01-01T00:00Z"}, {"author", "created_at"}),
        ("indicators", {"kind": "email", "value": "a@b.example", "fingerprint": "00"}, {"fingerprint"}),
        ("consents", {"withdrawn_at": "2020-01-01T00:00Z", "recorded_by": "someone"}, {"withdrawn_at", "recorded_by"}),
    ],
)
def test_parts_refuse_server_owned_fields(part, body, refused, world, api):
    case = world.case(True)
    before = domain_state()
    response = api.post(f"/api/v1/cases/{case.pk}/{part}/", body)
    problem = assert_problem(response, 400)
    assert refused <= set(problem["errors"])
    assert domain_state() == before


# --- share status belongs to the lifecycle, never to the client ------------------------------


def share_request(world) -> dict:
    world.agreements  # noqa: B018 - built for its side effect
    return {
        "recipient": "metro-police",
        "purpose": "services",
        "legal_basis": "consent",
        "consent": str(world.consent(True).pk),
    }


@pytest.mark.parametrize("endpoint", ["shares", "share-preview"])
@pytest.mark.parametrize("status", ["delivered", "accepted"])
def test_share_request_with_a_status_is_refused(endpoint, status, world, api):
    url, body = f"/api/v1/cases/{world.case(True).pk}/{endpoint}/", share_request(world)
    before = domain_state()
    response = api.post(url, {**body, "status": status})
    body = assert_problem(response, 400)
    assert list(body["errors"]) == ["status"]
    assert domain_state() == before


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_a_share_cannot_be_edited_directly(method, world, api):
    share = world.share(True)
    before = row_state(share)
    response = api.request(method, f"/api/v1/shares/{share.pk}/", {"status": "accepted"})
    assert_problem(response, 405)
    assert row_state(share) == before


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_an_inbox_record_cannot_be_edited_directly(method, world, api):
    record = world.record(True)
    before = row_state(record)
    response = api.request(method, f"/api/v1/inbox/{record.pk}/", {"status": "accepted"})
    assert_problem(response, 405)
    assert row_state(record) == before


@pytest.mark.parametrize(
    ("action", "body"),
    [("revoke", {"reason": "No longer needed"}), ("accept", {"open_case": False}), ("decline", {"reason": "No"})],
)
def test_lifecycle_actions_with_a_body_refuse_status(action, body, world, api):
    url, target = (
        (f"/api/v1/shares/{world.share(True).pk}/{action}/", world.share(True))
        if action == "revoke"
        else (f"/api/v1/inbox/{world.record(True).pk}/{action}/", world.record(True))
    )
    before = row_state(target)
    response = api.post(url, {**body, "status": "accepted"})
    problem = assert_problem(response, 400)
    assert list(problem["errors"]) == ["status"]
    assert row_state(target) == before


@pytest.mark.parametrize("action", ["approve", "acknowledge"])
def test_bodyless_lifecycle_actions_never_take_a_status_from_the_client(action, world, api):
    """approve and acknowledge take no body; a status sent along must not become the status."""
    if action == "approve":
        url, model, pk = f"/api/v1/shares/{world.pending(True).pk}/approve/", Share, world.pending(True).pk
        lifecycle = "queued"
    else:
        url, model, pk = f"/api/v1/inbox/{world.record(True).pk}/acknowledge/", SharedRecord, world.record(True).pk
        lifecycle = "acknowledged"
    response = api.post(url, {"status": "accepted", "approved_by": "someone"})
    assert response.status_code in (200, 400), response.content
    status = model.objects.get(pk=pk).status
    assert status != "accepted"
    if response.status_code == 200:
        assert status == lifecycle
