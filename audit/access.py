"""Access logging: every read of a case, a person, a shared record or an export (SPEC, Audit).

Written as django-auditlog ``access`` entries, so that the change log and the access log are one
trail. auditlog's ``accessed`` signal writes one row per object with a query each; a list
endpoint reads many objects, so the rows are written here in one bulk insert instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from contextvars import ContextVar

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

UI = "ui"
API = "api"

# Only ``manage.py bench`` suspends access logging (to measure what it costs), through its own
# middleware, which production settings never install.
_suspended: ContextVar[bool] = ContextVar("casebridge_access_logging_suspended", default=False)


@contextlib.contextmanager
def access_logging_suspended():
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def record_accesses(objects: Iterable, *, actor, channel: str, organization_slug: str | None = None) -> int:
    """Log that ``actor`` read each of ``objects`` through ``channel`` (``ui`` or ``api``)."""
    objects = list(objects)
    if not objects or _suspended.get():
        return 0
    context = auditlog_value.get(None) or {}
    now = timezone.now()
    rows = []
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj)  # cached by Django after the first call
        rows.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(obj.pk),
                object_repr=str(obj)[:200],
                action=LogEntry.Action.ACCESS,
                changes=None,
                actor=actor if getattr(actor, "pk", None) else None,
                actor_email=getattr(actor, "email", None) or None,
                remote_addr=context.get("remote_addr"),
                cid=context.get("cid"),
                timestamp=now,
                additional_data={
                    "channel": channel,
                    "organization": organization_slug or _organization_of(obj),
                },
            )
        )
    LogEntry.objects.bulk_create(rows)
    return len(rows)


def _organization_of(obj) -> str | None:
    for path in ("organization", "recipient", "case.organization"):
        target = obj
        try:
            for attr in path.split("."):
                target = getattr(target, attr)
        except AttributeError:
            continue
        return getattr(target, "slug", None)
    return None
