from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.conf import settings

from audit.context import correlation


def client_address(request) -> str | None:
    """The caller's address as the audit trail records it.

    X-Forwarded-For is believed only as far as the operator says proxies stand in front of us
    (``CASEBRIDGE_TRUSTED_PROXY_COUNT``); anyone can send the header, so by default it is ignored.
    """
    trusted = settings.CASEBRIDGE_TRUSTED_PROXY_COUNT
    forwarded = request.headers.get("X-Forwarded-For", "")
    if trusted and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR")


class AuditContextMiddleware(AuditlogMiddleware):
    """Attaches the acting user, a trustworthy remote address and a fresh correlation id (also
    sent back as ``X-Request-ID``) to every audit entry a request writes."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return None  # X-Forwarded-Port is as forgeable as X-Forwarded-For

    def __call__(self, request):
        # auditlog leaves the request's context set once the response is out; reset it so that
        # nothing after this request in the thread inherits its actor.
        token = auditlog_value.set(auditlog_value.get(None))
        try:
            with correlation() as cid:
                request.correlation_id = cid
                response = super().__call__(request)
                response["X-Request-ID"] = cid
                return response
        finally:
            auditlog_value.reset(token)
