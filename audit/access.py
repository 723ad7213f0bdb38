"""Access logging: every read of a case, its parts, a share, a shared record or an export (SPEC, Audit).

Written as django-auditlog ``access`` entries, so that the change log and the access log are one
trail. auditlog's ``accessed`` signal writes one row per object with a query each; a list
endpoint reads many objects, so the rows are written here in one bulk insert instead, and linked
into the hash chain with a constant number of statements (``audit.chain.save_and_append``: two
on PostgreSQL, however many entries).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from contextvars import ContextVar

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from audit import chain
from audit.models import ChainLink

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


def record_accesses(objects: Iterable, *, actor, channel: str, organization_slug: str | None = None, **data) -> int:
    """Log that ``actor`` read each of ``objects`` through ``channel`` (``ui`` or ``api``): one
    entry per object per call, however many objects (one INSERT for the entries)."""
    objects = list(objects)
    if not objects or _suspended.get():
        return 0
    context = auditlog_value.get(None) or {}
    cid = get_cid()
    now = timezone.now()
    actor = actor if getattr(actor, "pk", None) else None
    rows = []
    organization_ids = set()
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj)  # cached by Django after the first call
        slug, organization_id = _organization_of(obj, organization_slug)
        organization_ids.add(organization_id)
        extra = {"channel": channel, "organization": organization_slug or slug}
        if getattr(obj, "case_id", None):  # a case's part, or a share: "who read case X" finds it
            extra["case_id"] = str(obj.case_id)
        if actor is not None:
            extra["actor"] = actor.username
        rows.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(obj.pk),
                object_repr=str(obj)[:200],
                action=LogEntry.Action.ACCESS,
                changes=None,
                actor=actor,
                actor_email=getattr(actor, "email", None) or None,
                remote_addr=context.get("remote_addr"),
                cid=cid,
                timestamp=now,
                additional_data=extra | data,
            )
        )
    known = organization_ids.pop() if len(organization_ids) == 1 else None
    chain.save_and_append(ChainLink.LOG, rows, organization_id=known)
    return len(rows)


def _organization_of(obj, known_slug: str | None = None) -> tuple[str | None, int | None]:
    if known_slug is not None:
        # The caller named the organization: its id is on the row, no need to load the organization.
        for attr in ("organization_id", "provider_id", "recipient_id"):
            if getattr(obj, attr, None) is not None:
                return known_slug, getattr(obj, attr)
    for path in ("organization", "provider", "recipient", "case.organization"):
        target = obj
        try:
            for attr in path.split("."):
                target = getattr(target, attr)
        except AttributeError:
            continue
        return getattr(target, "slug", None), getattr(target, "pk", None)
    return None, None
