"""A case and all its parts as plain frozen dataclasses: the input of the redaction engine.

Loading is separated from redaction so that ``sharing.redaction`` stays pure (no database) and
the preview and the delivery task redact the very same kind of value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.db.models import prefetch_related_objects
from django.utils import timezone

from casework.choices import MINOR_RELEVANT_ROLES
from casework.models import Case, Person


@dataclass(frozen=True)
class PersonData:
    id: UUID
    role: str
    given_name: str
    family_name: str
    aliases: tuple[str, ...]
    date_of_birth: dt.date | None
    age: int | None
    is_minor: bool
    gender: str
    languages: tuple[str, ...]
    nationality: str
    phone: str
    email: str
    address: str


@dataclass(frozen=True)
class NoteData:
    id: UUID
    sensitivity: str
    body: str
    created_at: dt.datetime
    amends_id: UUID | None


@dataclass(frozen=True)
class NeedData:
    id: UUID
    kind: str
    status: str
    detail: str


@dataclass(frozen=True)
class IndicatorData:
    id: UUID
    kind: str
    value: str
    platform: str
    note: str


@dataclass(frozen=True)
class ConsentData:
    """A consent as the redaction engine needs it: whose, to whom, for what, and when valid."""

    id: UUID
    person_id: UUID
    categories: frozenset[str]
    purpose: str
    scope_sectors: frozenset[str]
    scope_organization_ids: frozenset[int]
    given_at: dt.datetime
    expires_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


@dataclass(frozen=True)
class CaseData:
    id: UUID
    reference: str
    title: str
    case_type: str
    priority: str
    status: str
    opened_at: dt.datetime
    involves_minor: bool
    persons: tuple[PersonData, ...] = ()
    notes: tuple[NoteData, ...] = ()
    needs: tuple[NeedData, ...] = ()
    indicators: tuple[IndicatorData, ...] = ()
    # Every consent of the case, valid or not: the engine decides which cover whom at send time.
    consents: tuple[ConsentData, ...] = ()


def years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (an age on ``end`` for someone born on ``start``)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def person_age(person: Person, today: dt.date) -> int | None:
    """The age today: from the date of birth, or the estimate aged by the years since it was made."""
    if person.date_of_birth is not None:
        return years_between(person.date_of_birth, today)
    if person.estimated_age is None:
        return None
    if person.age_estimated_on is None:
        return person.estimated_age
    return person.estimated_age + max(0, years_between(person.age_estimated_on, today))


def _person(person: Person, today: dt.date) -> PersonData:
    return PersonData(
        id=person.id,
        role=person.role,
        given_name=person.given_name,
        family_name=person.family_name,
        aliases=tuple(person.aliases or ()),
        date_of_birth=person.date_of_birth,
        age=person_age(person, today),
        # Same rule as Person.is_minor and the involves_minor query, on the given day.
        is_minor=person.minor_until is not None and person.minor_until > today,
        gender=person.gender,
        languages=tuple(person.languages or ()),
        nationality=person.nationality,
        phone=person.phone,
        email=person.email,
        address=person.address,
    )


def case_snapshot(case_id: UUID | str, *, today: dt.date | None = None, case: Case | None = None) -> CaseData:
    """Load a case and all its persons, notes, needs, indicators and consents in seven queries,
    however many.

    Does **not** check permissions: the caller (a sharing service or task) has already
    authorized the actor through the ``restrict`` choke point and passes only an id it may use.
    Never call it with an id that came from a request. ``today`` (default: the local date) fixes
    ages and minority, so a preview and a delivery on the same day agree. Raises
    ``Case.DoesNotExist`` for an unknown id. Parts come in creation order.

    ``case`` is the row of ``case_id`` when the caller has just read it in this transaction (the
    delivery, which locks it first): its parts are loaded onto it instead of reading it again.
    """
    today = today or timezone.localdate()
    parts = ("persons", "notes", "needs", "indicators", "consents__scope_organizations")
    if case is None:
        case = Case.objects.prefetch_related(*parts).get(pk=case_id)
    else:
        if str(case.pk) != str(case_id):
            raise ValueError("case is not the row of case_id")
        prefetch_related_objects([case], *parts)
    persons = tuple(_person(person, today) for person in case.persons.all())
    return CaseData(
        id=case.id,
        reference=case.reference,
        title=case.title,
        case_type=case.case_type,
        priority=case.priority,
        status=case.status,
        opened_at=case.opened_at,
        involves_minor=any(p.is_minor and p.role in MINOR_RELEVANT_ROLES for p in persons),
        persons=persons,
        notes=tuple(
            NoteData(
                id=note.id,
                sensitivity=note.sensitivity,
                body=note.body,
                created_at=note.created_at,
                amends_id=note.amends_id,
            )
            for note in case.notes.all()
        ),
        needs=tuple(
            NeedData(id=need.id, kind=need.kind, status=need.status, detail=need.detail) for need in case.needs.all()
        ),
        indicators=tuple(
            IndicatorData(
                id=indicator.id,
                kind=indicator.kind,
                value=indicator.value,
                platform=indicator.platform,
                note=indicator.note,
            )
            for indicator in case.indicators.all()
        ),
        consents=tuple(
            ConsentData(
                id=consent.id,
                person_id=consent.person_id,
                categories=frozenset(consent.categories),
                purpose=consent.purpose,
                scope_sectors=frozenset(consent.scope_sectors),
                scope_organization_ids=frozenset(org.pk for org in consent.scope_organizations.all()),
                given_at=consent.given_at,
                expires_at=consent.expires_at,
                withdrawn_at=consent.withdrawn_at,
            )
            for consent in case.consents.all()
        ),
    )
