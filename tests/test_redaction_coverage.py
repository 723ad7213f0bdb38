"""Whose data a basis covers (SPEC, Sharing): decided person by person.

A consent discloses its own person; ``mandatory_report`` the minors; ``emergency`` the survivors and
the minors; suspects follow the matrix. Anyone else is disclosed only under a valid consent of their
own for the same recipient and purpose — otherwise a token, no contact, an age band at most.

The expectations here are written out from the SPEC, not derived from the engine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import string
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.choices import Sector
from casework.choices import CaseStatus, CaseType, PersonRole, Priority
from sharing import redaction
from sharing.choices import DataCategory, LegalBasis, Purpose
from sharing.redaction import OrgRef, ShareContext, build_payload
from sharing.snapshot import CaseData, ConsentData, PersonData

ALL = frozenset(DataCategory.values)
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
KEY = "coverage-key"
PROVIDER = OrgRef(id=1, slug="hope-house", name="Hope House", sector=Sector.NGO)
RECIPIENTS = {
    sector: OrgRef(id=10 + i, slug=f"r-{sector}", name=f"R {sector}", sector=sector)
    for i, sector in enumerate(Sector.values)
}
IDENTITY_FIELDS = ("given_name", "family_name", "aliases", "date_of_birth")
CONTACT_FIELDS = ("phone", "email", "address")


def _person(role, name, age, phone_tail):
    born = dt.date(2026 - age - 1, 6, 1)
    return PersonData(
        id=uuid.uuid4(), role=role, given_name=f"{name}given", family_name=f"{name}family",
        aliases=(f"{name}alias",), date_of_birth=born, age=age, is_minor=age < 18, gender=f"{name}gender",
        languages=(f"{name}lang",), nationality=f"{name}land", phone=f"+1202555{phone_tail}",
        email=f"{name.lower()}@example.org", address=f"{phone_tail} {name} Street",
    )  # fmt: skip


MINOR_SURVIVOR = _person(PersonRole.SURVIVOR, "Mina", 14, "0101")
ADULT_SURVIVOR = _person(PersonRole.SURVIVOR, "Adel", 29, "0102")
GUARDIAN = _person(PersonRole.GUARDIAN, "Gita", 44, "0103")
FAMILY = _person(PersonRole.FAMILY, "Fero", 51, "0104")
MINOR_WITNESS = _person(PersonRole.WITNESS, "Wren", 16, "0105")
SUSPECT = _person(PersonRole.SUSPECT, "Sven", 38, "0106")
PEOPLE = (MINOR_SURVIVOR, ADULT_SURVIVOR, GUARDIAN, FAMILY, MINOR_WITNESS, SUSPECT)


def consent_of(person, sector, *, purpose=Purpose.SERVICES, categories=ALL, **changes):
    data = ConsentData(
        id=uuid.uuid4(), person_id=person.id, categories=frozenset(categories), purpose=purpose,
        scope_sectors=frozenset({sector}), scope_organization_ids=frozenset(), given_at=NOW - dt.timedelta(days=3),
        expires_at=NOW + dt.timedelta(days=30), withdrawn_at=None,
    )  # fmt: skip
    return dataclasses.replace(data, **changes)


def case_with(consents=()):
    return CaseData(
        id=uuid.uuid4(), reference="HH-2026-00077", title="Title", case_type=CaseType.LABOR_TRAFFICKING,
        priority=Priority.HIGH, status=CaseStatus.OPEN, opened_at=NOW - dt.timedelta(days=9), involves_minor=True,
        persons=PEOPLE, consents=tuple(consents),
    )  # fmt: skip


def context(sector, basis, *, consent=None):
    return ShareContext(
        share_id=None, version=1, provider=PROVIDER, recipient=RECIPIENTS[sector], purpose=Purpose.SERVICES,
        legal_basis=basis, agreement_categories=ALL,
        consent_categories=consent.categories if consent else None,
        pseudonym_key=KEY, consent_person_id=consent.person_id if consent else None,
    )  # fmt: skip


def token(sector, person):
    return redaction.token(KEY, RECIPIENTS[sector].id, "person", person.id)


def values(person, fields):
    found = []
    for field in fields:
        value = getattr(person, field)
        found += (
            list(value) if isinstance(value, tuple) else [value.isoformat() if hasattr(value, "isoformat") else value]
        )
    return found


# Who is covered, by basis and by who consented, written out from the SPEC. "B" is the adult
# survivor's own consent (same recipient and purpose); the share's consent is always the minor's.
SCENARIOS = {
    (LegalBasis.CONSENT, "minor only"): {MINOR_SURVIVOR},
    (LegalBasis.CONSENT, "both survivors"): {MINOR_SURVIVOR, ADULT_SURVIVOR},
    (LegalBasis.MANDATORY_REPORT, "none"): {MINOR_SURVIVOR, MINOR_WITNESS},
    (LegalBasis.MANDATORY_REPORT, "minor only"): {MINOR_SURVIVOR, MINOR_WITNESS},
    (LegalBasis.MANDATORY_REPORT, "both survivors"): {MINOR_SURVIVOR, MINOR_WITNESS, ADULT_SURVIVOR},
    (LegalBasis.EMERGENCY, "none"): {MINOR_SURVIVOR, ADULT_SURVIVOR, MINOR_WITNESS},
    (LegalBasis.EMERGENCY, "both survivors"): {MINOR_SURVIVOR, ADULT_SURVIVOR, MINOR_WITNESS},
}
# The full-disclosure sectors: a covered person's identity and contact arrive as they are.
FULL = (Sector.NGO, Sector.HEALTH, Sector.CHILD_WELFARE)


def build(sector, basis, who):
    minor = consent_of(MINOR_SURVIVOR, sector)
    consents = {"none": [], "minor only": [minor], "both survivors": [minor, consent_of(ADULT_SURVIVOR, sector)]}[who]
    share_consent = minor if basis == LegalBasis.CONSENT else None
    return build_payload(case_with(consents), context(sector, basis, consent=share_consent), generated_at=NOW)


@pytest.mark.parametrize("sector", Sector.values)
@pytest.mark.parametrize(("basis", "who"), list(SCENARIOS), ids=lambda v: str(v))
def test_each_person_is_disclosed_only_under_a_basis_that_covers_them(sector, basis, who):
    payload = build(sector, basis, who)
    redaction.validate_payload(payload)
    dumped = json.dumps(payload)
    entries = {e["path"]: (e["category"], e["action"], e["reason"]) for e in payload["redaction_manifest"]}
    shown = {p["id"]: p for p in payload["persons"]}
    covered = SCENARIOS[basis, who]
    reason = "consent" if basis == LegalBasis.CONSENT else "policy"
    for person in PEOPLE:
        if person.role == PersonRole.SUSPECT:
            continue
        tok = token(sector, person)
        private = values(person, IDENTITY_FIELDS + CONTACT_FIELDS)
        if person in covered:
            if sector in FULL:
                assert all(v in dumped for v in private), (person.given_name, "covered, must arrive")
            continue
        leaked = [v for v in private if v in dumped]
        assert not leaked, (person.given_name, "not covered", leaked)
        assert "age" not in shown[tok]
        for field in CONTACT_FIELDS:
            category, action, why = entries[f"persons[{tok}].{field}"]
            assert (category, action) == ("contact", "withheld")
            assert why in (reason, "policy"), "the matrix may have withheld it first"
        assert entries[f"persons[{tok}].date_of_birth"][:2] == ("identity", "withheld")
        for field in ("given_name", "family_name", "aliases"):
            assert entries[f"persons[{tok}].{field}"][:2] in (("identity", "pseudonymised"), ("identity", "withheld"))
        if sector in FULL:
            # What the matrix would have given in full is lowered for this person, and says why.
            assert entries[f"persons[{tok}].given_name"] == ("identity", "pseudonymised", reason)
            assert entries[f"persons[{tok}].phone"] == ("contact", "withheld", reason)
            assert entries[f"persons[{tok}].age"] == ("demographics", "generalised", reason)
            assert shown[tok]["pseudonym"] == tok and shown[tok]["age_band"] == redaction.age_band(person.age)


@pytest.mark.parametrize("sector", [Sector.NGO, Sector.LAW_ENFORCEMENT, Sector.CHILD_WELFARE])
def test_suspects_follow_the_matrix_whatever_the_basis(sector):
    for basis, who in SCENARIOS:
        payload = build(sector, basis, who)
        suspect = next(p for p in payload["persons"] if p["id"] == token(sector, SUSPECT))
        # Named for police under every basis (the point of the share), and in full for ngo/cws.
        assert suspect["given_name"] == "Svengiven", (basis, who)


def test_health_never_receives_suspects_under_any_coverage():
    for basis, who in SCENARIOS:
        payload = build(Sector.HEALTH, basis, who)
        assert "Svengiven" not in json.dumps(payload)
        assert all(p["role"] != PersonRole.SUSPECT for p in payload["persons"])


def test_the_consent_basis_alone_does_not_disclose_the_guardian_who_gave_it():
    payload = build(Sector.CHILD_WELFARE, LegalBasis.CONSENT, "minor only")
    dumped = json.dumps(payload)
    assert "Minagiven" in dumped
    assert "Gitagiven" not in dumped and GUARDIAN.phone not in dumped


def test_mandatory_report_names_the_minors_but_not_an_adult_survivor():
    payload = build(Sector.LAW_ENFORCEMENT, LegalBasis.MANDATORY_REPORT, "none")
    dumped = json.dumps(payload)
    assert "Minagiven" in dumped and "Wrengiven" in dumped
    assert "Adelgiven" not in dumped and ADULT_SURVIVOR.date_of_birth.isoformat() not in dumped


@pytest.mark.parametrize(
    "change",
    [
        {"withdrawn_at": NOW - dt.timedelta(days=1)},
        {"expires_at": NOW - dt.timedelta(seconds=1)},
        {"given_at": NOW + dt.timedelta(days=1)},
        {"purpose": Purpose.INVESTIGATION},
        {"scope_sectors": frozenset({Sector.LAW_ENFORCEMENT})},
    ],
    ids=["withdrawn", "expired", "not-yet-given", "other-purpose", "other-sector"],
)
def test_an_own_consent_covers_only_while_valid_for_this_recipient_and_purpose(change):
    minor = consent_of(MINOR_SURVIVOR, Sector.NGO)
    adult = consent_of(ADULT_SURVIVOR, Sector.NGO, **change)
    payload = build_payload(
        case_with([minor, adult]), context(Sector.NGO, LegalBasis.CONSENT, consent=minor), generated_at=NOW
    )
    assert "Adelgiven" not in json.dumps(payload)
    valid = consent_of(ADULT_SURVIVOR, Sector.NGO)
    payload = build_payload(
        case_with([minor, valid]), context(Sector.NGO, LegalBasis.CONSENT, consent=minor), generated_at=NOW
    )
    assert "Adelgiven" in json.dumps(payload)


def test_an_own_consent_naming_the_recipient_organization_covers():
    minor = consent_of(MINOR_SURVIVOR, Sector.NGO)
    adult = consent_of(ADULT_SURVIVOR, Sector.HEALTH, scope_organization_ids=frozenset({RECIPIENTS[Sector.NGO].id}))
    payload = build_payload(
        case_with([minor, adult]), context(Sector.NGO, LegalBasis.CONSENT, consent=minor), generated_at=NOW
    )
    assert "Adelgiven" in json.dumps(payload)


def test_an_own_consent_releases_only_its_categories():
    minor = consent_of(MINOR_SURVIVOR, Sector.NGO)
    adult = consent_of(ADULT_SURVIVOR, Sector.NGO, categories={DataCategory.IDENTITY})
    payload = build_payload(
        case_with([minor, adult]), context(Sector.NGO, LegalBasis.CONSENT, consent=minor), generated_at=NOW
    )
    adult_shown = next(p for p in payload["persons"] if p["id"] == token(Sector.NGO, ADULT_SURVIVOR))
    assert adult_shown["given_name"] == "Adelgiven"
    assert "phone" not in adult_shown and "gender" not in adult_shown
    entries = {e["path"]: e["reason"] for e in payload["redaction_manifest"]}
    assert entries[f"persons[{adult_shown['id']}].phone"] == "consent"


def test_the_share_consent_narrower_than_the_matrix_is_never_widened_for_others():
    """An uncovered person never gets more than the consenting person: a consent without
    demographics leaves everybody's demographics out."""
    minor = consent_of(MINOR_SURVIVOR, Sector.NGO, categories=ALL - {DataCategory.DEMOGRAPHICS})
    payload = build_payload(
        case_with([minor]), context(Sector.NGO, LegalBasis.CONSENT, consent=minor), generated_at=NOW
    )
    dumped = json.dumps(payload)
    for person in (MINOR_SURVIVOR, ADULT_SURVIVOR, GUARDIAN, FAMILY, MINOR_WITNESS):
        assert person.nationality not in dumped and person.gender not in dumped
    assert "demographics" not in payload["categories"]


