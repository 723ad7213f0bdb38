"""Sign-in lockout (django-axes): failures are counted per account and per address; the lockout
is a clear page, an event for the account's organization, and ends after a cool-off or when an
organization admin unlocks the account."""

from __future__ import annotations

import logging

from django.dispatch import receiver
from django.shortcuts import render

from audit.choices import EventType
from audit.events import record_event
from audit.middleware import client_address

log = logging.getLogger(__name__)


def client_ip(request) -> str:
    return client_address(request) or "0.0.0.0"  # noqa: S104 - a placeholder, never bound


def resolve_username(request, credentials) -> str:
    """The account a sign-in attempt names, whether by username or by email."""
    from accounts.models import User

    login = ((credentials or {}).get("username") or request.POST.get("username") or "").strip()
    if "@" in login and not User.objects.filter(username=login).exists():
        matches = list(User.objects.filter(email__iexact=login).values_list("username", flat=True)[:2])
        if len(matches) == 1:
            return matches[0]
    return login


def locked_out(request, credentials=None, *args, **kwargs):
    from accounts.forms import SignInForm

    return render(request, "registration/login.html", {"form": SignInForm(request), "locked_out": True}, status=429)


def _on_locked_out(sender, request, username, ip_address, **kwargs):
    from accounts.models import User

    user = User.objects.filter(username=username).select_related("organization").first() if username else None
    if user is None:
        log.warning("sign-in locked out for unknown account %r from %s", username, ip_address)
        return
    record_event(
        EventType.ACCOUNT_LOCKED_OUT, obj=user, organization=user.organization, actor=None, ip_address=ip_address
    )


def connect_signals():
    from axes.signals import user_locked_out

    receiver(user_locked_out, dispatch_uid="casebridge-locked-out")(_on_locked_out)
