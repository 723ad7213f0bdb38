"""Multi-factor sign-in (django-otp: TOTP, recovery codes; django-otp-webauthn: passkeys).

After the password, a user with a second factor must present it before anything else is
reachable; a user who must have one (``CASEBRIDGE_MFA_REQUIRED``) and has none is sent to
enrolment and can reach nothing else. ``optional`` (the demo) offers enrolment once a session.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django_otp import devices_for_user

from accounts.choices import Role

PRIVILEGED_ROLES = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN, Role.AUDITOR})
OFFERED_FLAG = "_cb_mfa_offered"


def mfa_mode() -> str:
    return (getattr(settings, "CASEBRIDGE_MFA_REQUIRED", "all") or "all").lower()


def mfa_required(user) -> bool:
    mode = mfa_mode()
    if mode == "all":
        return True
    if mode == "privileged":
        return user.is_superuser or user.is_staff or user.role in PRIVILEGED_ROLES
    return False


def has_second_factor(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def rp_id(request) -> str:
    return settings.CASEBRIDGE_WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0].strip("[]")


# Paths an unverified user may reach (besides static files): signing out, and the step they owe.
ALWAYS = ("/logout/", "/static/", "/webauthn/jsi18n/")
VERIFY_PATHS = ("/login/verify/", "/webauthn/authentication/")
ENROL_PATHS = ("/account/security/", "/webauthn/registration/")


class MfaEnforcementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified() or request.path.startswith(ALWAYS):
            return self.get_response(request)
        if has_second_factor(user):
            if request.path.startswith(VERIFY_PATHS):
                return self.get_response(request)
            return self._send(request, "mfa_verify", "Present your second factor first.")
        if request.path.startswith(ENROL_PATHS):
            return self.get_response(request)
        if mfa_required(user):
            return self._send(request, "mfa_setup", "Set up a second factor first.")
        if mfa_mode() == "optional" and not request.session.get(OFFERED_FLAG) and request.method == "GET":
            request.session[OFFERED_FLAG] = True
            return self._send(request, "mfa_setup", "")
        return self.get_response(request)

    @staticmethod
    def _send(request, view_name: str, detail: str):
        if request.path.startswith(("/api/", "/o/")):
            return JsonResponse(
                {"type": "about:blank", "title": "Forbidden", "status": 403, "detail": detail},
                status=403,
                content_type="application/problem+json",
            )
        from django.urls import reverse

        target = reverse(view_name)
        if request.method == "GET" and request.path not in ("/", target):
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
