"""Security events from Django's authentication signals: sign-in, failed sign-in, sign-out.

Each is a domain event for the user's organization (a failed sign-in for an unknown username goes
to the platform chain, without the name typed: it may be a password typed in the wrong field).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.choices import EventType
from audit.context import acting_as
from audit.events import record_event
from audit.middleware import client_address


def _record(event_type, user, request, **data):
    with acting_as(user, remote_addr=client_address(request) if request is not None else None):
        record_event(
            event_type, obj=user, organization=getattr(user, "organization", None), actor=user, channel="ui", **data
        )


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    _record(EventType.SIGNED_IN, user, request)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is not None and getattr(user, "pk", None):
        _record(EventType.SIGNED_OUT, user, request)


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    user = get_user_model().objects.filter(username=username).select_related("organization").first()
    with acting_as(None, remote_addr=client_address(request) if request is not None else None):
        record_event(
            EventType.SIGN_IN_FAILED,
            obj=user,
            organization=user.organization if user else None,
            actor=None,
            channel="ui",
            known_user=user is not None,
        )
