from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import Sector
from accounts.models import Organization, User
from audit.choices import EventType
from audit.events import record_event
from casework import signals
from casework.access import get_for_user
from casework.choices import ConsentMethod, DataCategory, PersonRole
from casework.models import Case, Consent, Person
from casework.permissions import Action
from casework.services.access import authorize, touch
from casework.validation import validate_choice_list


@transaction.atomic
def consent_record(
    *,
    actor: User,
    case: Case,
    person: Person,
    categories,
    purpose: str,
    method: str,
    scope_sectors=(),
    scope_organizations=(),
    given_at=None,
    expires_at=None,
) -> Consent:
    """Record a survivor's consent (a guardian's, for a minor) to share categories of their data."""
    case = authorize(actor=actor, case=case, action=Action.CHANGE)
    errors = {}
    if person.case_id != case.pk:
        errors["person"] = "The person is not a party to this case."
    elif person.role != PersonRole.SURVIVOR:
        errors["person"] = "Consent is given by (or for) a survivor."
    elif person.is_minor and method != ConsentMethod.GUARDIAN:
        errors["method"] = "A minor's consent is given by a guardian (method 'guardian')."
    scope_organizations = list(scope_organizations or [])
    try:
        scope_sectors = validate_choice_list(
            list(scope_sectors or []), allowed=Sector.values, field="scope_sectors", allow_empty=True
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not scope_sectors and not scope_organizations:
        errors["scope_sectors"] = "Name at least one sector or organization the consent covers."
    if any(not isinstance(org, Organization) for org in scope_organizations):
        errors["scope_organizations"] = "Unknown organization."
    try:
        categories = validate_choice_list(categories, allowed=DataCategory.values, field="categories")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    given_at = given_at or timezone.now()
    if given_at > timezone.now():
        errors["given_at"] = "Consent cannot be given in the future."
    if expires_at is not None and expires_at <= given_at:
        errors["expires_at"] = "Must be after given_at."
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        case=case,
        person=person,
        scope_sectors=scope_sectors,
        categories=categories,
        purpose=purpose,
        method=method,
        given_at=given_at,
        expires_at=expires_at,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    consent.scope_organizations.set(scope_organizations)
    touch(case)
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent) -> Consent:
    """Withdraw a consent, revoking (and erasing at the recipient) every live share that relied
    on it. Idempotent: withdrawing twice keeps the first time."""
    # Case, then consent: the lock order of every sharing write (sharing.services.basis). The case
    # lock is what a share request of this case waits on, so no request can slip a share in
    # between this withdrawal and the revocation of the shares it finds.
    authorize(actor=actor, case=consent.case, action=Action.CHANGE)
    consent = get_for_user(Consent, user=actor, pk=consent.pk, action=Action.CHANGE, lock=True)
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        # Sharing revokes (and erases) what relied on it, in this transaction.
        answers = signals.consent_withdrawn.send(sender=Consent, consent=consent, actor=actor)
        revoked = sum(count or 0 for _, count in answers)
        record_event(
            EventType.CONSENT_WITHDRAWN,
            obj=consent,
            organization=consent.case.organization,
            actor=actor,
            shares_revoked=revoked,
        )
        touch(consent.case)
    return consent
