"""Session lifetime: an idle timeout and an absolute lifetime, whatever the cookie says."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

SESSION_STARTED = "_cb_started"
SESSION_SEEN = "_cb_seen"


class SessionTimeoutMiddleware:
    """Ends a signed-in session idle for ``CASEBRIDGE_SESSION_IDLE_SECONDS`` or older than
    ``CASEBRIDGE_SESSION_MAX_SECONDS`` (the next request is anonymous and is sent to sign in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.get(SESSION_STARTED)
            seen = request.session.get(SESSION_SEEN)
            if started is None:
                request.session[SESSION_STARTED] = started = now
            if now - started > settings.CASEBRIDGE_SESSION_MAX_SECONDS or (
                seen is not None and now - seen > settings.CASEBRIDGE_SESSION_IDLE_SECONDS
            ):
                logout(request)
            # Written at most once a minute, so that reads do not all become session writes.
            elif seen is None or now - seen >= 60:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's (after ``LocaleMiddleware``,
    which only knows the cookie and ``Accept-Language``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if user is not None and user.is_authenticated and user.language:
            response.headers.setdefault("Content-Language", user.language)
        return response
