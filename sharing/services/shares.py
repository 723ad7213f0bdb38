"""Requesting, approving, revoking and expiring shares (SPEC, Sharing)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.choices import Sector
from accounts.models import Organization, User
from audit.events import record_event
from casework.models import Case, Consent
from casework.permissions import Action
from sharing.choices import (
    LIVE_SHARE_STATUSES,
    DataCategory,
    LegalBasis,
    Purpose,
    RecordStatus,
    ShareStatus,
)
from sharing.models import Share, SharedRecord, SharingAgreement
from sharing.services import outbox
from sharing.services.delivery import erase_record_payload

MANDATORY_REPORT_SECTORS = (Sector.LAW_ENFORCEMENT, Sector.CHILD_WELFARE)


def _refuse(field: str, message: str):
    raise ValidationError({field: message})


def _authorized_case(actor: User, case: Case) -> Case:
    locked = Case.objects.restrict(actor, Action.SHARE).filter(pk=case.pk).first()
    if locked is None:
        raise Http404("No such case.")
    return locked


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
) -> SharingAgreement:
    """Every rule a share must pass, in the order a caseworker can act on. Returns the agreement."""
    if purpose not in Purpose.values:
        _refuse("purpose", f"Unknown purpose {purpose!r}. Allowed: {', '.join(Purpose.values)}.")
    if legal_basis not in LegalBasis.values:
        _refuse("legal_basis", f"Unknown legal basis {legal_basis!r}. Allowed: {', '.join(LegalBasis.values)}.")
    if recipient.pk == case.organization_id:
        _refuse("recipient", "A case is not shared with its own organization.")
    agreement = agreement_for(provider_id=case.organization_id, recipient=recipient, purpose=purpose)
    if agreement is None:
        _refuse("recipient", f"No active sharing agreement with {recipient.slug} covers the purpose {purpose!r}.")
    if DataCategory.CASE_SUMMARY not in agreement.categories:
        _refuse("recipient", f"The agreement with {recipient.slug} does not cover the case summary.")
    now = timezone.now()
    if legal_basis == LegalBasis.CONSENT:
        if consent is None:
            _refuse("consent", "A share on the basis of consent names the consent.")
        # Read again: the caller's copy may predate a withdrawal.
        consent = Consent.objects.filter(pk=consent.pk, case=case).first()
        if consent is None:
            _refuse("consent", "That consent belongs to another case.")
        if not consent.is_valid_at(now):
            _refuse("consent", "That consent is withdrawn, expired or not yet given.")
        covered = (
            recipient.sector in consent.scope_sectors or consent.scope_organizations.filter(pk=recipient.pk).exists()
        )
        if not covered:
            _refuse("consent", f"The consent does not cover {recipient.slug} or its sector.")
        if consent.purpose != purpose:
            _refuse("consent", f"The consent was given for {consent.purpose!r}, not {purpose!r}.")
    elif consent is not None:
        _refuse("consent", "A consent is only named for a share on the basis of consent.")
    if legal_basis == LegalBasis.EMERGENCY and not (justification or "").strip():
        _refuse("justification", "An emergency share needs a written justification.")
    if legal_basis == LegalBasis.MANDATORY_REPORT:
        if recipient.sector not in MANDATORY_REPORT_SECTORS:
            _refuse("legal_basis", "A mandatory report goes to law enforcement or child welfare only.")
        if not case.involves_minor:
            _refuse("legal_basis", "A mandatory report needs a minor in the case.")
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

    An emergency share requested by a caseworker waits for a supervisor; every emergency share is
    flagged for audit review.
    """
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
    emergency = legal_basis == LegalBasis.EMERGENCY
    held = emergency and not actor.is_supervisor
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
        "share.requested",
        obj=share,
        organization=case.organization,
        actor=actor,
        recipient=recipient.slug,
        legal_basis=legal_basis,
        purpose=purpose,
        held_for_approval=held,
    )
    if emergency:
        record_event("share.emergency", obj=share, organization=case.organization, actor=actor)
    if not held:
        outbox.enqueue_version(share)
    return share


