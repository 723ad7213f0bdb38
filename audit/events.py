"""Writing domain events (SPEC, Audit): one call, made by the service that did the thing."""

from auditlog.context import auditlog_value

from audit.choices import EventType
from audit.models import DomainEvent


def record_event(event_type: EventType | str, *, obj, organization, actor=None, **data) -> DomainEvent:
    """Append a domain event about ``obj``. The remote address comes from the request or task
    context the change log uses, so both trails agree. An event type that is not an ``EventType``
    is refused (ValueError), so auditors' filters never miss a misspelt one."""
    event_type = EventType(event_type)
    context = auditlog_value.get(None) or {}
    if actor is None:
        actor = context.get("actor")
    return DomainEvent.objects.create(
        event_type=event_type.value,
        actor=actor if getattr(actor, "pk", None) else None,
        organization=organization,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data,
        remote_addr=context.get("remote_addr"),
    )