# --- Property: whatever the people and consents, no uncovered person's identity or contact --------

letters = st.text(alphabet=string.ascii_lowercase, min_size=5, max_size=5)


@st.composite
def people(draw):
    serial = itertools.count()
    out = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        n = next(serial)
        mark = "ZQ" + draw(letters) + string.ascii_lowercase[n]
        age = draw(st.integers(min_value=0, max_value=80))
        born = dt.date(1930 + n, 1, 1) if draw(st.booleans()) else None
        out.append(
            PersonData(
                id=draw(st.uuids()), role=draw(st.sampled_from(PersonRole.values)), given_name=mark + "g",
                family_name=mark + "f", aliases=(mark + "a",), date_of_birth=born,
                age=age, is_minor=age < 18, gender=mark + "x", languages=(mark + "l",), nationality=mark + "n",
                phone=f"+1303555{n:04d}", email=mark + "@example.org", address=mark + " Road",
            )
        )  # fmt: skip
    return tuple(out)


@st.composite
def consents(draw, persons):
    out = []
    for person in persons:
        if person.role != PersonRole.SURVIVOR or not draw(st.booleans()):
            continue
        out.append(
            ConsentData(
                id=draw(st.uuids()), person_id=person.id,
                categories=draw(st.frozensets(st.sampled_from(DataCategory.values))),
                purpose=draw(st.sampled_from([Purpose.SERVICES, Purpose.INVESTIGATION])),
                scope_sectors=draw(st.frozensets(st.sampled_from(Sector.values), min_size=1)),
                scope_organization_ids=frozenset(), given_at=NOW - dt.timedelta(days=1),
                expires_at=draw(st.sampled_from([None, NOW - dt.timedelta(hours=1), NOW + dt.timedelta(days=1)])),
                withdrawn_at=draw(st.sampled_from([None, NOW - dt.timedelta(minutes=5)])),
            )
        )  # fmt: skip
    return tuple(out)


