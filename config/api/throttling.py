from oauth2_provider.models import AbstractAccessToken
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """One budget per API client (per user for browser sessions), kept in the shared cache."""

    scope = "client"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, AbstractAccessToken):
            ident = f"app:{request.auth.application_id}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
