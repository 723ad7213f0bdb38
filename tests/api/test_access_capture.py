"""Complete capture (issue 12, item 1): every GET endpoint of the API that returns case content,
a share or a received record writes exactly one access entry per object it returned, and nothing
else. The rows come from ``tests/api/endpoints.py``, which the API completeness test keeps equal to
the OpenAPI operations: a new GET endpoint is checked here unless it is named in NOT_CASE_CONTENT."""

import pytest
from auditlog.models import LogEntry
from django.db.models import Max

from tests.api.endpoints import ENDPOINTS

# GET endpoints that show no case content: their rows are the caller's own profile, the
# organizations, agreements, or the audit trail itself (whose CSV export is an access entry).
NOT_CASE_CONTENT = {"me", "organizations-list", "agreements-list", "audit-events", "audit-flags"}
READS = [e for e in ENDPOINTS if e.method == "GET" and e.name not in NOT_CASE_CONTENT]


@pytest.fixture
def world(shared_world, db):
    return shared_world


def returned_ids(body: dict) -> list[str]:
    if "results" in body:
        return [row["id"] for row in body["results"]]
    if "indicators" in body:  # indicator matches: the case's indicators were read
        return [row["indicator"] for row in body["indicators"]]
    return [body["id"]]


@pytest.mark.parametrize("endpoint", [pytest.param(e, id=e.name) for e in READS])
def test_one_access_entry_per_object_read(endpoint, world):
    api = world.api(endpoint.role)
    watermark = LogEntry.objects.aggregate(top=Max("pk"))["top"] or 0
    response = api.get(endpoint.url(world))
    assert response.status_code == 200, response.content[:400]
    ids = returned_ids(response.json())
    assert ids, f"{endpoint}: the world gives this read something to return"
    written = LogEntry.objects.filter(pk__gt=watermark, action=LogEntry.Action.ACCESS)
    assert sorted(written.values_list("object_pk", flat=True)) == sorted(str(i) for i in ids)
    assert {(e.actor_id, e.additional_data["channel"]) for e in written} == {(api.user.pk, "api")}
    assert len({e.cid for e in written}) == 1 and written.first().cid, "one request, one correlation id"
