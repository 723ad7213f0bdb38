"""Writes for an organization's partner webhook endpoint, by its org admin."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from accounts.services import require_org_admin
from audit.choices import EventType
from audit.events import record_event
from sharing import webhooks
from sharing.models import PartnerEndpoint


def _event(action: str, *, actor: User, endpoint: PartnerEndpoint, **data) -> None:
    record_event(
        EventType.ADMIN_ACTION, obj=endpoint, organization=endpoint.organization, actor=actor, action=action, **data
    )


@transaction.atomic
def endpoint_change_url(*, actor: User, endpoint: PartnerEndpoint, url: str) -> PartnerEndpoint:
    """Point the webhook somewhere else; the URL passes the same SSRF check as at registration."""
    require_org_admin(actor, endpoint.organization)
    webhooks.check_destination(url)
    before = endpoint.url
    endpoint.url = url
    endpoint.full_clean()
    endpoint.save(update_fields=["url"])
    if before != url:
        _event("webhook_url_changed", actor=actor, endpoint=endpoint, **{"from": before, "to": url})
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, actor: User, endpoint: PartnerEndpoint) -> str:
    """A new ``whsec_`` signing secret, returned to be shown once; the old one stops at once."""
    require_org_admin(actor, endpoint.organization)
    endpoint.secret = webhooks.new_secret()
    endpoint.save(update_fields=["secret"])
    _event("webhook_secret_rotated", actor=actor, endpoint=endpoint)
    return endpoint.secret
