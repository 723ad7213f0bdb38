"""The recipient's answers to a shared record: acknowledge, accept, decline; and triage."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.choices import EventType
from audit.events import record_event
from casework.access import get_for_user
from casework.permissions import Action
from sharing.choices import RecordStatus, ShareStatus
from sharing.models import Share, SharedRecord
from sharing.services.basis import lock_share
from sharing.services.delivery import erase_record_payload

ANSWERABLE = (RecordStatus.DELIVERED, RecordStatus.ACKNOWLEDGED)
RECORD_EVENTS = {
    RecordStatus.ACKNOWLEDGED: EventType.RECORD_ACKNOWLEDGED,
    RecordStatus.ACCEPTED: EventType.RECORD_ACCEPTED,
    RecordStatus.DECLINED: EventType.RECORD_DECLINED,
}


def _locked_record(actor: User, record: SharedRecord) -> SharedRecord:
    """The record if ``actor`` may answer it (``NotFound`` otherwise), locked after its share:
    the order in which a revocation takes them (``sharing.services.basis``)."""
    found = get_for_user(SharedRecord, user=actor, pk=record.pk, action=Action.ANSWER)
    lock_share(found.share_id)
    joined = SharedRecord.objects.select_related("share", "recipient", "source_organization")
    return get_for_user(joined, user=actor, pk=record.pk, action=Action.ANSWER, lock=True)


def _answer(record: SharedRecord, status: str, share_status: str, actor: User, **data) -> SharedRecord:
    record.status = status
    record.save()
    Share.objects.filter(pk=record.share_id).update(status=share_status)
    record_event(RECORD_EVENTS[status], obj=record, organization=record.recipient, actor=actor, **data)
    return record


@transaction.atomic
def record_acknowledge(*, actor: User, record: SharedRecord) -> SharedRecord:
    """The recipient has seen it. Acknowledging twice is harmless."""
    record = _locked_record(actor, record)
    if record.status == RecordStatus.ACKNOWLEDGED:
        return record
    if record.status != RecordStatus.DELIVERED:
        raise ValidationError({"status": f"The record is {record.status}; it cannot be acknowledged."})
    return _answer(record, RecordStatus.ACKNOWLEDGED, ShareStatus.ACKNOWLEDGED, actor)


@transaction.atomic
def record_accept(*, actor: User, record: SharedRecord, open_case: bool = False) -> SharedRecord:
    """The recipient takes the case on; optionally it opens a case of its own linked to the record."""
    from casework.services import case_create

    record = _locked_record(actor, record)
    if record.status not in ANSWERABLE:
        raise ValidationError({"status": f"The record is {record.status}; it cannot be accepted."})
    if open_case:
        summary = (record.payload or {}).get("case", {})
        record.linked_case = case_create(
            actor=actor,
            title=f"Referral {summary.get('reference', '')} from {record.source_organization.name}",
            case_type=summary.get("case_type", "other"),
            priority=summary.get("priority", "medium"),
        )
        _prefill(record.linked_case, record.payload or {}, actor=actor)
    return _answer(
        record,
        RecordStatus.ACCEPTED,
        ShareStatus.ACCEPTED,
        actor,
        linked_case=record.linked_case.reference if record.linked_case else None,
    )


def _band_floor(band: str | None) -> int | None:
    """The youngest age of a band (``13-15`` → 13, ``35+`` → 35): a minor stays a minor."""
    if not band:
        return None
    return int(band.rstrip("+").split("-")[0])


def _prefill(case, payload: dict, *, actor: User) -> None:
    """Open the recipient's own case with what was received, and nothing more: people as shared
    (a pseudonymised person keeps the token as an alias, so later versions can be matched; an age
    band becomes its youngest age), needs, notes and indicators. Withheld fields stay empty."""
    from casework import services as casework

    for person in payload.get("persons", []):
        aliases = list(person.get("aliases", []))
        if person.get("pseudonym"):
            aliases.append(person["pseudonym"])
        born = person.get("date_of_birth")
        casework.person_add(
            actor=actor,
            case=case,
            role=person["role"],
            given_name=person.get("given_name", ""),
            family_name=person.get("family_name", ""),
            aliases=aliases,
            date_of_birth=dt.date.fromisoformat(born) if born else None,
            estimated_age=None if born else person.get("age", _band_floor(person.get("age_band"))),
            gender=person.get("gender", ""),
            languages=person.get("languages", []),
            nationality=person.get("nationality", ""),
            phone=person.get("phone", ""),
            email=person.get("email", ""),
            address=person.get("address", ""),
        )
    for need in payload.get("needs", []):
        casework.need_add(actor=actor, case=case, kind=need["kind"], status=need["status"], detail=need["detail"])
    for note in payload.get("notes", []):
        casework.note_add(actor=actor, case=case, body=note["body"], sensitivity=note["sensitivity"])
    for indicator in payload.get("indicators", []):
        casework.indicator_add(
            actor=actor,
            case=case,
            kind=indicator["kind"],
            value=indicator["value"],
            platform=indicator.get("platform", ""),
            note=indicator.get("note", ""),
        )


@transaction.atomic
def record_decline(*, actor: User, record: SharedRecord, reason: str) -> SharedRecord:
    """The recipient will not act on the record: its payload is erased at once, the reason kept."""
    record = _locked_record(actor, record)
    if record.status not in ANSWERABLE:
        raise ValidationError({"status": f"The record is {record.status}; it cannot be declined."})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the record is declined."})
    record.decline_reason = reason.strip()
    # The recipient will not act on it, so it keeps nothing (SPEC, Share lifecycle): erased now,
    # a tombstone with the reason stays. Later versions are not sent to a declined share.
    erase_record_payload(record, record.decline_reason[:200], RecordStatus.DECLINED)
    return _answer(record, RecordStatus.DECLINED, ShareStatus.DECLINED, actor)


@transaction.atomic
def record_assign(*, actor: User, record: SharedRecord, assignee: User | None) -> SharedRecord:
    """A recipient supervisor hands the record to one of their caseworkers."""
    record = _locked_record(actor, record)
    if not actor.is_supervisor:
        raise ValidationError({"assigned_to": "Only a supervisor assigns inbox items."})
    if assignee is not None and (assignee.organization_id != record.recipient_id or not assignee.works_cases):
        raise ValidationError({"assigned_to": "Assign to a caseworker or supervisor of your organization."})
    record.assigned_to = assignee
    record.save(update_fields=["assigned_to", "updated_at"])
    record_event(
        EventType.RECORD_ASSIGNED,
        obj=record,
        organization=record.recipient,
        actor=actor,
        assigned_to=assignee.username if assignee else None,
    )
    return record


@transaction.atomic
def record_opened(*, actor: User, record: SharedRecord) -> tuple[int | None, list[dict]]:
    """Remember the version ``actor`` opens now; say what changed since the version they opened
    last (None and [] the first time, or when it is the same version).

    Kept as keyed digests of the payload's parts, never content; they go with the payload when
    the record is erased.
    """
    from sharing.models import RecordView
    from sharing.readable import changes_since, part_digests
    from sharing.redaction import pseudonym_key

    views = RecordView.objects.restrict(actor).filter(record=record)
    previous = views.first()
    if record.payload is None:
        views.delete()
        return None, []
    digests = part_digests(record.payload, pseudonym_key())
    changes: list[dict] = []
    last_version = None
    if previous is not None and previous.version != record.version:
        last_version = previous.version
        changes = changes_since(previous.digests, digests)
    if previous is None:
        RecordView.objects.create(user=actor, record=record, version=record.version, digests=digests)
    elif previous.version != record.version or previous.digests != digests:
        previous.version, previous.digests, previous.opened_at = record.version, digests, timezone.now()
        previous.save(update_fields=["version", "digests", "opened_at"])
    return last_version, changes
