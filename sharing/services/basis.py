"""Whether a share's basis holds, and the row locks under which that answer stays true.

One set of rules serves the request, the approval and every send (SPEC, Sharing: "Every send
re-checks the basis at send time"). A request is refused with the field a caseworker can act
on; a send that finds the basis gone ends the share with the status and reason given here.

Lock order, everywhere: case, then consent, then share, then shared record, then delivery.
Every service that takes more than one of these rows takes them in that order, so two of them
can wait for each other but never deadlock. The case row is the one every writer of a case
takes first (``casework.services.access.authorize``), which is what serialises a consent
withdrawal with a share request, a revocation or a send of the same case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.choices import Sector
from accounts.models import Organization
from casework.models import Case, Consent
from sharing.choices import DataCategory, LegalBasis, ShareStatus
from sharing.models import Share, SharingAgreement

MANDATORY_REPORT_SECTORS = (Sector.LAW_ENFORCEMENT, Sector.CHILD_WELFARE)


@dataclass(frozen=True)
class Lapse:
    """Something the basis of a share needs that does not hold."""

    field: str  # the request field a caseworker would change
    message: str  # said to the caseworker
    status: str  # what a share becomes when this is found at send time
    reason: str  # the share's ``ended_reason`` and the recipient's tombstone


def agreement_lapse(
    agreement: SharingAgreement | None, *, recipient: Organization, purpose: str, at: dt.datetime
) -> Lapse | None:
    if agreement is None or not agreement.is_in_force(at) or purpose not in agreement.purposes:
        return Lapse(
            "recipient",
            f"No active sharing agreement with {recipient.slug} covers the purpose {purpose!r}.",
            ShareStatus.EXPIRED,
            "agreement ended",
        )
    if DataCategory.CASE_SUMMARY not in agreement.categories:
        return Lapse(
            "recipient",
            f"The agreement with {recipient.slug} does not cover the case summary.",
            ShareStatus.EXPIRED,
            "agreement no longer covers the case summary",
        )
    return None


def consent_lapse(consent: Consent, *, recipient: Organization, purpose: str, at: dt.datetime) -> Lapse | None:
    """``consent`` must be read in this transaction (and, for a write, locked): a caller's copy
    may predate a withdrawal."""
    if consent.withdrawn_at is not None:
        # A withdrawal is the survivor taking the data back: revoked, not merely expired.
        return Lapse(
            "consent", "That consent is withdrawn, expired or not yet given.", ShareStatus.REVOKED, "consent withdrawn"
        )
    if consent.expires_at is not None and consent.expires_at <= at:
        return Lapse(
            "consent", "That consent is withdrawn, expired or not yet given.", ShareStatus.EXPIRED, "consent expired"
        )
    if consent.given_at > at:
        return Lapse(
            "consent", "That consent is withdrawn, expired or not yet given.", ShareStatus.EXPIRED, "consent not given"
        )
    covered = recipient.sector in consent.scope_sectors or consent.scope_organizations.filter(pk=recipient.pk).exists()
    if not covered:
        return Lapse(
            "consent",
            f"The consent does not cover {recipient.slug} or its sector.",
            ShareStatus.REVOKED,
            "consent does not cover the recipient",
        )
    if consent.purpose != purpose:
        return Lapse(
            "consent",
            f"The consent was given for {consent.purpose!r}, not {purpose!r}.",
            ShareStatus.REVOKED,
            "consent given for another purpose",
        )
    return None


def mandatory_report_lapse(case: Case, *, recipient: Organization) -> Lapse | None:
    if recipient.sector not in MANDATORY_REPORT_SECTORS:
        return Lapse(
            "legal_basis",
            "A mandatory report goes to law enforcement or child welfare only.",
            ShareStatus.REVOKED,
            "mandatory report to a sector that takes none",
        )
    if not case.involves_minor:
        # The minor came of age (or was removed from the case): the duty to report has run out.
        return Lapse(
            "legal_basis", "A mandatory report needs a minor in the case.", ShareStatus.EXPIRED, "no minor in the case"
        )
    return None


def send_time_lapse(
    share: Share,
    *,
    case: Case | None,
    consent: Consent | None,
    at: dt.datetime,
    agreement: SharingAgreement | None = None,
) -> Lapse | None:
    """What no longer holds of a live share's basis at ``at``; None when it may be sent.

    The caller holds the case, consent and share locks (``lock_basis``) and passes the case and
    the consent it locked. The agreement is the share's own, read afresh (or passed as ``agreement`` when the
    caller read it in this transaction, with the locked share): a newer agreement does not
    silently take over a share made under one that ended.
    """
    if agreement is None or agreement.pk != share.agreement_id:
        agreement = SharingAgreement.objects.filter(pk=share.agreement_id).first()
    lapse = agreement_lapse(agreement, recipient=share.recipient, purpose=share.purpose, at=at)
    if lapse is None and share.legal_basis == LegalBasis.CONSENT:
        if consent is None:
            return Lapse("consent", "The consent is gone.", ShareStatus.REVOKED, "consent withdrawn")
        lapse = consent_lapse(consent, recipient=share.recipient, purpose=share.purpose, at=at)
    if lapse is None and share.legal_basis == LegalBasis.MANDATORY_REPORT:
        lapse = mandatory_report_lapse(case or Case.objects.get(pk=share.case_id), recipient=share.recipient)
    return lapse


def lock_case(case_id, *, skip_locked: bool = False) -> Case | None:
    """The case row, locked: the first lock of every sharing write (see the module docstring)."""
    return Case.objects.select_for_update(of=("self",), skip_locked=skip_locked).filter(pk=case_id).first()


def lock_consent(consent_id, *, case_id) -> Consent | None:
    """The consent row, locked, after its case's; None when it is not a consent of that case."""
    if consent_id is None:
        return None
    return Consent.objects.select_for_update(of=("self",)).filter(pk=consent_id, case_id=case_id).first()


def lock_share(share_id) -> Share | None:
    """The share row, locked, after its case's and consent's when the caller takes those."""
    return Share.objects.select_for_update(of=("self",)).filter(pk=share_id).first()


def lock_basis(share: Share, *, skip_locked: bool = False) -> tuple[Case | None, Consent | None]:
    """Lock the case and the consent of ``share`` (in that order) before the share itself.

    A share's case and consent never change, so reading them from an unlocked copy is safe.
    With ``skip_locked`` a busy case is skipped (returns ``(None, None)``) rather than waited for.
    """
    case = lock_case(share.case_id, skip_locked=skip_locked)
    if case is None:
        return None, None
    return case, lock_consent(share.consent_id, case_id=share.case_id)
