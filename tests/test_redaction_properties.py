"""Property-based: whatever the case and the share, nothing withheld reaches a payload.

Every free-text value is a marker (``ZQ`` + random letters + a serial unique within the case, all
markers of one length) that cannot collide with a JSON key, a token, a timestamp or another
marker, so "the value is absent from the serialised payload" is a sound check.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.choices import Sector
from casework.choices import (
    CaseStatus,
    CaseType,
    IndicatorKind,
    NeedKind,
    NeedStatus,
    PersonRole,
    Priority,
    Sensitivity,
)
from sharing import redaction
from sharing.choices import DataCategory, LegalBasis, Purpose
from sharing.redaction import OrgRef, ShareContext, build_payload, category_decisions
from sharing.snapshot import CaseData, IndicatorData, NeedData, NoteData, PersonData

GENERATED_AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
OPENED_AT = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)
PROVIDER = OrgRef(id=1, slug="provider", name="Provider", sector=Sector.NGO)
KEY = "property-key"

letters = st.text(alphabet=string.ascii_lowercase, min_size=6, max_size=6)
digits = st.text(alphabet=string.digits, min_size=7, max_size=7)


def marker(draw, serial) -> str:
    """A random marker, distinct from every other marker of the case by its serial."""
    n = next(serial)
    return "ZQ" + draw(letters) + "".join(string.ascii_lowercase[n // 26**i % 26] for i in range(3))


def phone(draw, serial) -> str:
    return "+1" + draw(digits) + f"{next(serial):03d}"


# Dates of birth end before any timestamp in the payload begins (2024 on), so they cannot collide.
births = st.none() | st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2019, 12, 31))
moments = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 2, 28), timezones=st.just(dt.UTC))


@st.composite
def persons(draw, serial):
    age = draw(st.none() | st.integers(min_value=0, max_value=95))
    born = draw(births)
    # Distinct per person (as names are, by their serial): a suspect whose identity a police
    # recipient gets may otherwise share a pseudonymised survivor's birthday by chance.
    born = born + dt.timedelta(days=next(serial)) if born else None
    return PersonData(
        id=draw(st.uuids()),
        role=draw(st.sampled_from(PersonRole.values)),
        given_name=marker(draw, serial),
        family_name=marker(draw, serial),
        aliases=tuple(marker(draw, serial) for _ in range(draw(st.integers(0, 2)))),
        date_of_birth=born,
        age=age,
        is_minor=age is not None and age < 18,
        gender=marker(draw, serial),
        languages=tuple(marker(draw, serial) for _ in range(draw(st.integers(0, 2)))),
        nationality=marker(draw, serial),
        phone=phone(draw, serial),
        email=marker(draw, serial) + "@example.org",
        address=marker(draw, serial),
    )


@st.composite
def notes(draw, serial):
    result = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        amends = draw(st.none() | st.sampled_from([n.id for n in result])) if result else None
        result.append(
            NoteData(
                id=draw(st.uuids()),
                sensitivity=draw(st.sampled_from(Sensitivity.values)),
                body=marker(draw, serial),
                created_at=draw(moments),
                amends_id=amends,
            )
        )
    return tuple(result)


@st.composite
def needs(draw, serial):
    return NeedData(
        id=draw(st.uuids()),
        kind=draw(st.sampled_from(NeedKind.values)),
        status=draw(st.sampled_from(NeedStatus.values)),
        detail=marker(draw, serial),
    )


@st.composite
def indicators(draw, serial):
    return IndicatorData(
        id=draw(st.uuids()),
        kind=draw(st.sampled_from(IndicatorKind.values)),
        value=marker(draw, serial),
        platform=marker(draw, serial),
        note=marker(draw, serial),
    )


@st.composite
def cases(draw):
    serial = itertools.count()
    people = tuple(draw(st.lists(persons(serial), max_size=4)))
    return CaseData(
        id=draw(st.uuids()),
        reference="HH-2025-00007",
        title=marker(draw, serial),
        case_type=draw(st.sampled_from(CaseType.values)),
        priority=draw(st.sampled_from(Priority.values)),
        status=draw(st.sampled_from(CaseStatus.values)),
        opened_at=OPENED_AT,
        involves_minor=any(p.is_minor for p in people),
        persons=people,
        notes=draw(notes(serial)),
        needs=tuple(draw(st.lists(needs(serial), max_size=3))),
        indicators=tuple(draw(st.lists(indicators(serial), max_size=3))),
    )


category_sets = st.frozensets(st.sampled_from(DataCategory.values))


@st.composite
def contexts(draw):
    sector = draw(st.sampled_from(Sector.values))
    basis = draw(st.sampled_from(LegalBasis.values))
    return ShareContext(
        share_id=None,
        version=draw(st.integers(min_value=0, max_value=5)),
        provider=PROVIDER,
        recipient=OrgRef(id=draw(st.integers(min_value=2, max_value=10**6)), slug="r", name="R", sector=sector),
        purpose=draw(st.sampled_from(Purpose.values)),
        legal_basis=basis,
        agreement_categories=draw(category_sets) | {DataCategory.CASE_SUMMARY},
        consent_categories=draw(category_sets) if basis == LegalBasis.CONSENT else None,
        pseudonym_key=KEY,
    )


def person_values(person, category):
    if category == DataCategory.IDENTITY:
        values = [person.given_name, person.family_name, *person.aliases]
        return values + ([person.date_of_birth.isoformat()] if person.date_of_birth else [])
    if category == DataCategory.CONTACT:
        return [person.phone, person.email, person.address]
    if category == DataCategory.DEMOGRAPHICS:
        return [person.gender, person.nationality, *person.languages]
    return []


def effective_action(person, category, decisions, sector):
    """The action applied to one person's category, the suspects' special cases included.

    ``decisions`` are that person's (whom the basis covers is tested in test_redaction_coverage).
    """
    if sector == Sector.HEALTH and person.role == PersonRole.SUSPECT:
        return "withhold"
    action = decisions[category].action
    if (
        category == DataCategory.IDENTITY
        and action == "pseudonymise"
        and sector == Sector.LAW_ENFORCEMENT
        and person.role == PersonRole.SUSPECT
    ):
        return "include"
    return action


@settings(max_examples=150, deadline=None)
@given(case=cases(), ctx=contexts(), data=st.data())
def test_nothing_withheld_ever_reaches_the_payload(case, ctx, data):
    sector = ctx.recipient.sector
    if ctx.legal_basis == LegalBasis.CONSENT and case.persons:
        consenting = data.draw(st.sampled_from(case.persons))
        ctx = ShareContext(**{**ctx.__dict__, "consent_person_id": consenting.id})
    decisions = category_decisions(sector, ctx.legal_basis, ctx.agreement_categories, ctx.consent_categories)
    per_person = {p.id: redaction.person_decisions(p, case, ctx, decisions, GENERATED_AT) for p in case.persons}
    payload = build_payload(case, ctx, generated_at=GENERATED_AT)
    dumped = json.dumps(payload)

    # (d) it validates against the published schema.
    redaction.validate_payload(payload)

    # (a) nothing of a category that is not shared in full; included values do arrive.
    for person in case.persons:
        for category in (DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.DEMOGRAPHICS):
            action = effective_action(person, category, per_person[person.id], sector)
            values = person_values(person, category)
            if action in ("withhold", "pseudonymise"):
                leaked = [v for v in values if v in dumped]
                assert not leaked, (category, action, leaked)
            else:
                assert all(v in dumped for v in values), (category, action)
    for sensitivity, category in redaction.NOTE_CATEGORY.items():
        bodies = [n.body for n in case.notes if n.sensitivity == sensitivity]
        if decisions[category].shared:
            assert all(b in dumped for b in bodies)
        else:
            assert not any(b in dumped for b in bodies), category
    need_values = [n.detail for n in case.needs]
    indicator_values = [v for i in case.indicators for v in (i.value, i.platform, i.note)]
    for category, values in ((DataCategory.NEEDS, need_values), (DataCategory.INDICATORS, indicator_values)):
        if decisions[category].shared:
            assert all(v in dumped for v in values)
        else:
            assert not any(v in dumped for v in values), category

    # (b) every person field not shared in full is in the manifest, with the right action and reason.
    entries = {e["path"]: e for e in payload["redaction_manifest"]}
    assert len(entries) == len(payload["redaction_manifest"])
    shown = {p["id"]: p for p in payload["persons"]}
    for person in case.persons:
        token = redaction.token(KEY, ctx.recipient.id, "person", person.id)
        if token not in shown:
            assert sector == Sector.HEALTH and person.role == PersonRole.SUSPECT
            assert entries[f"persons[{token}]"]["action"] == "withheld"
            continue
        for field, category in redaction.PERSON_FIELDS.items():
            path = f"persons[{token}].{field}"
            own = per_person[person.id]
            action = effective_action(person, category, own, sector)
            if field in shown[token]:
                assert action == "include" or (action == "generalise" and field != "age")
                assert path not in entries
                continue
            entry = entries[path]
            assert entry["category"] == category
            if action == "withhold":
                assert (entry["action"], entry["reason"]) == ("withheld", own[category].reason)
            elif action == "pseudonymise":
                assert entry["action"] == ("withheld" if field == "date_of_birth" else "pseudonymised")
            else:
                assert (action, field, entry["action"]) == ("generalise", "age", "generalised")
    # The share's categories, and the person categories a person's own consent adds.
    expected = {c for c, d in decisions.items() if d.shared} | {
        c
        for p in case.persons
        for c, d in per_person[p.id].items()
        if d.shared and c in redaction.PERSON_CATEGORIES and p.role != PersonRole.SUSPECT
    }
    assert payload["categories"] == [c for c in DataCategory.values if c in expected]

    # (c) restricted notes and the title never.
    assert case.title not in dumped
    for note in case.notes:
        if note.sensitivity == Sensitivity.RESTRICTED:
            assert note.body not in dumped

    # (e) no internal UUID.
    ids = [case.id, *(o.id for o in (*case.persons, *case.notes, *case.needs, *case.indicators))]
    for internal in ids:
        assert str(internal) not in dumped and internal.hex not in dumped

    # Deterministic.
    assert json.dumps(build_payload(case, ctx, generated_at=GENERATED_AT)) == dumped


@settings(max_examples=50, deadline=None)
@given(case=cases(), ctx=contexts())
def test_without_the_case_summary_in_the_agreement_nothing_is_built(case, ctx):
    narrowed = ShareContext(
        **{**ctx.__dict__, "agreement_categories": ctx.agreement_categories - {DataCategory.CASE_SUMMARY}}
    )
    with pytest.raises(ValueError, match="case_summary"):
        build_payload(case, narrowed, generated_at=GENERATED_AT)
