from oauth2_provider.oauth2_validators import OAuth2Validator

from audit.choices import EventType
from audit.events import record_event


class ClientScopedValidator(OAuth2Validator):
    """A client may ask only for the scopes its organization granted it; asking for none gets all
    of them. Every token issued is a security event in the audit trail."""

    def _granted(self, client) -> list[str]:
        api_client = getattr(client, "casebridge_client", None)
        return list(api_client.scopes) if api_client else []

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        return set(scopes) <= set(self._granted(client))

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        return self._granted(request.client)

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
