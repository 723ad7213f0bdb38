"""Builders for sharing tests: two organizations with an agreement, a case worth sharing."""

import datetime as dt

from django.utils import timezone

from casework import services as casework
from sharing.choices import DataCategory, DeliveryStatus, Purpose
from sharing.models import Delivery
from sharing.services import agreement_create
from sharing.services.delivery import deliver


def agreement(provider, recipient, *, categories=None, purposes=None, **kwargs):
    return agreement_create(
        provider=provider,
        recipient=recipient,
        categories=categories or DataCategory.values,
        purposes=purposes or Purpose.values,
        **kwargs,
    )


def shareable_case(actor, *, minor: bool = True):
    """A case with a survivor (a minor unless told otherwise), a suspect, notes of every
    sensitivity, a need and an indicator."""
    case = casework.case_create(actor=actor, title="Ama Testfield at the depot", case_type="sex_trafficking")
    today = timezone.localdate()
    survivor = casework.person_add(
        actor=actor,
        case=case,
        role="survivor",
        given_name="Ama",
        family_name="Testfield",
        date_of_birth=today.replace(year=today.year - (15 if minor else 30)),
        phone="+12025550143",
        address="1 Sample Street",
        gender="female",
        nationality="Demoland",
    )
    casework.person_add(
        actor=actor,
        case=case,
        role="suspect",
        given_name="Rex",
        family_name="Sampleton",
        phone="+12025550188",
    )
    for sensitivity in ("general", "health", "legal", "law_enforcement", "restricted"):
        casework.note_add(actor=actor, case=case, body=f"{sensitivity} note body", sensitivity=sensitivity)
    casework.need_add(actor=actor, case=case, kind="shelter", detail="Bed tonight")
    casework.indicator_add(actor=actor, case=case, kind="social_handle", value="@Velvet_Rooms")
    return case, survivor


def consent_for(actor, case, person, *, sectors=("ngo",), categories=None, purpose="services", days=30, orgs=()):
    return casework.consent_record(
        actor=actor,
        case=case,
        person=person,
        categories=list(categories or DataCategory.values),
        purpose=purpose,
        method="guardian" if person.is_minor else "written",
        scope_sectors=list(sectors),
        scope_organizations=list(orgs),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )


def run_outbox(limit: int = 20) -> list[str]:
    """Run every pending delivery as the worker would, until none is left."""
    outcomes = []
    for _ in range(limit):
        pending = list(Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True))
        if not pending:
            return outcomes
        outcomes += [deliver(pk) for pk in pending]
    raise AssertionError(f"outbox did not drain: {outcomes}")
