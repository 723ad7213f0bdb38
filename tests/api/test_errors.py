"""Error shapes (RFC 9457 problem+json), optimistic concurrency, body limit, rate limit, CSRF, tokens."""

import hashlib
import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string
from oauth2_provider.models import AccessToken

from casework import services as casework
from casework.models import Case, Person
from config.api.throttling import ClientRateThrottle
from tests.api.support import (
    ALL_SCOPES,
    Api,
    assert_problem,
    basic_auth,
    create_api_client,
    domain_state,
    fetch_token,
    row_state,
)


@pytest.fixture
def world(shared_world, db):
    """One world for the module (see ``shared_world``); each test's writes are rolled back."""
    return shared_world


@pytest.fixture
def api(world):
    return world.api()


CASES = "/api/v1/cases/"
VALID_CASE = {"title": "Hotline referral", "case_type": "labor_trafficking"}


# --- malformed and invalid requests ----------------------------------------------------------


def test_malformed_json_is_a_400_problem(world, api):
    before = domain_state()
    response = api.post(CASES, raw='{"title": "unterminated')
    body = assert_problem(response, 400)
    assert "JSON" in body["detail"]
    assert domain_state() == before


def test_serializer_validation_error_names_each_field(world, api):
    before = domain_state()
    response = api.post(CASES, {"case_type": "piracy", "priority": "whenever"})
    body = assert_problem(response, 400)
    assert set(body["errors"]) == {"title", "case_type", "priority"}
    assert all(isinstance(messages, list) and messages for messages in body["errors"].values())
    assert domain_state() == before


def test_service_validation_error_names_the_field(world, api):
    """A rule the service enforces (here: E.164 phone numbers) comes back in the same shape."""
    response = api.post(f"/api/v1/cases/{world.case(True).pk}/persons/", {"role": "witness", "phone": "call me"})
    body = assert_problem(response, 400)
    assert list(body["errors"]) == ["phone"]
    assert Person.objects.filter(case=world.case(True)).count() == 1


def test_unsupported_media_type_is_a_415_problem(world, api):
    response = api.client.post(
        CASES, "title=x", content_type="application/x-www-form-urlencoded", HTTP_AUTHORIZATION=f"Bearer {api.token}"
    )
    assert_problem(response, 415)


# --- routing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/no-such-thing/"),
        ("GET", "/api/v1/cases/not-a-uuid/"),
        ("GET", f"/api/v1/cases/{uuid.uuid4()}/photos/"),
        ("POST", "/api/v1/no-such-thing/"),
        ("GET", "/api/v1/no-such-thing"),
        ("POST", "/api/v1/no-such-thing"),
    ],
)
def test_unknown_route_is_a_404_problem(method, path, world, api, anonymous):
    body = assert_problem(api.request(method, path, {}), 404)
    assert body["type"].endswith("/404")
    # The same for a caller without credentials: an unknown route reveals nothing either way.
    assert assert_problem(anonymous.request(method, path, {}), 404) == body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/v1/cases/{case}/"),
        ("PUT", "/api/v1/cases/{case}/"),
        ("DELETE", "/api/v1/cases/"),
        ("GET", "/api/v1/cases/{case}/share-preview/"),
        ("PATCH", "/api/v1/cases/{case}/persons/"),
        ("POST", "/api/v1/me/"),
    ],
)
def test_wrong_method_is_a_405_problem(method, path, world, api):
    before = row_state(world.case(True))
    response = api.request(method, path.format(case=world.case(True).pk), {})
    body = assert_problem(response, 405)
    assert method in body["detail"]
    assert response["Allow"]
    assert method not in response["Allow"]
    assert row_state(world.case(True)) == before


# --- optimistic concurrency (If-Match / ETag) ------------------------------------------------


def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(world, api):
    case = world.case(True)
    url = f"{CASES}{case.pk}/"
    read = api.get(url)
    etag = read["ETag"]
    assert etag == f'"{case.version}"'
    # Someone else changes the case after our read.
    casework.case_update(actor=world.sup_a, case=case, title="Changed by a colleague")
    changed = row_state(case)

    response = api.patch(url, {"priority": "imminent"}, headers={"If-Match": etag})
    body = assert_problem(response, 412)
    assert body["type"].endswith("/stale-version")
    assert row_state(case) == changed

    fresh = api.get(url)["ETag"]
    assert fresh == f'"{changed["version"]}"'
    response = api.patch(url, {"priority": "imminent"}, headers={"If-Match": fresh})
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{changed["version"] + 1}"'
    assert response.json()["version"] == changed["version"] + 1
    assert Case.objects.get(pk=case.pk).priority == "imminent"


