"""Every change the platform operator makes in the Django admin is a domain event of the
organization whose object it touched, so that organization's auditors see it."""

from __future__ import annotations

from audit.choices import EventType
from audit.events import record_event


def organizations_of(obj) -> list:
    """The organizations an object belongs to (an agreement belongs to both its parties)."""
    from accounts.models import Organization

    if isinstance(obj, Organization):
        return [obj]
    found = []
    for attribute in ("organization", "provider", "recipient"):
        org = getattr(obj, attribute, None)
        if isinstance(org, Organization) and org not in found:
            found.append(org)
    return found


def record_admin_action(request, obj, action: str, message="") -> None:
    for org in organizations_of(obj) or [None]:
        record_event(
            EventType.ADMIN_ACTION,
            obj=obj,
            organization=org,
            actor=request.user,
            action=action,
            model=obj._meta.label_lower,
            message=str(message)[:500],
        )


class AuditedAdminMixin:
    """Adds the domain event beside Django's own admin ``LogEntry``."""

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        record_admin_action(request, obj, "add", message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        record_admin_action(request, obj, "change", message)
        return entry

    def log_deletions(self, request, queryset):
        objects = list(queryset)
        for obj in objects:
            record_admin_action(request, obj, "delete")
        return super().log_deletions(request, queryset)
