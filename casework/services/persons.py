"""Correcting a person's details (``person_add`` lives with the other parts)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from casework.access import get_for_user
from casework.models import Person
from casework.permissions import Action
from casework.services.access import authorize, touch
from casework.services.parts import _minor_until, _string_list, checked_person_values


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    role: str,
    given_name: str = "",
    family_name: str = "",
    aliases=None,
    date_of_birth: dt.date | None = None,
    estimated_age: int | None = None,
    gender: str = "",
    languages=None,
    nationality: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
) -> Person:
    """Replace a person's details with the same rules as ``person_add`` (E.164 phone, lower-case
    e-mail, minority derived from the dates). An unchanged estimated age keeps the day it was estimated."""
    case = authorize(actor=actor, case=person.case, action=Action.CHANGE)
    person = get_for_user(Person.objects.filter(case=case), user=actor, pk=person.pk, action=Action.CHANGE, lock=True)
    today = timezone.localdate()
    phone, email = checked_person_values(
        date_of_birth=date_of_birth, estimated_age=estimated_age, phone=phone, email=email, today=today
    )
    if date_of_birth:
        estimated_age, estimated_on = None, None
    elif estimated_age is None:
        estimated_on = None
    elif estimated_age == person.estimated_age and person.age_estimated_on:
        estimated_on = person.age_estimated_on
    else:
        estimated_on = today
    person.role = role
    person.given_name = given_name.strip()
    person.family_name = family_name.strip()
    person.aliases = _string_list(aliases, "aliases")
    person.date_of_birth = date_of_birth
    person.estimated_age = estimated_age
    person.age_estimated_on = estimated_on
    person.gender = gender.strip()
    person.languages = _string_list(languages, "languages")
    person.nationality = nationality.strip()
    person.phone = phone
    person.email = email
    person.address = address.strip()
    person.minor_until = _minor_until(date_of_birth, estimated_age, estimated_on or today)
    person.full_clean()
    person.save()
    touch(case)
    return person