def test_one_patch_is_one_new_version(world, api):
    case = world.case(True)
    response = api.patch(
        f"{CASES}{case.pk}/",
        {"priority": "high", "assigned_to": [world.cw_a.username]},
        headers={"If-Match": f'"{case.version}"'},
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{case.version + 1}"'


@pytest.mark.parametrize("header", ['W/"1"', "1", "*"])
def test_if_match_accepts_weak_bare_and_any(header, world, api):
    response = api.patch(f"{CASES}{world.case(True).pk}/", {"priority": "low"}, headers={"If-Match": header})
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'


def test_malformed_if_match_is_a_400_problem(world, api):
    before = row_state(world.case(True))
    response = api.patch(f"{CASES}{world.case(True).pk}/", {"priority": "low"}, headers={"If-Match": '"v-one"'})
    assert_problem(response, 400)
    assert row_state(world.case(True)) == before


# --- body size -------------------------------------------------------------------------------


def test_body_above_the_limit_is_a_413_problem(world, api, settings):
    settings.CASEBRIDGE_API_MAX_BODY_BYTES = 1024
    before = domain_state()
    response = api.post(CASES, {**VALID_CASE, "title": "x" * 2048})
    body = assert_problem(response, 413)
    assert "1024" in body["detail"]
    assert domain_state() == before
    # Just under the limit is fine.
    assert api.post(CASES, {**VALID_CASE, "title": "y" * 150}).status_code == 201


def test_default_body_limit_applies(world, api, settings):
    limit = django_settings.CASEBRIDGE_API_MAX_BODY_BYTES
    response = api.post(CASES, raw="x" * (limit + 1))
    assert_problem(response, 413)


# --- rate limit ------------------------------------------------------------------------------


@pytest.fixture
def three_per_minute(settings, monkeypatch):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"client": "3/minute"}}
    # DRF read the rates into the class attribute at import; the setting alone would not reach it.
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/minute"})


def test_rate_limit_is_a_429_problem_with_retry_after(world, api, make_api, three_per_minute):
    for _ in range(3):
        assert api.get("/api/v1/me/").status_code == 200
    response = api.get("/api/v1/me/")
    body = assert_problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 60
    assert "available in" in body["detail"]
    # The budget is per client: another partner system of the same organization is not affected.
    other = make_api(world.org_a)
    assert other.get("/api/v1/me/").status_code == 200


def test_rate_limit_counts_every_token_of_one_client(world, three_per_minute):
    credentials = create_api_client(world.org_a)
    first, second = (Api(fetch_token(credentials)["access_token"]) for _ in range(2))
    assert [first.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    assert_problem(second.get("/api/v1/me/"), 429)


# --- authentication edge cases ---------------------------------------------------------------


def test_session_post_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.sup_a)
    before = domain_state()
    response = client.post(CASES, VALID_CASE, content_type="application/json")
    body = assert_problem(response, 403)
    assert "CSRF" in body["detail"]
    assert domain_state() == before
    # The same request with the token passes: the 403 was the missing token, nothing else.
    secret = get_random_string(32)  # a CSRF secret: 32 letters and digits
    client.cookies[django_settings.CSRF_COOKIE_NAME] = secret
    response = client.post(CASES, VALID_CASE, content_type="application/json", headers={"X-CSRFToken": secret})
    assert response.status_code == 201, response.content


def test_session_caller_holds_every_scope_and_is_limited_by_role(world):
    client = Client()
    client.force_login(world.cw_a)
    me = client.get("/api/v1/me/").json()
    assert (me["username"], me["role"], me["is_service_account"]) == (world.cw_a.username, "caseworker", False)
    assert me["scopes"] == sorted(ALL_SCOPES)
    # A caseworker sees the cases assigned to them, and no other.
    assigned = world.case(True)
    casework.case_create(actor=world.sup_a, title="Not assigned to the caseworker", case_type="other")
    listed = client.get(CASES).json()["results"]
    assert [row["id"] for row in listed] == [str(assigned.pk)]


@pytest.mark.parametrize("authorization", ["Bearer not-a-real-token", "Bearer ", "Basic Zm9vOmJhcg=="])
def test_bad_credentials_are_401(authorization, world):
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=authorization)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="casebridge"'


def test_expired_token_is_401(world, api):
    # Tokens are stored as their SHA-256 checksum only (RFC 9700 token storage).
    checksum = hashlib.sha256(api.token.encode()).hexdigest()
    AccessToken.objects.filter(token_checksum=checksum).update(expires=timezone.now() - timezone.timedelta(seconds=1))
    assert_problem(api.get("/api/v1/me/"), 401)


def test_token_of_a_deactivated_service_account_is_401(world, make_api):
    api = make_api(world.org_a)  # its own: the shared client's account must stay active
    api.user.is_active = False
    api.user.save(update_fields=["is_active"])
    assert_problem(api.get("/api/v1/me/"), 401)


def test_a_client_gets_no_scope_it_was_not_granted(world):
    credentials = create_api_client(world.org_a, scopes=["cases:read"])
    response = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "cases:read cases:write"},
        HTTP_AUTHORIZATION=basic_auth(credentials.client_id, credentials.client_secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    # Asking for nothing gets what was granted, and nothing more.
    token = fetch_token(credentials)
    assert token["scope"] == "cases:read"
    api = Api(token["access_token"])
    assert api.get(CASES).status_code == 200
    assert_problem(api.post(CASES, VALID_CASE), 403)


def test_wrong_client_secret_gets_no_token(world):
    credentials = create_api_client(world.org_a)
    response = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic_auth(credentials.client_id, "not-the-secret"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
