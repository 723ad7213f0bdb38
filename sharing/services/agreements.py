"""Writes for sharing agreements. Every write goes through here."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
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
    return agreement
