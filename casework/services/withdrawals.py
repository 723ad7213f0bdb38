"""Withdrawing a consent with the reason the survivor gave."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from casework.choices import Sensitivity
from casework.models import Consent
from casework.services.consents import consent_withdraw
from casework.services.errors import require
from casework.services.parts import note_add


@transaction.atomic
def consent_withdraw_with_reason(*, actor: User, consent: Consent, reason: str) -> Consent:
    """Withdraw a consent (revoking every live share that relied on it) and keep the reason as a
    note on the case, so the record says why. A consent already withdrawn is left as it was."""
    require(bool(reason and reason.strip()), "reason", "Say why the consent is withdrawn.")
    already = consent.withdrawn_at is not None
    consent = consent_withdraw(actor=actor, consent=consent)
    if not already:
        note_add(
            actor=actor,
            case=consent.case,
            body=_("Consent for %(purpose)s withdrawn. Reason: %(reason)s")
            % {"purpose": consent.get_purpose_display(), "reason": reason.strip()},
            sensitivity=Sensitivity.GENERAL,
        )
    return consent
