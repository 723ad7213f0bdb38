import hashlib

from django.contrib.auth.hashers import identify_hasher
from oauth2_provider.models import get_access_token_model, get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from accounts.hashers import ALGORITHM, CLIENT_SECRET_HASHER, DUMMY_ENCODED, hash_client_secret
from audit.choices import EventType
from audit.events import record_event


class ClientScopedValidator(OAuth2Validator):
    """A client may ask only for the scopes its organization granted it; asking for none gets all
    of them. A revoked client gets no token. Every token issued is a security event in the audit
    trail.

    Client secrets are checked with one fast salted SHA-256 (``accounts.hashers``), and an unknown
    client id is checked against a dummy hash: both cost one hash, so the answer's cost does not
    tell which client ids exist and a flood of wrong secrets cannot burn the CPU."""

    def _granted(self, client) -> list[str]:
        api_client = getattr(client, "casebridge_client", None)
        return list(api_client.scopes) if api_client and api_client.active else []

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        return bool(self._granted(client)) and set(scopes) <= set(self._granted(client))

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        return self._granted(request.client)

    def _check_secret(self, provided_secret, stored_secret):
        if stored_secret.startswith(ALGORITHM + "$"):
            return CLIENT_SECRET_HASHER.verify(provided_secret or "", stored_secret)
        try:
            identify_hasher(stored_secret)
        except ValueError:
            return False  # never a cleartext secret
        ok = super()._check_secret(provided_secret, stored_secret)
        if ok:
            # A secret stored by an older version with the slow password hasher: move it over, so
            # that its next check costs what every other one costs.
            get_application_model().objects.filter(client_secret=stored_secret).update(
                client_secret=hash_client_secret(provided_secret), hash_client_secret=False
            )
        return ok

    def _load_application(self, client_id, request):
        client = super()._load_application(client_id, request)
        if client is None:
            # The same work as a known client with a wrong secret.
            CLIENT_SECRET_HASHER.verify(getattr(request, "client_secret", None) or "x", DUMMY_ENCODED)
        return client

    def _load_access_token(self, token):
        """The token with what every API request reads next, the client's service account and its
        current grant (``config.api.authentication``), in one query instead of three. The lookup
        is django-oauth-toolkit's own: by the SHA-256 checksum of the token. ``get`` rather than
        ``first``: the checksum is unique, and ``first`` would add an ORDER BY that every API
        request pays for in query compilation (a quarter of this lookup's cost). The token's own
        ``user`` is not joined: only client-credentials applications are made, whose tokens have
        none, and its columns cost every API request ~0.5 ms of compilation. The service account's
        organization is joined: every request that reads a case or names the caller's organization
        reads it (``restrict`` hands it to each case), and a query of its own cost more."""
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        model = get_access_token_model()
        try:
            return model.objects.select_related(
                "application__user__organization", "application__casebridge_client"
            ).get(token_checksum=checksum)
        except model.DoesNotExist:
            return None

    def save_bearer_token(self, token, request, *args, **kwargs):
        super().save_bearer_token(token, request, *args, **kwargs)
        application = request.client
        user = application.user
        record_event(
            EventType.API_TOKEN_ISSUED,
            obj=application,
            organization=getattr(user, "organization", None),
            actor=user,
            scopes=token.get("scope", ""),
        )
