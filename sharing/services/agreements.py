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


def _require_provider_admin(actor, agreement: SharingAgreement) -> None:
    from accounts.services import require_org_admin

    require_org_admin(actor, agreement.provider)


@transaction.atomic
def agreement_create_by_admin(*, actor, recipient: Organization, categories, purposes, valid_until=None):
    """An org admin creates an agreement with their organization as the provider."""
    from accounts.services import require_org_admin

    require_org_admin(actor, actor.organization)
    return agreement_create(
        provider=actor.organization,
        recipient=recipient,
        categories=categories,
        purposes=purposes,
        valid_until=valid_until,
    )


@transaction.atomic
def agreement_change(*, actor, agreement: SharingAgreement, categories, purposes, valid_until=None):
    """The provider's admin changes what may be shared, for what, and until when."""
    _require_provider_admin(actor, agreement)
    agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status == AgreementStatus.TERMINATED:
        from django.core.exceptions import ValidationError

        raise ValidationError("A terminated agreement cannot be changed.")
    agreement.categories = categories
    agreement.purposes = purposes
    agreement.valid_until = valid_until
    agreement.full_clean()
    agreement.save()
    agreement_record_admin_change(agreement=agreement, created=False)
    return agreement


@transaction.atomic
def agreement_terminate(*, actor, agreement: SharingAgreement) -> SharingAgreement:
    """End an agreement now: no new share may use it."""
    _require_provider_admin(actor, agreement)
    agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != AgreementStatus.TERMINATED:
        agreement.status = AgreementStatus.TERMINATED
        agreement.save(update_fields=["status", "updated_at"])
        agreement_record_admin_change(agreement=agreement, created=False)
    return agreement