def oracle_covered(person, ctx, case):
    """The SPEC's rule, written independently of the engine."""
    if person.role == PersonRole.SUSPECT:
        return True  # follows the matrix
    own = any(
        c.person_id == person.id
        and c.withdrawn_at is None
        and (c.expires_at is None or c.expires_at > NOW)
        and c.purpose == ctx.purpose
        and ctx.recipient.sector in c.scope_sectors
        for c in case.consents
    )
    if own:
        return True
    if ctx.legal_basis == LegalBasis.CONSENT:
        return str(person.id) == ctx.consent_person_id
    if ctx.legal_basis == LegalBasis.MANDATORY_REPORT:
        return person.is_minor
    return person.is_minor or person.role == PersonRole.SURVIVOR


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_no_uncovered_person_is_ever_identified(data):
    persons = data.draw(people())
    case = CaseData(
        id=uuid.uuid4(), reference="HH-2026-00001", title="t", case_type=CaseType.OTHER, priority=Priority.LOW,
        status=CaseStatus.OPEN, opened_at=NOW, involves_minor=any(p.is_minor for p in persons), persons=persons,
        consents=data.draw(consents(persons)),
    )  # fmt: skip
    sector = data.draw(st.sampled_from(Sector.values))
    basis = data.draw(st.sampled_from(LegalBasis.values))
    basis_consent = data.draw(st.sampled_from(persons)) if basis == LegalBasis.CONSENT else None
    ctx = ShareContext(
        share_id=None, version=1, provider=PROVIDER, recipient=RECIPIENTS[sector],
        purpose=data.draw(st.sampled_from([Purpose.SERVICES, Purpose.INVESTIGATION])), legal_basis=basis,
        agreement_categories=data.draw(st.frozensets(st.sampled_from(DataCategory.values))) | {"case_summary"},
        consent_categories=data.draw(st.frozensets(st.sampled_from(DataCategory.values))) if basis_consent else None,
        pseudonym_key=KEY, consent_person_id=basis_consent.id if basis_consent else None,
    )  # fmt: skip
    payload = build_payload(case, ctx, generated_at=NOW)
    dumped = json.dumps(payload)
    entries = {e["path"]: e for e in payload["redaction_manifest"]}
    for person in persons:
        if oracle_covered(person, ctx, case):
            continue
        tok = redaction.token(KEY, ctx.recipient.id, "person", person.id)
        private = [person.given_name, person.family_name, *person.aliases, person.phone, person.email, person.address]
        if person.date_of_birth:
            private.append(person.date_of_birth.isoformat())
        assert not [v for v in private if v in dumped], person
        for field in (*IDENTITY_FIELDS, *CONTACT_FIELDS, "age"):
            entry = entries[f"persons[{tok}].{field}"]
            assert entry["action"] in ("withheld", "pseudonymised", "generalised")
