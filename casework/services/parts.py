from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from casework import normalize
from casework.choices import IndicatorKind, NeedStatus, Sensitivity
from casework.models import Case, Note, Person, ServiceNeed, TechnologyIndicator
from casework.permissions import Action
from casework.services.access import authorize, touch
from casework.services.errors import require

ADULT_AGE = 18


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _minor_until(date_of_birth: dt.date | None, estimated_age: int | None, estimated_on: dt.date) -> dt.date | None:
    if date_of_birth is not None:
        return _add_years(date_of_birth, ADULT_AGE)
    if estimated_age is not None:
        return _add_years(estimated_on, ADULT_AGE - estimated_age) if estimated_age < ADULT_AGE else estimated_on
    return None


def _string_list(values, field: str) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise ValidationError({field: "Must be a list of strings."})
    return [v.strip() for v in values if v.strip()]


def checked_person_values(*, date_of_birth, estimated_age, phone: str, email: str, today: dt.date) -> tuple[str, str]:
    """The rules every write of a person follows: no birth in the future, an age from 0 to 120, a
    phone read as E.164 (in the deployment's region when typed locally), a lower-cased e-mail.
    Returns the normalised phone and e-mail; raises one ValidationError naming every bad field."""
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
    return phone, email


@transaction.atomic
def person_add(
    *,
    actor: User,
    case: Case,
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
    """Add a party to a case. Phone to E.164, e-mail lower-cased, minority derived from dates."""
    case = authorize(actor=actor, case=case, action=Action.CHANGE)
    today = timezone.localdate()
    phone, email = checked_person_values(
        date_of_birth=date_of_birth, estimated_age=estimated_age, phone=phone, email=email, today=today
    )
    person = Person(
        case=case,
        role=role,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        aliases=_string_list(aliases, "aliases"),
        date_of_birth=date_of_birth,
        estimated_age=None if date_of_birth else estimated_age,
        age_estimated_on=today if estimated_age is not None and not date_of_birth else None,
        gender=gender.strip(),
        languages=_string_list(languages, "languages"),
        nationality=nationality.strip(),
        phone=phone,
        email=email,
        address=address.strip(),
        minor_until=_minor_until(date_of_birth, estimated_age, today),
    )
    person.full_clean()
    person.save()
    touch(case)
    return person


def amendment_sensitivities(amended: str) -> tuple[str, ...]:
    """The sensitivities an amendment of a note marked ``amended`` may carry.

    An amendment is never less sensitive than what it amends (SPEC, Sharing), and the
    sensitivities other than ``general`` are not ranked against each other (health is not "more"
    than legal; they go to different recipients), so:

    - an amendment of a ``general`` note may be anything;
    - an amendment of a ``health``, ``legal`` or ``law_enforcement`` note keeps that sensitivity
      or becomes ``restricted``;
    - an amendment of a ``restricted`` note is ``restricted``.

    Amending an amendment applies the rule to the note amended, which by the same rule is at
    least as sensitive as everything before it in the chain.
    """
    if amended == Sensitivity.GENERAL:
        return tuple(Sensitivity.values)
    if amended == Sensitivity.RESTRICTED:
        return (Sensitivity.RESTRICTED,)
    return (amended, Sensitivity.RESTRICTED)


@transaction.atomic
def note_add(*, actor: User, case: Case, body: str, sensitivity: str | None = None, amends: Note | None = None) -> Note:
    """Append a note. Notes are never edited; see ``note_amend``.

    ``sensitivity`` defaults to ``general``, or for an amendment to the amended note's; an
    amendment less sensitive than its note is refused (``amendment_sensitivities``).
    """
    case = authorize(actor=actor, case=case, action=Action.CHANGE)
    require(bool(body and body.strip()), "body", "A note needs a body.")
    if amends is not None:
        # Read again: the sensitivity that binds is the stored one, not the caller's copy.
        amends = Note.objects.filter(pk=amends.pk, case=case).first()
        require(amends is not None, "amends", "An amendment belongs to the case of the note it amends.")
        if sensitivity is None:
            sensitivity = amends.sensitivity
        allowed = amendment_sensitivities(amends.sensitivity)
        # A value that is no sensitivity at all is refused by the model's validation below.
        require(
            sensitivity in allowed or sensitivity not in Sensitivity.values,
            "sensitivity",
            f"An amendment of a {amends.sensitivity} note is {' or '.join(allowed)}, never less sensitive.",
        )
    if sensitivity is None:
        sensitivity = Sensitivity.GENERAL
    note = Note(case=case, author=actor, body=body.strip(), sensitivity=sensitivity, amends=amends)
    note.full_clean()
    note.save()
    touch(case)
    return note


def note_amend(*, actor: User, note: Note, body: str, sensitivity: str | None = None) -> Note:
    """Correct a note by appending an amendment that points at it; the original stays as written.

    The amendment keeps the note's sensitivity unless a stricter one is given; a lower one is
    refused with a field error on ``sensitivity``.
    """
    return note_add(actor=actor, case=note.case, body=body, sensitivity=sensitivity, amends=note)


@transaction.atomic
def need_add(
    *, actor: User, case: Case, kind: str, status: str = NeedStatus.IDENTIFIED, detail: str = ""
) -> ServiceNeed:
    case = authorize(actor=actor, case=case, action=Action.CHANGE)
    need = ServiceNeed(case=case, kind=kind, status=status, detail=detail.strip())
    need.full_clean()
    need.save()
    touch(case)
    return need


@transaction.atomic
def need_update(*, actor: User, need: ServiceNeed, status: str | None = None, detail: str | None = None):
    """Move a need along identified → referred → met, or correct its detail."""
    case = authorize(actor=actor, case=need.case, action=Action.CHANGE)
    if status is not None:
        need.status = status
    if detail is not None:
        need.detail = detail.strip()
    need.full_clean()
    need.save()
    touch(case)
    return need


@transaction.atomic
def indicator_add(
    *, actor: User, case: Case, kind: str, value: str, platform: str = "", note: str = ""
) -> TechnologyIndicator:
    """Record a technology indicator, normalised and fingerprinted for cross-organization matching."""
    case = authorize(actor=actor, case=case, action=Action.CHANGE)
    require(kind in IndicatorKind.values, "kind", f"Unknown indicator kind {kind!r}.")
    try:
        value = normalize.normalize_indicator(kind, value)
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from exc
    indicator = TechnologyIndicator(
        case=case,
        kind=kind,
        value=value,
        platform=platform.strip(),
        note=note.strip(),
        fingerprint=normalize.indicator_fingerprint(kind, value),
        created_by=actor,
    )
    indicator.full_clean()
    indicator.save()
    touch(case)
    return indicator
