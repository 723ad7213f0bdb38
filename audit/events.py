"""Writing domain events (SPEC, Audit): one call, made by the service that did the thing."""

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from django.db import transaction

from audit.choices import EventType
from audit.models import DomainEvent


def record_event(event_type: EventType | str, *, obj, organization, actor=None, **data) -> DomainEvent:
    """Append a domain event about ``obj`` (None: about no stored object). The remote address and
    correlation id come from the request or task context the change log uses, so both trails agree.
    An event type that is not an ``EventType`` is refused (ValueError), so auditors' filters never
    miss a misspelt one. The event and its chain link are written in one transaction."""
    event_type = EventType(event_type)
    context = auditlog_value.get(None) or {}
    if actor is None:
        actor = context.get("actor")
    actor = actor if getattr(actor, "pk", None) else None
    # No savepoint of its own inside the caller's transaction: an event that cannot be written
    # fails that whole transaction, so no caller can catch the error and commit the act unrecorded.
    with transaction.atomic(savepoint=False):
        return DomainEvent.objects.create(
            event_type=event_type.value,
            actor=actor,
            actor_username=actor.username if actor else "",
            organization=organization,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            data=data,
            remote_addr=context.get("remote_addr"),
            cid=get_cid() or "",
        )
