from auditlog.context import auditlog_value
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.exceptions import AuthenticationFailed


class ClientCredentialsAuthentication(OAuth2Authentication):
    """OAuth2 bearer tokens from the client-credentials grant, in the ``Authorization`` header only.

    Such a token has no user of its own; the API client acts as its application's service
    account, which belongs to one organization and has one role.

    The client's current grant is read at every request, not only when the token was issued: a
    revoked client's tokens stop working at once, and a token's scopes are cut to the client's
    current ones (``request.auth.scope``, which the scope checks read).
    """

    def authenticate(self, request):
        # A token in the URL ends up in access logs, browser history and Referer headers; one in
        # a form body is as unexpected. Refused outright, not just ignored.
        django_request = request._request
        in_form = django_request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data") and (
            "access_token" in django_request.POST
        )
        if "access_token" in request.query_params or in_form:
            raise AuthenticationFailed("Send the access token in the Authorization header only.")
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user is None:
            user = token.application.user
        if user is None or not user.is_active:
            return None
        api_client = getattr(token.application, "casebridge_client", None)
        if api_client is None or not api_client.active:
            raise AuthenticationFailed("This API client has been revoked.")
        granted = set(api_client.scopes)
        token.scope = " ".join(s for s in token.scope.split() if s in granted)
        # The audit middleware ran before DRF knew who is calling; name the actor now so the
        # change log attributes this request's writes to the API client's service account.
        context = auditlog_value.get(None)
        if context is not None:
            context["actor"] = user
        return user, token

    def authenticate_header(self, request):
        return 'Bearer realm="casebridge"'
