"""Correcting a person's details (``person_add`` lives with the other parts)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from casework import normalize
from casework.access import get_for_user
from casework.models import Person
from casework.permissions import Action
from casework.services.access import authorize, touch
from casework.services.parts import _minor_until, _string_list


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
    errors = {}
    if date_of_birth is not None and date_of_birth > today:
        errors["date_of_birth"] = "A date of birth cannot be in the future."
    if estimated_age is not None and not 0 <= estimated_age <= 120:
        errors["estimated_age"] = "Enter an age between 0 and 120."
    try:
        phone = normalize.normalize_phone(phone) if phone and phone.strip() else ""
    except ValidationError as exc:
        errors["phone"] = exc.messages
    try:
        email = normalize.normalize_email(email) if email and email.strip() else ""
    except ValidationError as exc:
        errors["email"] = exc.messages
    if errors:
        raise ValidationError(errors)
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
