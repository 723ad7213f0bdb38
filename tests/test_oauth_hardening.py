"""OAuth2 hardened (issue 11, items 3 and 5): only the token endpoints are mounted, tokens only in
the Authorization header and stored hashed, the client's current grant applies to live tokens,
the token endpoint is throttled and costs the same for unknown and known client ids."""

import hashlib
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oauth2_provider.models import AccessToken

from accounts.hashers import ClientSecretHasher
from accounts.models import ApiClient
from audit.models import DomainEvent
from tests.api.support import Api, basic_auth, create_api_client, fetch_token


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def credentials(org):
    return create_api_client(org, role="supervisor", scopes=["cases:read", "cases:write"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/o/applications/",
        "/o/applications/register/",
        "/o/authorize/",
        "/o/authorized-tokens/",
        "/o/userinfo/",
        "/o/.well-known/openid-configuration",
        "/o/.well-known/jwks.json",
        "/o/introspect/",
        "/o/device-authorization/",
    ],
)
def test_only_the_token_endpoints_are_mounted(client, caseworker, path):
    client.force_login(caseworker)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


@pytest.mark.django_db
def test_a_token_in_the_query_string_is_401(credentials):
    token = fetch_token(credentials)["access_token"]
    assert Api(token).get("/api/v1/me/").status_code == 200
    response = Client().get(f"/api/v1/me/?access_token={token}")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    # Even beside a valid header, the query-string copy is refused: it already leaked.
    both = Client().get(f"/api/v1/me/?access_token={token}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert both.status_code == 401


@pytest.mark.django_db
def test_a_token_in_a_form_body_is_401(credentials):
    token = fetch_token(credentials)["access_token"]
    assert Client().post("/api/v1/cases/", {"access_token": token}).status_code == 401  # multipart
    urlencoded = Client().post(
        "/api/v1/cases/", f"access_token={token}", content_type="application/x-www-form-urlencoded"
    )
    assert urlencoded.status_code == 401


@pytest.mark.django_db
def test_tokens_are_stored_as_checksums_only(credentials):
    token = fetch_token(credentials)["access_token"]
    stored = AccessToken.objects.get()
    assert stored.token == ""
    assert stored.token_checksum == hashlib.sha256(token.encode()).hexdigest()


@pytest.mark.django_db
def test_narrowed_scopes_apply_to_live_tokens_at_once(credentials):
    api = Api(fetch_token(credentials)["access_token"])
    assert api.get("/api/v1/me/").json()["scopes"] == ["cases:read", "cases:write"]
    assert api.post("/api/v1/cases/", {"title": "x", "case_type": "other"}).status_code == 201
    ApiClient.objects.filter(application__client_id=credentials.client_id).update(scopes=["cases:read"])
    assert api.get("/api/v1/me/").json()["scopes"] == ["cases:read"]
    assert api.post("/api/v1/cases/", {"title": "y", "case_type": "other"}).status_code == 403


@pytest.mark.django_db
def test_a_revoked_client_is_refused_at_once(credentials):
    api = Api(fetch_token(credentials)["access_token"])
    assert api.get("/api/v1/me/").status_code == 200
    ApiClient.objects.filter(application__client_id=credentials.client_id).update(active=False)
    assert api.get("/api/v1/me/").status_code == 401
    response = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic_auth(credentials.client_id, credentials.client_secret),
    )
    assert response.status_code != 200


def _token_request(client_id, secret):
    return Client().post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=basic_auth(client_id, secret)
    )


@pytest.mark.django_db
def test_unknown_and_known_client_ids_cost_the_same_hashing(credentials, monkeypatch):
    calls = []
    real_verify = ClientSecretHasher.verify

    def counting(self, password, encoded):
        calls.append(encoded)
        return real_verify(self, password, encoded)

    monkeypatch.setattr(ClientSecretHasher, "verify", counting)
    assert _token_request(credentials.client_id, "wrong-secret").status_code == 401
    known = len(calls)
    calls.clear()
    assert _token_request("no-such-client-id-0000000000", "wrong-secret").status_code == 401
    unknown = len(calls)
    assert known >= 1 and unknown == known
    # And a right secret is one cheap hash, not PBKDF2.
    calls.clear()
    assert _token_request(credentials.client_id, credentials.client_secret).status_code == 200
    assert calls and all(encoded.startswith("cb_client_sha256$") for encoded in calls)


@pytest.mark.django_db
def test_a_refused_token_request_is_a_security_event_of_the_clients_organization(credentials, org):
    assert _token_request(credentials.client_id, "wrong-secret").status_code == 401
    event = DomainEvent.objects.get(event_type="api.token_failed")
    assert event.organization == org
    assert event.data["reason"] == "invalid_client"
    assert "wrong-secret" not in str(event.data)


@pytest.mark.django_db
def test_the_token_endpoint_is_throttled_per_client_id(credentials, settings):
    settings.CASEBRIDGE_TOKEN_RATE_PER_CLIENT = "3/minute"
    statuses = [_token_request(credentials.client_id, "wrong").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    throttled = _token_request(credentials.client_id, credentials.client_secret)
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    # Another client from the same address still gets its token.
    other = create_api_client(credentials.user.organization, role="supervisor", scopes=["cases:read"], name="Other")
    assert _token_request(other.client_id, other.client_secret).status_code == 200


@pytest.mark.django_db
def test_the_token_endpoint_is_throttled_per_address(credentials, settings):
    settings.CASEBRIDGE_TOKEN_RATE_PER_ADDRESS = "5/minute"
    for n in range(5):
        assert _token_request(f"guess-{n}", "x").status_code == 401
    assert _token_request(credentials.client_id, credentials.client_secret).status_code == 429


@pytest.mark.django_db
def test_a_bearer_request_reads_token_client_and_grant_in_one_query(credentials):
    """The per-request cost of the partner API: the token, its application's service account and
    the client's current grant come in one statement (and a revoked grant still refuses)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = Api(fetch_token(credentials)["access_token"])
    api.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/me/").status_code == 200
    auth = [q["sql"] for q in queries.captured_queries if "oauth2_provider_accesstoken" in q["sql"]]
    assert len(auth) == 1 and "accounts_apiclient" in auth[0] and "accounts_user" in auth[0]
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().startswith('SELECT "accounts_apiclient"')]


@pytest.mark.django_db
def test_an_api_request_reads_its_caller_in_one_query(credentials):
    """The token, its application, the service account, its organization and the client's grant:
    one statement, and the token's own user (client-credentials tokens have none) is not joined
    into it. ``/me`` names the organization and needs nothing more."""
    token = fetch_token(credentials)["access_token"]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/me/").status_code == 200  # warms per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/me/")
    assert response.status_code == 200 and response.json()["is_service_account"] is True
    lookups = [q["sql"] for q in queries.captured_queries if "oauth2_provider_accesstoken" in q["sql"]]
    assert len(lookups) == 1, lookups
    joined = re.findall(r'JOIN "(\w+)"', lookups[0])
    assert sorted(joined) == sorted(
        ["oauth2_provider_application", "accounts_user", "accounts_organization", ApiClient._meta.db_table]
    ), joined
    assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]
    assert response.json()["organization"]["slug"]
