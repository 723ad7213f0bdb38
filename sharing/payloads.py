"""The one road from a share (or a share that is only being previewed) to its payload.

Preview and delivery both end in ``redaction.build_payload`` with the same context, so what the
requester previews is exactly what the recipient gets.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Organization
from sharing.models import Share
from sharing.redaction import OrgRef, ShareContext, build_payload, pseudonym_key, revocation_event
from sharing.snapshot import CaseData, case_snapshot


def org_ref(org: Organization) -> OrgRef:
    return OrgRef(id=org.pk, slug=org.slug, name=org.name, sector=org.sector)


def context_for(
    *,
    share_id,
    version: int,
    provider: Organization,
    recipient: Organization,
    purpose: str,
    legal_basis: str,
    agreement_categories,
    consent_categories,
    consent_person_id=None,
) -> ShareContext:
    return ShareContext(
        share_id=str(share_id) if share_id else None,
        version=version,
        provider=org_ref(provider),
        recipient=org_ref(recipient),
        purpose=purpose,
        legal_basis=legal_basis,
        agreement_categories=frozenset(agreement_categories),
        consent_categories=frozenset(consent_categories) if consent_categories is not None else None,
        pseudonym_key=pseudonym_key(),
        consent_person_id=consent_person_id,
    )


def build_for_share(share: Share, *, version: int, generated_at: dt.datetime, snapshot: CaseData | None = None) -> dict:
    """The payload of ``share``'s ``version``; from ``snapshot`` when the caller loaded it (the
    delivery, which also writes the disclosure ledger from it), else from a fresh one."""
    context = context_for(
        share_id=share.pk,
        version=version,
        provider=share.provider,
        recipient=share.recipient,
        purpose=share.purpose,
        legal_basis=share.legal_basis,
        agreement_categories=share.agreement.categories,
        consent_categories=share.consent.categories if share.consent_id else None,
        consent_person_id=share.consent.person_id if share.consent_id else None,
    )
    return build_payload(snapshot or case_snapshot(share.case_id), context, generated_at=generated_at)


def build_preview(*, case, recipient, agreement, purpose, legal_basis, consent) -> dict:
    context = context_for(
        share_id=None,
        version=1,
        provider=case.organization,
        recipient=recipient,
        purpose=purpose,
        legal_basis=legal_basis,
        agreement_categories=agreement.categories,
        consent_categories=consent.categories if consent is not None else None,
        consent_person_id=consent.person_id if consent is not None else None,
    )
    return build_payload(case_snapshot(case.pk), context, generated_at=timezone.now())


def revocation_body(share: Share) -> dict:
    return revocation_event(
        share_id=share.pk,
        version=share.version,
        reason=share.ended_reason[:200] or "revoked",
        revoked_at=share.ended_at or timezone.now(),
    )
