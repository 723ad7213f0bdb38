from auditlog.context import auditlog_value
from oauth2_provider.contrib.rest_framework import OAuth2Authentication


class ClientCredentialsAuthentication(OAuth2Authentication):
    """OAuth2 bearer tokens from the client-credentials grant.

    Such a token has no user of its own; the API client acts as its application's service
    account, which belongs to one organization and has one role.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user is None:
            user = token.application.user
        if user is None or not user.is_active:
            return None
        # The audit middleware ran before DRF knew who is calling; name the actor now so the
        # change log attributes this request's writes to the API client's service account.
        context = auditlog_value.get(None)
        if context is not None:
            context["actor"] = user
        return user, token

    def authenticate_header(self, request):
        return 'Bearer realm="casebridge"'
