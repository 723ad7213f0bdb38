"""Every case-bound endpoint and verb, called by each of hope-house's own API clients about its case A.

The other organization's 404 (``test_endpoints.py``) cannot notice a weakened rule inside one
organization; these rows can. The callers (``support.CALLERS``) are a supervisor, a caseworker
case A is assigned to, a member of case A's team, the same member once the team is taken off the
case, a caseworker of the organization who is not assigned, and an org admin and an auditor who
are both in case A's team (so that only the separation-of-duties role check keeps them out). What
each must get is ``endpoints.outcome``:

- works: the endpoint's own status and expectations, as for the supervisor;
- hidden: a 404 problem, the same body as for an object that does not exist, logged as a denial,
  nothing changed and nothing of case A in the answer (for a list: a 200 without any rows);
- refused (403, or 400 for a caseworker approving an emergency share): nothing changed, nothing leaked.

And a token of a caller that works the endpoint, missing the endpoint's scope, is a 403.
"""

import pytest

from audit.context import acting_as
from audit.models import DomainEvent
from casework import services as casework
from casework.models import Case
from tests.api.endpoints import (
    CASE_BOUND,
    FORMER_TEAM_MEMBER,
    HIDDEN,
    MAY,
    WORKS,
    Endpoint,
    missing_id,
    outcome,
)
from tests.api.support import assert_problem, domain_state, row_state


@pytest.fixture
def world(shared_world, db):
    return shared_world


def rows():
    return [pytest.param(e, caller, id=f"{e.name}-{caller}") for e in CASE_BOUND for caller in MAY]


def take_the_team_off_case_a(world) -> None:
    """A supervisor reassigns case A to its assignees alone: its team's grants go."""
    case = Case.objects.get(pk=world.case(True).pk)
    with acting_as(world.sup_a):
        casework.case_assign(actor=world.sup_a, case=case, assigned_to=list(case.assigned_to.all()), team=None)


def caller_api(world, caller: str):
    if caller == FORMER_TEAM_MEMBER:
        take_the_team_off_case_a(world)
        return world.api("team_member")
    return world.api(caller)


def call(api, endpoint: Endpoint, world, object_id=None):
    return api.request(
        endpoint.method, endpoint.url(world, True, object_id), endpoint.data(world, True) if endpoint.body else None
    )


def state(endpoint: Endpoint, world) -> tuple:
    return domain_state(), row_state(endpoint.target(world, True)) if endpoint.target else None


def secrets(world) -> set[str]:
    """What of hope-house's case A (and of its inbox) no refused answer may contain."""
    bundle = world.bundle_a
    case = Case.objects.get(pk=bundle.case.pk)
    return {
        str(case.pk),
        case.reference,
        case.title,
        bundle.survivor.given_name,
        bundle.survivor.family_name,
        str(bundle.survivor.pk),
        str(bundle.indicator.pk),
        bundle.indicator.value,
        str(bundle.consent.pk),
        str(world.share_a.pk),
        str(world.pending_a.pk),
        str(world.record(True).pk),
        str(world.share_b.pk),
    }


def assert_nothing_leaked(response, world) -> None:
    content = response.content.decode()
    leaked = sorted(secret for secret in secrets(world) if secret in content)
    assert not leaked, f"the answer shows {leaked}: {content[:500]}"


@pytest.mark.parametrize(("endpoint", "caller"), rows())
def test_caller(endpoint, caller, world):
    api = caller_api(world, caller)
    expected = outcome(endpoint, caller)
    before = state(endpoint, world)
    response = call(api, endpoint, world)

    if expected == WORKS:
        assert response.status_code == endpoint.status, response.content[:800]
        if not endpoint.changes_rows:
            assert domain_state() == before[0], f"{endpoint} wrote rows"
        if endpoint.expect:
            result = endpoint.expect(world, response, response.json())
            assert result is None or result, f"{endpoint}: unexpected body {response.json()}"
        return

    if expected == HIDDEN and endpoint.target is None:  # a list: answered, without case A's rows
        assert response.status_code == 200, response.content[:800]
        assert response.json()["results"] == [], response.content[:800]
    elif expected == HIDDEN:
        body = assert_problem(response, 404)
        # Exactly like an object that does not exist, and logged for the organization's auditors.
        assert assert_problem(call(api, endpoint, world, object_id=missing_id()), 404) == body
        denials = DomainEvent.objects.filter(event_type="security.permission_denied", actor=api.user)
        assert denials.filter(object_id=str(endpoint.target(world, True).pk)).exists(), "denial not logged"
    else:
        assert_problem(response, expected)
    assert state(endpoint, world) == before, f"{endpoint} changed something for {caller}"
    assert_nothing_leaked(response, world)


def scoped_rows():
    return [
        pytest.param(e, caller, id=f"{e.name}-{caller}")
        for e in CASE_BOUND
        for caller in ("assignee", "team_member")
        if e.scope is not None and outcome(e, caller) == WORKS
    ]


@pytest.mark.parametrize(("endpoint", "caller"), scoped_rows())
def test_token_of_a_permitted_caller_without_the_scope_is_forbidden(endpoint, caller, world):
    api = world.api(caller, without=endpoint.scope)
    before = state(endpoint, world)
    body = assert_problem(call(api, endpoint, world), 403)
    assert "scope" in body["detail"]
    assert state(endpoint, world) == before
