"""A standard OAuth2 client library that we did not write gets a token from a live server.

requests-oauthlib's ``BackendApplicationClient`` is the client-credentials grant as partner
engineers use it: if it can talk to ``/o/token/`` and then to the API, so can their systems.
"""

import pytest
from oauthlib.oauth2 import BackendApplicationClient
from oauthlib.oauth2.rfc6749.errors import InvalidClientError, InvalidScopeError
from requests_oauthlib import OAuth2Session

from accounts.choices import Sector
from audit.models import DomainEvent
from tests.api.support import create_api_client
from tests.factories import OrganizationFactory


@pytest.mark.django_db(transaction=True)
def test_requests_oauthlib_client_credentials_against_a_live_server(live_server, monkeypatch):
    # oauthlib insists on HTTPS; the live server is plain HTTP on the loopback interface.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    org = OrganizationFactory(slug="hope-house", name="Hope House", sector=Sector.NGO, case_prefix="HH")
    credentials = create_api_client(org, role="supervisor", scopes=["cases:read", "cases:write", "shares:read"])
    token_url, secret = f"{live_server.url}/o/token/", credentials.client_secret

    def session_for(scope=None) -> OAuth2Session:
        # requests-oauthlib sends the scope its *client* carries (not the session's) in the token request.
        return OAuth2Session(client=BackendApplicationClient(client_id=credentials.client_id, scope=scope))

    session = session_for()
    token = session.fetch_token(token_url=token_url, client_id=credentials.client_id, client_secret=secret)
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] > 0
    assert sorted(token["scope"]) == ["cases:read", "cases:write", "shares:read"]

    me = session.get(f"{live_server.url}/api/v1/me/")
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["organization"] == {"slug": "hope-house", "name": "Hope House", "sector": "ngo"}
    assert (body["role"], body["is_service_account"]) == ("supervisor", True)
    assert body["username"] == credentials.user.username
    assert body["scopes"] == ["cases:read", "cases:write", "shares:read"]

    created = session.post(f"{live_server.url}/api/v1/cases/", json={"title": "From the partner", "case_type": "other"})
    assert created.status_code == 201, created.text
    assert session.get(f"{live_server.url}/api/v1/cases/").json()["count"] == 1

    # The issuance is a security event naming the service account.
    issued = DomainEvent.objects.filter(event_type="api.token_issued", actor=credentials.user)
    assert issued.count() == 1

    # A narrower token, as a cautious partner asks for it.
    narrow = session_for(["cases:read"])
    narrow.fetch_token(token_url=token_url, client_id=credentials.client_id, client_secret=secret)
    assert narrow.get(f"{live_server.url}/api/v1/me/").json()["scopes"] == ["cases:read"]
    refused = narrow.post(f"{live_server.url}/api/v1/cases/", json={"title": "Not allowed", "case_type": "other"})
    assert refused.status_code == 403
    assert refused.headers["Content-Type"].startswith("application/problem+json")

    # A scope the client was never granted, or a wrong secret, gets no token at all.
    with pytest.raises(InvalidScopeError):
        session_for(["audit:read"]).fetch_token(
            token_url=token_url, client_id=credentials.client_id, client_secret=secret
        )
    with pytest.raises(InvalidClientError):
        session_for().fetch_token(token_url=token_url, client_id=credentials.client_id, client_secret="guessed")
