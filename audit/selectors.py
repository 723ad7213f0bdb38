"""The audit trail as an auditor reads it: field changes, accesses and domain events, one stream.

Change and access entries are django-auditlog's; domain events are ours. Both are read newest
first with the same filters and merged, one query each however long the trail: a page is the
newest ``limit`` rows of the merge before a cursor time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db.models import Q

from accounts.models import User
from audit.models import DomainEvent

ACTIONS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    channel: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    # Cursor: entries strictly older than (before, before_id) in the stream's order.
    before: dt.datetime | None = None
    before_id: str = ""


def _log_entries(auditor: User, f: AuditFilters):
    slug = auditor.organization.slug
    rows = LogEntry.objects.filter(
        Q(additional_data__organization=slug) | Q(actor__organization=auditor.organization_id)
    ).select_related("actor", "content_type")
    if f.actor:
        rows = rows.filter(actor__username=f.actor)
    if f.action:
        codes = [code for code, name in ACTIONS.items() if name == f.action]
        if not codes:
            return LogEntry.objects.none()
        rows = rows.filter(action__in=codes)
    if f.object_type:
        app_label, _, model = f.object_type.partition(".")
        rows = rows.filter(content_type__app_label=app_label, content_type__model=model)
    if f.object_id:
        rows = rows.filter(object_pk=f.object_id)
    if f.channel:
        rows = rows.filter(additional_data__channel=f.channel)
    rows = _window(rows, "timestamp", f, "change")
    return rows.order_by("-timestamp", "-id")


def _domain_events(auditor: User, f: AuditFilters):
    rows = DomainEvent.objects.filter(organization=auditor.organization_id).select_related("actor", "organization")
    if f.actor:
        rows = rows.filter(actor__username=f.actor)
    if f.action:
        if f.action in ACTIONS.values():
            return DomainEvent.objects.none()
        rows = rows.filter(event_type=f.action)
    if f.object_type:
        rows = rows.filter(object_type=f.object_type)
    if f.object_id:
        rows = rows.filter(object_id=f.object_id)
    if f.channel:
        rows = rows.filter(data__channel=f.channel)
    rows = _window(rows, "occurred_at", f, "event")
    return rows.order_by("-occurred_at", "-id")


def _window(rows, field: str, f: AuditFilters, source: str):
    if f.since:
        rows = rows.filter(**{f"{field}__gte": f.since})
    if f.until:
        rows = rows.filter(**{f"{field}__lt": f.until})
    if f.before:
        # Ties on the time (bulk-written accesses share one) are broken by the entry id, whose
        # prefix orders the two sources: "event-…" after "change-…".
        older = Q(**{f"{field}__lt": f.before})
        cursor_source, _, cursor_pk = f.before_id.partition("-")
        same_time = Q(**{field: f.before})
        if cursor_source == source and cursor_pk.isdigit():
            older |= same_time & Q(pk__lt=int(cursor_pk))
        elif cursor_source > source:
            older |= same_time
        rows = rows.filter(older)
    return rows


def audit_trail(*, auditor: User, filters: AuditFilters, limit: int) -> list[dict]:
    """The newest ``limit`` entries about the auditor's organization's records and users."""
    entries = [_from_log(e) for e in _log_entries(auditor, filters)[:limit]]
    entries += [_from_event(e) for e in _domain_events(auditor, filters)[:limit]]
    entries.sort(key=lambda e: (e["occurred_at"], e["id"]), reverse=True)
    return entries[:limit]


def _from_log(entry: LogEntry) -> dict:
    data = entry.additional_data or {}
    return {
        "id": f"change-{entry.pk:012d}",
        "occurred_at": entry.timestamp,
        "actor": entry.actor.username if entry.actor else None,
        "organization": data.get("organization"),
        "action": ACTIONS.get(entry.action, str(entry.action)),
        "object_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
        "object_id": entry.object_pk,
        "object_repr": entry.object_repr,
        "channel": data.get("channel"),
        "remote_addr": entry.remote_addr,
        "changes": entry.changes or {},
        "data": {k: v for k, v in data.items() if k not in ("organization", "channel")},
    }


def _from_event(event: DomainEvent) -> dict:
    return {
        "id": f"event-{event.pk:012d}",
        "occurred_at": event.occurred_at,
        "actor": event.actor.username if event.actor else None,
        "organization": event.organization.slug if event.organization else None,
        "action": event.event_type,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": "",
        "channel": (event.data or {}).get("channel"),
        "remote_addr": event.remote_addr,
        "changes": {},
        "data": event.data or {},
    }
