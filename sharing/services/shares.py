"""Requesting, approving, revoking and expiring shares (SPEC, Sharing)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization, User
from audit.choices import EventType
from audit.events import record_event
from casework.access import get_for_user
from casework.models import Case, Consent
from casework.permissions import Action
from sharing.choices import (
    LIVE_SHARE_STATUSES,
    REVOCABLE_SHARE_STATUSES,
    AgreementStatus,
    LegalBasis,
    Purpose,
    RecordStatus,
    ShareStatus,
)
from sharing.models import Share, SharedRecord, SharingAgreement
from sharing.services import outbox
from sharing.services.basis import (
    MANDATORY_REPORT_SECTORS,  # noqa: F401 (re-exported: callers import it from here)
    Lapse,
    agreement_lapse,
    consent_lapse,
    lock_basis,
    lock_case,
    lock_consent,
    mandatory_report_lapse,
)
from sharing.services.delivery import erase_record_payload


def _refuse(field: str, message: str):
    raise ValidationError({field: message})


def _refuse_lapse(lapse: Lapse | None) -> None:
    if lapse is not None:
        _refuse(lapse.field, lapse.message)


def _authorized_case(actor: User, case: Case, *, lock: bool = False) -> Case:
    """The case if ``actor`` may share it (``NotFound`` otherwise); with ``lock``, its row is
    locked first of all rows, as everywhere (``sharing.services.basis``)."""
    return get_for_user(Case, user=actor, pk=case.pk, action=Action.SHARE, lock=lock)


def resolve_recipient(slug: str) -> Organization:
    recipient = Organization.objects.filter(slug=slug, active=True).first()
    if recipient is None:
        _refuse("recipient", f"No active organization {slug!r}.")
    return recipient


def check_share(
    *,
    actor: User,
    case: Case,
    recipient: Organization,
    purpose: str,
    legal_basis: str,
    consent: Consent | None,
    justification: str,
    lock: bool = False,
) -> SharingAgreement:
    """Every rule a share must pass, in the order a caseworker can act on. Returns the agreement.

    The rules that can stop holding later (agreement, consent, a minor in the case) are the ones
    every send checks again (``sharing.services.basis``). With ``lock`` the consent row is locked;
    the caller holds the case lock already.
    """
    if purpose not in Purpose.values:
        _refuse("purpose", f"Unknown purpose {purpose!r}. Allowed: {', '.join(Purpose.values)}.")
    if legal_basis not in LegalBasis.values:
        _refuse("legal_basis", f"Unknown legal basis {legal_basis!r}. Allowed: {', '.join(LegalBasis.values)}.")
    if recipient.pk == case.organization_id:
        _refuse("recipient", "A case is not shared with its own organization.")
    now = timezone.now()
    agreement = agreement_for(provider_id=case.organization_id, recipient=recipient, purpose=purpose)
    _refuse_lapse(agreement_lapse(agreement, recipient=recipient, purpose=purpose, at=now))
    if legal_basis == LegalBasis.CONSENT:
        if consent is None:
            _refuse("consent", "A share on the basis of consent names the consent.")
        # Read again: the caller's copy may predate a withdrawal.
        consent = (
            lock_consent(consent.pk, case_id=case.pk)
            if lock
            else Consent.objects.filter(pk=consent.pk, case=case).first()
        )
        if consent is None:
            _refuse("consent", "That consent belongs to another case.")
        _refuse_lapse(consent_lapse(consent, recipient=recipient, purpose=purpose, at=now))
    elif consent is not None:
        _refuse("consent", "A consent is only named for a share on the basis of consent.")
    if legal_basis == LegalBasis.EMERGENCY and not (justification or "").strip():
        _refuse("justification", "An emergency share needs a written justification.")
    if legal_basis == LegalBasis.MANDATORY_REPORT:
        _refuse_lapse(mandatory_report_lapse(case, recipient=recipient))
    return agreement


def agreement_for(*, provider_id: int, recipient: Organization, purpose: str) -> SharingAgreement | None:
    """The newest agreement in force between the two parties that covers the purpose."""
    # Filtered in Python: SQLite has no JSON containment lookup, and two parties have few agreements.
    candidates = SharingAgreement.objects.in_force().filter(provider=provider_id, recipient=recipient)
    return next((a for a in candidates.order_by("-valid_from") if purpose in a.purposes), None)


@transaction.atomic
def share_request(
    *,
    actor: User,
    case: Case,
    recipient: Organization,
    purpose: str,
    legal_basis: str,
    consent: Consent | None = None,
    justification: str = "",
) -> Share:
    """Record a share and, unless it awaits approval, its first delivery, in one transaction.

    The case and then the consent are locked before anything is checked, as a withdrawal locks
    them: a withdrawal either commits before this reads the consent (and the request is refused)
    or waits until the share exists (and revokes it). An emergency share waits for approval by
    another account unless a human supervisor asks: a caseworker's waits for a supervisor, and an
    API client's (a service account, whatever its role) always waits. Every emergency share is
    flagged for audit review.
    """
    case = _authorized_case(actor, case, lock=True)
    agreement = check_share(
        actor=actor,
        case=case,
        recipient=recipient,
        purpose=purpose,
        legal_basis=legal_basis,
        consent=consent,
        justification=justification,
        lock=True,
    )
    emergency = legal_basis == LegalBasis.EMERGENCY
    # A partner system acting as a supervisor is still one unattended account: no second pair of
    # eyes has seen the justification.
    held = emergency and not (actor.is_supervisor and not actor.is_service_account)
    share = Share.objects.create(
        case=case,
        provider=case.organization,
        recipient=recipient,
        agreement=agreement,
        purpose=purpose,
        legal_basis=legal_basis,
        consent=consent,
        justification=(justification or "").strip(),
        status=ShareStatus.PENDING_APPROVAL if held else ShareStatus.QUEUED,
        flagged_for_review=emergency,
        requested_by=actor,
        approved_by=actor if emergency and not held else None,
        approved_at=timezone.now() if emergency and not held else None,
    )
    record_event(
        EventType.SHARE_REQUESTED,
        obj=share,
        organization=case.organization,
        actor=actor,
        recipient=recipient.slug,
        legal_basis=legal_basis,
        purpose=purpose,
        held_for_approval=held,
    )
    if emergency:
        record_event(EventType.SHARE_EMERGENCY, obj=share, organization=case.organization, actor=actor)
    if not held:
        outbox.enqueue_version(share)
    return share


@transaction.atomic
def share_approve(*, actor: User, share: Share) -> Share:
    """A supervisor of the provider releases an emergency share that someone else requested.

    Nobody approves their own request: a held request is held for a second pair of eyes.
    """
    share = _locked_share(actor, share)
    if not actor.is_supervisor:
        raise ValidationError({"share": "Only a supervisor approves a share."})
    if share.status != ShareStatus.PENDING_APPROVAL:
        raise ValidationError({"share": f"The share is {share.status}, not awaiting approval."})
    if share.requested_by_id == actor.pk:
        raise ValidationError({"share": "A share is approved by someone other than the account that requested it."})
    # Released now, so under the agreement in force now (the one it was requested under may have
    # ended while it waited).
    share.agreement = check_share(
        actor=actor,
        case=share.case,
        recipient=share.recipient,
        purpose=share.purpose,
        legal_basis=share.legal_basis,
        consent=share.consent,
        justification=share.justification,
        lock=True,
    )
    share.status = ShareStatus.QUEUED
    share.approved_by = actor
    share.approved_at = timezone.now()
    share.save(update_fields=["agreement", "status", "approved_by", "approved_at", "updated_at"])
    record_event(EventType.SHARE_APPROVED, obj=share, organization=share.provider, actor=actor)
    outbox.enqueue_version(share)
    return share


def _locked_share(actor: User, share: Share) -> Share:
    """The share if ``actor`` may share its case (``NotFound`` otherwise), locked after its case
    and consent."""
    found = get_for_user(Share, user=actor, pk=share.pk, action=Action.SHARE)
    lock_case(found.case_id)
    lock_consent(found.consent_id, case_id=found.case_id)
    joined = Share.objects.select_related("case", "recipient", "provider", "consent")
    return get_for_user(joined, user=actor, pk=share.pk, action=Action.SHARE, lock=True)


@transaction.atomic
def share_revoke(*, actor: User, share: Share, reason: str = "revoked by the provider") -> Share:
    """Revoke a share the recipient may hold, in whatever state it is (SPEC: erasure reaches the
    recipient's copy in every state): the copy is erased and external recipients are told."""
    share = _locked_share(actor, share)
    if share.status not in REVOCABLE_SHARE_STATUSES:
        raise ValidationError({"share": f"The share is already {share.status}."})
    end_share(share, status=ShareStatus.REVOKED, reason=reason, actor=actor)
    return share


@transaction.atomic
def share_reject(*, actor: User, share: Share, reason: str) -> Share:
    """A supervisor of the provider refuses an emergency share awaiting approval, saying why:
    nothing was sent, and nothing will be. A security event of its own (``share.rejected``), so
    that auditors reviewing emergency shares see the refusals beside the approvals."""
    share = _locked_share(actor, share)
    if not actor.is_supervisor:
        raise ValidationError({"share": "Only a supervisor rejects a share."})
    if share.status != ShareStatus.PENDING_APPROVAL:
        raise ValidationError({"share": f"The share is {share.status}, not awaiting approval."})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the share is rejected."})
    end_share(share, status=ShareStatus.REVOKED, reason=f"rejected: {reason}"[:200], actor=actor)
    record_event(EventType.SHARE_REJECTED, obj=share, organization=share.provider, actor=actor, reason=reason[:200])
    return share


def end_share(share: Share, *, status: str, reason: str, actor: User | None = None) -> None:
    """Revoke or expire one share: erase, tell, record.

    The caller holds the locks of the share's case, consent and share (``lock_basis``), in that
    order; this takes the record's next.
    """
    was_delivered = share.version > 0
    share.status = status
    share.ended_at = timezone.now()
    share.ended_reason = reason
    share.save(update_fields=["status", "ended_at", "ended_reason", "updated_at"])
    outbox.cancel_pending(share)
    record = SharedRecord.objects.select_for_update(of=("self",)).filter(share=share).first()
    if record is not None:
        _end_record(record, status=status, reason=reason, actor=actor)
    if was_delivered:
        outbox.enqueue_revocation(share)
    event = EventType.SHARE_REVOKED if status == ShareStatus.REVOKED else EventType.SHARE_EXPIRED
    record_event(event, obj=share, organization=share.provider, actor=actor, reason=reason)


def _end_record(record: SharedRecord, *, status: str, reason: str, actor: User | None) -> None:
    record_status = RecordStatus.REVOKED if status == ShareStatus.REVOKED else RecordStatus.EXPIRED
    if record.erased_at is None:
        # Erased in the same transaction as the revocation: there is no window in which a
        # revoked record can still be read.
        erase_record_payload(record, reason, record_status)
    elif record.status not in (RecordStatus.REVOKED, RecordStatus.EXPIRED):
        # Declined (and erased then): the payload is long gone, but the record says the share
        # has ended. ``erased_at`` stays the moment the payload went.
        record.status = record_status
        record.tombstone_reason = reason[:200]
        record.save(update_fields=["status", "tombstone_reason", "updated_at"])
    if record.linked_case_id and record.link_revoked_at is None:
        # The case the recipient opened is its own record and keeps its content; its owners
        # learn that the share it came from no longer stands.
        record.link_revoked_at = timezone.now()
        record.save(update_fields=["link_revoked_at", "updated_at"])
        linked = record.linked_case
        record_event(
            EventType.CASE_LINK_REVOKED,
            obj=linked,
            organization=record.recipient,
            actor=actor,
            shared_record=str(record.pk),
            source_organization=record.source_organization.slug,
            status=record_status,
            reason=reason[:200],
        )


def on_consent_withdrawn(sender, *, consent: Consent, actor: User, **kwargs) -> int:
    """Receiver of ``casework.signals.consent_withdrawn``: how many shares it revoked."""
    return shares_revoke_for_consent(actor=actor, consent=consent)


@transaction.atomic
def shares_revoke_for_consent(*, actor: User, consent: Consent) -> int:
    """A withdrawn consent revokes every share that relied on it and may have reached anyone."""
    # Normally called by ``consent_withdraw``, which holds these locks already; taken again (a
    # no-op then) so that no caller can revoke outside the lock order.
    lock_case(consent.case_id)
    lock_consent(consent.pk, case_id=consent.case_id)
    shares = Share.objects.select_for_update(of=("self",)).filter(
        consent=consent.pk, status__in=REVOCABLE_SHARE_STATUSES
    )
    count = 0
    for share in shares.select_related("recipient", "provider").order_by("pk"):
        end_share(share, status=ShareStatus.REVOKED, reason="consent withdrawn", actor=actor)
        count += 1
    return count


def shares_expire_due(*, now=None) -> int:
    """Expire live shares whose agreement or consent has run out (run from Celery beat).

    A safety net: every send checks the basis itself. Each share ends in its own transaction
    under the usual locks; a case someone is working on is skipped and found on the next run.
    """
    now = now or timezone.now()
    agreements_expired(now=now)
    in_force = SharingAgreement.objects.in_force(now).values("pk")
    due = list(
        Share.objects.filter(status__in=LIVE_SHARE_STATUSES)
        .filter(~Q(agreement__in=in_force) | Q(consent__expires_at__lte=now))
        .values_list("pk", flat=True)
    )
    return sum(_expire_one(pk, now=now) for pk in due)


def agreements_expired(*, now=None) -> int:
    """Record, once, each active agreement whose ``valid_until`` has passed: an ``agreement.expired``
    event for the provider and one for the recipient, so both organizations' auditors see when
    sharing under it stopped. (Its shares end with it, below and at every send.)"""
    from audit.models import DomainEvent

    now = now or timezone.now()
    ran_out = SharingAgreement.objects.filter(status=AgreementStatus.ACTIVE, valid_until__lte=now)
    known = DomainEvent.objects.filter(
        event_type=EventType.AGREEMENT_EXPIRED, object_type="sharing.sharingagreement"
    ).values_list("object_id", flat=True)
    count = 0
    for agreement in ran_out.exclude(pk__in=[int(pk) for pk in known]).select_related("provider", "recipient"):
        with transaction.atomic():
            for organization in (agreement.provider, agreement.recipient):
                record_event(
                    EventType.AGREEMENT_EXPIRED,
                    obj=agreement,
                    organization=organization,
                    valid_until=agreement.valid_until.isoformat(),
                )
        count += 1
    return count


@transaction.atomic
def _expire_one(share_id, *, now) -> int:
    share = Share.objects.filter(pk=share_id).first()
    if share is None:
        return 0
    case, consent = lock_basis(share, skip_locked=True)
    if case is None:
        return 0
    share = (
        Share.objects.select_for_update(of=("self",))
        .select_related("recipient", "provider")
        .filter(pk=share_id, status__in=LIVE_SHARE_STATUSES)
        .first()
    )
    if share is None:
        return 0
    agreement_ended = not share.agreement.is_in_force(now)
    consent_ran_out = consent is not None and consent.expires_at is not None and consent.expires_at <= now
    if not (agreement_ended or consent_ran_out):
        return 0
    end_share(
        share,
        status=ShareStatus.EXPIRED,
        reason="consent expired" if consent_ran_out else "agreement ended",
    )
    return 1


def share_preview(
    *,
    actor: User,
    case: Case,
    recipient: Organization,
    purpose: str,
    legal_basis: str,
    consent: Consent | None = None,
    justification: str = "",
) -> dict:
    """The exact payload the recipient would get now, built by the code that delivers it."""
    from sharing.payloads import build_preview

    case = _authorized_case(actor, case)
    agreement = check_share(
        actor=actor,
        case=case,
        recipient=recipient,
        purpose=purpose,
        legal_basis=legal_basis,
        consent=consent,
        justification=justification,
    )
    return build_preview(
        case=case,
        recipient=recipient,
        agreement=agreement,
        purpose=purpose,
        legal_basis=legal_basis,
        consent=consent,
    )
