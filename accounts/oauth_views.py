"""The only OAuth2 endpoints Casebridge mounts: the token endpoint (client credentials) and token
revocation. django-oauth-toolkit's application pages, authorization, device and OIDC views are not
mounted (see ``config/oauth_urls.py``)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import math
import time
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from oauth2_provider.models import get_application_model
from oauth2_provider.views import TokenView

from audit.choices import EventType
from audit.events import record_event
from audit.middleware import client_address

log = logging.getLogger(__name__)


def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/minute"`` → (30, 60)."""
    count, period = rate.split("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[0]]


def over_budget(key: str, rate: str) -> int | None:
    """Count one request against ``key``'s fixed window; seconds to wait when over budget."""
    limit, window = parse_rate(rate)
    now = time.time()
    bucket = f"cb:token:{key}:{int(now // window)}"
    cache.add(bucket, 0, window + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # evicted between add and incr
        cache.set(bucket, 1, window + 1)
        count = 1
    if count > limit:
        return max(1, math.ceil(window - now % window))
    return None


def presented_client_id(request) -> str:
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Basic "):
        try:
            decoded = base64.b64decode(auth[6:]).decode()
            return unquote_plus(decoded.split(":", 1)[0])
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return ""
    return request.POST.get("client_id", "")


class ThrottledTokenView(TokenView):
    """``POST /o/token/``, limited per client id and per address (``CASEBRIDGE_TOKEN_RATE_PER_CLIENT``,
    ``CASEBRIDGE_TOKEN_RATE_PER_ADDRESS``; 429 with ``Retry-After`` beyond). A refused request
    for a known client is a security event for that client's organization."""

    def post(self, request, *args, **kwargs):
        client_id = presented_client_id(request)
        address = client_address(request) or "unknown"
        hashed_id = hashlib.sha256(client_id.encode()).hexdigest()[:32]
        for key, rate in (
            (f"addr:{address}", settings.CASEBRIDGE_TOKEN_RATE_PER_ADDRESS),
            (f"client:{hashed_id}", settings.CASEBRIDGE_TOKEN_RATE_PER_CLIENT),
        ):
            wait = over_budget(key, rate)
            if wait is not None:
                response = JsonResponse(
                    {"error": "slow_down", "error_description": "Too many token requests; try again later."},
                    status=429,
                )
                response["Retry-After"] = str(wait)
                return response
        response = super().post(request, *args, **kwargs)
        if response.status_code != 200:
            self._record_failure(client_id, response, address)
        return response

    @staticmethod
    def _record_failure(client_id: str, response, address: str) -> None:
        try:
            reason = json.loads(response.content).get("error", "")
        except ValueError:
            reason = ""
        application = (
            get_application_model().objects.filter(client_id=client_id).select_related("user").first()
            if client_id
            else None
        )
        if application is None:
            log.warning("token request refused for an unknown client id from %s: %s", address, reason)
            return
        api_client = getattr(application, "casebridge_client", None)
        record_event(
            EventType.API_TOKEN_FAILED,
            obj=application,
            organization=api_client.organization if api_client else None,
            actor=None,
            reason=reason,
        )
