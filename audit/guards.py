"""ORM-level guards on auditlog's LogEntry (our own tables guard themselves in ``audit.models``),
and the hook that links every new entry into its chain.

The database refuses the same through triggers (migration ``audit.0002``); refusing here first
gives a clear Python error instead of a database one, on every engine.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from audit import chain
from audit.masking import MASK
from audit.models import AppendOnlyError, ChainLink, DomainEvent
from audit.registry import masked_fields


@receiver(pre_save, sender=LogEntry)
def refuse_changing_a_log_entry(sender, instance: LogEntry, raw=False, **kwargs):
    if raw:
        return
    if not instance._state.adding:
        raise AppendOnlyError("auditlog.LogEntry is append-only: a stored entry is never changed.")
    _mask_m2m_changes(instance)
    _keep_actor_identity(instance)


@receiver(pre_delete, sender=LogEntry)
def refuse_deleting_a_log_entry(sender, instance, **kwargs):
    raise AppendOnlyError("auditlog.LogEntry is append-only: delete refused.")


@receiver(post_save, sender=LogEntry)
def chain_log_entry(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        chain.append(ChainLink.LOG, [instance])


@receiver(post_save, sender=DomainEvent)
def chain_domain_event(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        chain.append(ChainLink.EVENT, [instance])


@receiver(pre_delete, sender=get_user_model())
def refuse_deleting_an_audited_user(sender, instance, **kwargs):
    """Users are deactivated, never deleted: an actor of the audit trail stays named."""
    if ChainLink.objects.filter(actor=instance.pk).exists() or LogEntry.objects.filter(actor=instance.pk).exists():
        raise ProtectedError(
            "This user is an actor of the audit trail: deactivate the account instead of deleting it.", {instance}
        )


def _mask_m2m_changes(entry: LogEntry) -> None:
    """auditlog writes many-to-many changes as the related objects' strings, unmasked."""
    if not entry.changes or not isinstance(entry.changes, dict):
        return
    content_type = entry.content_type
    model = content_type.model_class() if content_type else None
    hidden = masked_fields(model._meta.label) if model else set()
    for name, change in entry.changes.items():
        if name in hidden and isinstance(change, dict) and change.get("type") == "m2m":
            change["objects"] = [MASK for _ in change.get("objects", [])]


def _keep_actor_identity(entry: LogEntry) -> None:
    actor = entry._state.fields_cache.get("actor") if entry.actor_id else None
    if actor is None:
        return
    data = dict(entry.additional_data or {})
    data.setdefault("actor", actor.username)
    if actor.organization_id and "actor_organization_id" not in data:
        data["actor_organization_id"] = actor.organization_id
    entry.additional_data = data