@transaction.atomic
def share_approve(*, actor: User, share: Share) -> Share:
    """A supervisor of the provider releases an emergency share that a caseworker requested."""
    share = _locked_share(actor, share)
    if not actor.is_supervisor:
        raise ValidationError({"share": "Only a supervisor approves a share."})
    if share.status != ShareStatus.PENDING_APPROVAL:
        raise ValidationError({"share": f"The share is {share.status}, not awaiting approval."})
    check_share(
        actor=actor,
        case=share.case,
        recipient=share.recipient,
        purpose=share.purpose,
        legal_basis=share.legal_basis,
        consent=share.consent,
        justification=share.justification,
    )
    share.status = ShareStatus.QUEUED
    share.approved_by = actor
    share.approved_at = timezone.now()
    share.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    record_event("share.approved", obj=share, organization=share.provider, actor=actor)
    outbox.enqueue_version(share)
    return share


def _locked_share(actor: User, share: Share) -> Share:
    locked = (
        Share.objects.restrict(actor, "share")
        .select_for_update(of=("self",))
        .select_related("case", "recipient", "provider", "consent")
        .filter(pk=share.pk)
        .first()
    )
    if locked is None:
        raise Http404("No such share.")
    return locked


@transaction.atomic
def share_revoke(*, actor: User, share: Share, reason: str = "revoked by the provider") -> Share:
    """Revoke a live share: the recipient's copy is erased and external recipients are told."""
    share = _locked_share(actor, share)
    if share.status not in LIVE_SHARE_STATUSES:
        raise ValidationError({"share": f"The share is already {share.status}."})
    end_share(share, status=ShareStatus.REVOKED, reason=reason, actor=actor)
    return share


def end_share(share: Share, *, status: str, reason: str, actor: User | None = None) -> None:
    """Revoke or expire one share (the caller holds its lock): erase, tell, record."""
    was_delivered = share.version > 0
    share.status = status
    share.ended_at = timezone.now()
    share.ended_reason = reason
    share.save(update_fields=["status", "ended_at", "ended_reason", "updated_at"])
    outbox.cancel_pending(share)
    record = SharedRecord.objects.select_for_update().filter(share=share).first()
    if record is not None and record.erased_at is None:
        # Erased in the same transaction as the revocation: there is no window in which a
        # revoked record can still be read.
        erase_record_payload(
            record, reason, RecordStatus.REVOKED if status == ShareStatus.REVOKED else RecordStatus.EXPIRED
        )
    if was_delivered:
        outbox.enqueue_revocation(share)
    event = "share.revoked" if status == ShareStatus.REVOKED else "share.expired"
    record_event(event, obj=share, organization=share.provider, actor=actor, reason=reason)


@transaction.atomic
def shares_revoke_for_consent(*, actor: User, consent: Consent) -> int:
    """A withdrawn consent revokes every live share that relied on it."""
    shares = Share.objects.select_for_update(of=("self",)).filter(consent=consent, status__in=LIVE_SHARE_STATUSES)
    count = 0
    for share in shares.select_related("recipient", "provider"):
        end_share(share, status=ShareStatus.REVOKED, reason="consent withdrawn", actor=actor)
        count += 1
    return count


@transaction.atomic
def shares_expire_due(*, now=None) -> int:
    """Expire live shares whose agreement or consent has run out (run from Celery beat)."""
    now = now or timezone.now()
    in_force = SharingAgreement.objects.in_force(now).values("pk")
    due = (
        Share.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status__in=LIVE_SHARE_STATUSES)
        .filter(~Q(agreement__in=in_force) | Q(consent__expires_at__lte=now))
    )
    count = 0
    for share in due.select_related("recipient", "provider", "consent"):
        consent_ran_out = share.consent_id and share.consent.expires_at and share.consent.expires_at <= now
        end_share(
            share,
            status=ShareStatus.EXPIRED,
            reason="consent expired" if consent_ran_out else "agreement ended",
        )
        count += 1
    return count


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
