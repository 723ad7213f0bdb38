"""GET /api/v1/audit/events/: auditors read their organization's trail, with the audit:read scope."""

import pytest

from accounts.choices import Role
from tests.api.support import Api, assert_problem, create_api_client, fetch_token


@pytest.fixture
def auditor_api(org):
    credentials = create_api_client(org, role=Role.AUDITOR, scopes=("audit:read",), name="Oversight")
    return Api(fetch_token(credentials)["access_token"], user=credentials.user)


@pytest.mark.django_db
def test_auditor_reads_who_accessed_a_case(org, other_org, caseworker, make_user, auditor_api):
    worker_api_credentials = create_api_client(org, role=Role.SUPERVISOR, scopes=("cases:read", "cases:write"))
    worker = Api(fetch_token(worker_api_credentials)["access_token"])
    created = worker.post("/api/v1/cases/", {"title": "t", "case_type": "other"}).json()
    assert worker.get(f"/api/v1/cases/{created['id']}/").status_code == 200
    foreign_credentials = create_api_client(other_org, role=Role.SUPERVISOR, scopes=("cases:read", "cases:write"))
    foreign = Api(fetch_token(foreign_credentials)["access_token"])
    theirs = foreign.post("/api/v1/cases/", {"title": "theirs", "case_type": "other"}).json()

    response = auditor_api.get(f"/api/v1/audit/events/?object_id={created['id']}&action=access")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["actor"] for r in rows] == [worker_api_credentials.user.username]
    assert rows[0]["channel"] == "api" and rows[0]["object_type"] == "casework.case"
    everything = auditor_api.get("/api/v1/audit/events/?limit=200").json()["results"]
    assert theirs["id"] not in {r["object_id"] for r in everything}
    assert any(r["action"] == "api.token_issued" for r in everything), "token issuance is a security event"


@pytest.mark.django_db
def test_only_auditors_with_the_scope_read_the_trail(org, auditor_api):
    supervisor = create_api_client(org, role=Role.SUPERVISOR, scopes=("audit:read",))
    assert_problem(Api(fetch_token(supervisor)["access_token"]).get("/api/v1/audit/events/"), 403)
    no_scope = create_api_client(org, role=Role.AUDITOR, scopes=("cases:read",))
    assert_problem(Api(fetch_token(no_scope)["access_token"]).get("/api/v1/audit/events/"), 403)
    assert_problem(auditor_api.get("/api/v1/audit/events/?since=yesterday"), 400)
    assert_problem(Api().get("/api/v1/audit/events/"), 401)
