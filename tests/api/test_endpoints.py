"""The generic per-endpoint suite (NetBox ``APIViewTestCases``): the same five checks for every
endpoint and verb of the SPEC's REST API table, declared in ``tests/api/endpoints.py``.

1. a permitted object works;
2. another organization's object is a 404, answered exactly like a missing one, and a write changes nothing;
3. an anonymous call is a 401 problem with ``WWW-Authenticate``;
4. a token without the endpoint's scope is a 403 problem, and a write changes nothing;
5. a write leaves an audit entry whose actor is the API client's service account.

The whole module shares one world (``shared_world``); each test's writes are rolled back.
"""

import json

import pytest
from auditlog.models import LogEntry
from django.db.models import Max

from audit.models import DomainEvent
from tests.api.endpoints import ENDPOINTS, SCOPED, WITH_OBJECT, WRITES, Endpoint, missing_id
from tests.api.support import assert_problem, domain_state, row_state


@pytest.fixture
def world(shared_world, db):
    return shared_world


def params(endpoints: list[Endpoint], *, audit: bool = False):
    """One test per endpoint, named after it."""
    return [pytest.param(e, id=e.name) for e in endpoints]


def state(endpoint: Endpoint, world, mine: bool) -> tuple:
    """Everything a refused call must leave as it was: row counts, and the addressed row itself."""
    target = row_state(endpoint.target(world, mine)) if endpoint.target else None
    return domain_state(), target


def call(api, endpoint: Endpoint, world, *, mine: bool = True, object_id=None):
    return api.request(
        endpoint.method, endpoint.url(world, mine, object_id), endpoint.data(world, mine) if endpoint.body else None
    )


@pytest.mark.parametrize("endpoint", params(ENDPOINTS))
def test_permitted_object_works(endpoint, world):
    before = domain_state()
    response = call(world.api(endpoint.role), endpoint, world)
    assert response.status_code == endpoint.status, response.content[:800]
    assert response["Content-Type"].startswith("application/json")
    if not endpoint.changes_rows:
        assert domain_state() == before, f"{endpoint} wrote rows"
    if endpoint.expect:
        outcome = endpoint.expect(world, response, response.json())
        assert outcome is None or outcome, f"{endpoint}: unexpected body {response.json()}"


@pytest.mark.parametrize("endpoint", params(WITH_OBJECT))
def test_another_organizations_object_is_not_found(endpoint, world):
    api = world.api(endpoint.role)
    before = state(endpoint, world, mine=False)
    response = call(api, endpoint, world, mine=False)
    body = assert_problem(response, 404)
    assert state(endpoint, world, mine=False) == before
    # Exactly like an object that does not exist: same status, same body.
    missing = call(api, endpoint, world, mine=False, object_id=missing_id())
    assert assert_problem(missing, 404) == body
    # Nothing of the other organization's object leaks into the answer.
    target = endpoint.target(world, False)
    assert str(target.pk) not in response.content.decode()


@pytest.mark.parametrize("endpoint", params(ENDPOINTS))
def test_anonymous_call_is_refused(endpoint, world, anonymous):
    before = state(endpoint, world, mine=True)
    response = call(anonymous, endpoint, world)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="casebridge"'
    assert state(endpoint, world, mine=True) == before


@pytest.mark.parametrize("endpoint", params(SCOPED))
def test_token_without_the_scope_is_forbidden(endpoint, world):
    api = world.api(endpoint.role, without=endpoint.scope)
    assert endpoint.scope not in api.get("/api/v1/me/").json()["scopes"]
    before = state(endpoint, world, mine=True)
    response = call(api, endpoint, world)
    body = assert_problem(response, 403)
    assert "scope" in body["detail"]
    assert state(endpoint, world, mine=True) == before


@pytest.mark.parametrize("endpoint", params(WRITES, audit=True))
def test_write_is_audited_with_the_api_client_as_actor(endpoint, world):
    api = world.api(endpoint.role)
    # Only what this call wrote: building the world left entries of its own.
    watermark = {model: model.objects.aggregate(top=Max("pk"))["top"] or 0 for model in (LogEntry, DomainEvent)}
    response = call(api, endpoint, world)
    assert response.status_code == endpoint.status, response.content[:800]
    written = endpoint.audit(world, json.loads(response.content))
    entries = list(written.filter(pk__gt=watermark[written.model]))
    assert entries, f"{endpoint}: no audit entry"
    assert [e.actor_id for e in entries] == [api.user.pk] * len(entries)
    assert {e.remote_addr for e in entries} == {"127.0.0.1"}
