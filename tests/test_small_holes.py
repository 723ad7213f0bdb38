"""Smaller holes (issue 11, item 7): date-only indicator matches, deep JSON, PATCH without If-Match."""

import datetime as dt
import json

import pytest

from casework import services as casework
from casework.models import Case, TechnologyIndicator
from tests.api.support import Api, create_api_client, fetch_token


@pytest.fixture
def api(org):
    return Api(fetch_token(create_api_client(org, role="supervisor"))["access_token"])


@pytest.mark.django_db
def test_an_indicator_match_reports_the_day_not_the_time(api, supervisor, other_org, make_user, make_case):
    ours = make_case(supervisor)
    mine = casework.indicator_add(actor=supervisor, case=ours, kind="social_handle", value="@trafficker_one")
    police = make_user(other_org, "supervisor")
    theirs = make_case(police)
    other = casework.indicator_add(actor=police, case=theirs, kind="social_handle", value="@trafficker_one")
    recorded = dt.datetime(2026, 3, 4, 17, 23, 45, 123456, tzinfo=dt.UTC)
    TechnologyIndicator.objects.filter(pk=other.pk).update(created_at=recorded)
    response = api.get(f"/api/v1/indicators/matches/?case={ours.pk}")
    assert response.status_code == 200, response.content
    [match] = response.json()["indicators"]
    assert match["indicator"] == str(mine.pk)
    assert match["most_recent_match"] == "2026-03-04"
    assert "17:23" not in response.content.decode() and "123456" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [65, 5000])
def test_deeply_nested_json_is_a_400_problem(api, depth):
    body = "[" * depth + "]" * depth
    response = api.post("/api/v1/cases/", raw=body)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")
    assert "nested" in response.json()["detail"]


@pytest.mark.django_db
def test_json_within_the_depth_limit_is_parsed(api):
    nested = {"a": [[[["x"]]]]}
    response = api.post("/api/v1/cases/", raw=json.dumps({"title": "Brackets [in {a} string", "case_type": "other"}))
    assert response.status_code == 201, response.content
    assert (
        api.post("/api/v1/cases/", raw=json.dumps({"title": "x", "case_type": "other", "z": nested})).status_code == 400
    )


@pytest.mark.django_db
def test_a_case_patch_without_if_match_is_428_and_changes_nothing(api, supervisor, make_case):
    case = make_case(supervisor, priority="low")
    response = api.client.generic(
        "PATCH",
        f"/api/v1/cases/{case.pk}/",
        json.dumps({"priority": "imminent"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.status_code == 428, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 428
    case.refresh_from_db()
    assert case.priority == "low" and case.version == 1
    # With the version read, the same change is applied; a stale one is 412.
    ok = api.patch(f"/api/v1/cases/{case.pk}/", {"priority": "imminent"}, headers={"If-Match": '"1"'})
    assert ok.status_code == 200, ok.content
    stale = api.patch(f"/api/v1/cases/{case.pk}/", {"priority": "high"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert Case.objects.get(pk=case.pk).priority == "imminent"


def test_the_openapi_description_says_428():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    patch = schema["paths"]["/api/v1/cases/{id}/"]["patch"]
    assert "428" in patch["responses"]
    [if_match] = [p for p in patch["parameters"] if p["name"] == "If-Match"]
    assert if_match["required"] is True and "428" in if_match["description"]
