"""Answers Schemathesis found wrong once: each must stay a clean problem, never a 500 or an HTML page."""

import pytest
from django.test import Client

from accounts.choices import Role
from tests.api.support import Api, assert_problem, create_api_client, fetch_token


@pytest.fixture
def api(org):
    credentials = create_api_client(org, role=Role.SUPERVISOR)
    return Api(fetch_token(credentials)["access_token"], client=Client(enforce_csrf_checks=True))


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"])
def test_unstorable_datetimes_are_a_400(api, org, value):
    from urllib.parse import quote

    body = assert_problem(api.get(f"/api/v1/cases/?updated_after={quote(value)}"), 400)
    assert "updated_after" in body["errors"]
    auditor = Api(fetch_token(create_api_client(org, role=Role.AUDITOR, scopes=("audit:read",)))["access_token"])
    body = assert_problem(auditor.get(f"/api/v1/audit/events/?since={quote(value)}"), 400)
    assert "since" in body["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("offset", ["%2B05:30", "%2B21:13"])
def test_any_valid_offset_is_compared_in_utc(api, offset):
    # PostgreSQL refuses offsets past ±15:59 when they reach it; converted to UTC first, they never do.
    assert api.get(f"/api/v1/cases/?updated_after=2024-01-01T00:00:00{offset}").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/shares/0.5/revoke/", "/api/v1/cases/null,null/consents/", "/api/v1/nope"])
def test_unmatched_writes_with_a_token_are_problem_404s_not_csrf_pages(api, path):
    assert_problem(api.post(path, {}), 404)


@pytest.mark.django_db
def test_nested_validation_errors_are_readable(api, caseworker):
    from casework import services

    case = services.case_create(actor=caseworker, title="t", case_type="other")
    person = services.person_add(actor=caseworker, case=case, role="survivor", estimated_age=30)
    body = assert_problem(
        api.post(
            f"/api/v1/cases/{case.pk}/consents/",
            {"person": str(person.pk), "categories": ["AAA"], "purpose": "services", "method": "written"},
        ),
        400,
    )
    assert body["errors"]["categories"] == ['[0] "AAA" is not a valid choice.']
