"""Writes for sharing agreements. Every write goes through here."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from audit.choices import EventType
from audit.events import record_event
from sharing.choices import AgreementStatus
from sharing.models import SharingAgreement


@transaction.atomic
def agreement_create(
    *,
    provider: Organization,
    recipient: Organization,
    categories,
    purposes,
    valid_from=None,
    valid_until=None,
    status: str = AgreementStatus.ACTIVE,
) -> SharingAgreement:
    """Create an agreement letting ``provider`` share ``categories`` with ``recipient`` for ``purposes``.

    ``valid_from`` defaults to now and ``valid_until`` to no end. The model's validation
    (known categories and purposes, two distinct parties, a valid period) raises
    ``ValidationError`` and nothing is saved.
    """
    agreement = SharingAgreement(
        provider=provider,
        recipient=recipient,
        categories=categories,
        purposes=purposes,
        valid_from=valid_from or timezone.now(),
        valid_until=valid_until,
        status=status,
    )
    agreement.full_clean()
    agreement.save()
    agreement_record_admin_change(agreement=agreement, created=True)
    return agreement


def agreement_record_admin_change(*, agreement: SharingAgreement, created: bool) -> None:
    """The security event of an agreement created or changed (service or admin), for both parties'
    auditors; the field diff is in the change log."""
    event = EventType.AGREEMENT_CREATED if created else EventType.AGREEMENT_CHANGED
    for organization in (agreement.provider, agreement.recipient):  # both parties' auditors see it
        record_event(event, obj=agreement, organization=organization, status=agreement.status)
