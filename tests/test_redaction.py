"""The redaction engine against the SPEC's matrix: sector, legal basis, agreement and consent.

Pure: the cases are built in memory, no database.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid

import jsonschema
import pytest

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

ALL = frozenset(DataCategory.values)
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
PROVIDER = OrgRef(id=1, slug="hope-house", name="Hope House", sector=Sector.NGO)
RECIPIENTS = {
    Sector.NGO: OrgRef(id=2, slug="safe-haven", name="Safe Haven", sector=Sector.NGO),
    Sector.HEALTH: OrgRef(id=3, slug="st-lukes-clinic", name="St Luke's", sector=Sector.HEALTH),
    Sector.LAW_ENFORCEMENT: OrgRef(id=4, slug="metro-police", name="Metro Police", sector=Sector.LAW_ENFORCEMENT),
    Sector.CHILD_WELFARE: OrgRef(id=5, slug="county-cws", name="County CWS", sector=Sector.CHILD_WELFARE),
    Sector.OTHER: OrgRef(id=6, slug="city-council", name="City Council", sector=Sector.OTHER),
}


def _id():
    return uuid.uuid4()


MINOR = PersonData(
    id=_id(), role=PersonRole.SURVIVOR, given_name="Minagiven", family_name="Minafamily",
    aliases=("Minalias",), date_of_birth=dt.date(2012, 5, 17), age=13, is_minor=True, gender="female",
    languages=("ro", "en"), nationality="Romania", phone="+40721000111", email="minor@example.org",
    address="1 Minor Street",
)  # fmt: skip
ADULT = PersonData(
    id=_id(), role=PersonRole.SURVIVOR, given_name="Adugiven", family_name="Adufamily", aliases=(),
    date_of_birth=None, age=29, is_minor=False, gender="male", languages=("es",), nationality="Peru",
    phone="+51912000222", email="adult@example.org", address="2 Adult Avenue",
)  # fmt: skip
SUSPECT = PersonData(
    id=_id(), role=PersonRole.SUSPECT, given_name="Susgiven", family_name="Susfamily",
    aliases=("Susalias",), date_of_birth=dt.date(1985, 1, 2), age=41, is_minor=False, gender="male",
    languages=("en",), nationality="Canada", phone="+12025550199", email="suspect@example.org",
    address="3 Suspect Road",
)  # fmt: skip
NOTES = {
    s: NoteData(id=_id(), sensitivity=s, body=f"Body of the {s} note", created_at=NOW, amends_id=None)
    for s in Sensitivity.values
}
AMENDMENT = NoteData(
    id=_id(),
    sensitivity=Sensitivity.LAW_ENFORCEMENT,
    body="Amended law_enforcement note",
    created_at=NOW + dt.timedelta(hours=1),
    amends_id=NOTES[Sensitivity.LAW_ENFORCEMENT].id,
)
NEEDS = (
    NeedData(id=_id(), kind=NeedKind.SHELTER, status=NeedStatus.REFERRED, detail="Shelter need detail"),
    NeedData(id=_id(), kind=NeedKind.MEDICAL, status=NeedStatus.IDENTIFIED, detail="Medical need detail"),
)
INDICATORS = (
    IndicatorData(
        id=_id(), kind=IndicatorKind.ONLINE_AD, value="https://ads.example/listing/77",
        platform="ExampleAds", note="Indicator note",
    ),
    IndicatorData(id=_id(), kind=IndicatorKind.SOCIAL_HANDLE, value="recruiter_99", platform="Snap", note=""),
)  # fmt: skip
CASE = CaseData(
    id=_id(),
    reference="HH-2026-00042",
    title="Minagiven Minafamily trafficked by Susgiven",
    case_type=CaseType.SEX_TRAFFICKING,
    priority=Priority.IMMINENT,
    status=CaseStatus.OPEN,
    opened_at=dt.datetime(2026, 2, 1, 9, 30, tzinfo=dt.UTC),
    involves_minor=True,
    persons=(MINOR, ADULT, SUSPECT),
    notes=(*NOTES.values(), AMENDMENT),
    needs=NEEDS,
    indicators=INDICATORS,
)


def ctx(sector, basis=LegalBasis.CONSENT, consent=ALL, agreement=ALL, *, recipient=None, key="test-key", **kw):
    return ShareContext(
        share_id=kw.get("share_id"),
        version=kw.get("version", 1),
        provider=PROVIDER,
        recipient=recipient or RECIPIENTS[sector],
        purpose=Purpose.SERVICES,
        legal_basis=basis,
        agreement_categories=frozenset(agreement),
        consent_categories=frozenset(consent) if basis == LegalBasis.CONSENT else None,
        pseudonym_key=key,
        # The share's consent is the minor's (given by a guardian); the adult gave none.
        consent_person_id=kw.get("consent_person", MINOR).id if basis == LegalBasis.CONSENT else None,
    )


def build(*args, case=CASE, **kwargs):
    return build_payload(case, ctx(*args, **kwargs), generated_at=NOW)


def tok(kind, obj, recipient=Sector.NGO, key="test-key"):
    return redaction.token(key, RECIPIENTS[recipient].id, kind, obj.id)


def person(payload, data, sector):
    found = [p for p in payload["persons"] if p["id"] == tok("person", data, sector)]
    return found[0] if found else None


def manifest(payload):
    return {e["path"]: (e["category"], e["action"], e["reason"]) for e in payload["redaction_manifest"]}


# --- The matrix -------------------------------------------------------------------------------
# Columns in DataCategory order: case_summary identity contact demographics needs general_notes
# health_notes legal_notes le_notes indicators. I include, P pseudonymise, G generalise,
# W withheld by policy, c withheld for want of consent, a withheld by the agreement.
NO_IDENTITY = ALL - {DataCategory.IDENTITY}
ONLY_NEEDS = frozenset({DataCategory.NEEDS})
EXPECTED = {
    # sector, basis, consent categories
    (Sector.NGO, "consent", ALL): "I I I I I I W I W I",
    (Sector.NGO, "consent", NO_IDENTITY): "I c I I I I W I W I",
    (Sector.NGO, "consent", ONLY_NEEDS): "I c c c I c W c W c",
    (Sector.NGO, "emergency", None): "I I I I I I W I W I",
    (Sector.NGO, "mandatory_report", None): "I I I I I I W I W I",
    (Sector.HEALTH, "consent", ALL): "I I I I I I I W W W",
    (Sector.HEALTH, "consent", NO_IDENTITY): "I c I I I I I W W W",
    (Sector.HEALTH, "consent", ONLY_NEEDS): "I c c c I c c W W W",
    (Sector.HEALTH, "emergency", None): "I I I I I I I W W W",
    (Sector.HEALTH, "mandatory_report", None): "I I I I I I I W W W",
    (Sector.LAW_ENFORCEMENT, "consent", ALL): "I I W G W W W W I I",
    (Sector.LAW_ENFORCEMENT, "consent", NO_IDENTITY): "I P W G W W W W I I",
    (Sector.LAW_ENFORCEMENT, "consent", ONLY_NEEDS): "I P W c W W W W c c",
    (Sector.LAW_ENFORCEMENT, "emergency", None): "I I I G W W W W I I",
    (Sector.LAW_ENFORCEMENT, "mandatory_report", None): "I I W G W W W W I I",
    (Sector.CHILD_WELFARE, "consent", ALL): "I I I I I I W I W I",
    (Sector.CHILD_WELFARE, "consent", NO_IDENTITY): "I c I I I I W I W I",
    (Sector.CHILD_WELFARE, "consent", ONLY_NEEDS): "I c c c I c W c W c",
    (Sector.CHILD_WELFARE, "emergency", None): "I I I I I I W I W I",
    (Sector.CHILD_WELFARE, "mandatory_report", None): "I I I I I I W I W I",
    (Sector.OTHER, "consent", ALL): "I P W G I W W W W W",
    (Sector.OTHER, "consent", NO_IDENTITY): "I P W G I W W W W W",
    (Sector.OTHER, "consent", ONLY_NEEDS): "I P W c I W W W W W",
    (Sector.OTHER, "emergency", None): "I P W G I W W W W W",
    (Sector.OTHER, "mandatory_report", None): "I P W G I W W W W W",
}
SYMBOL = {
    "I": ("include", None),
    "P": ("pseudonymise", "policy"),
    "G": ("generalise", "policy"),
    "W": ("withhold", "policy"),
    "c": ("withhold", "consent"),
    "a": ("withhold", "agreement"),
}
MANIFEST_ACTION = {"withhold": "withheld", "pseudonymise": "pseudonymised", "generalise": "generalised"}


def _param_id(value):
    return {ALL: "all", NO_IDENTITY: "no-identity", ONLY_NEEDS: "only-needs", None: "-"}.get(value, value)


def expected_decisions(row):
    return dict(zip(DataCategory.values, (SYMBOL[s] for s in row.split()), strict=True))


def test_matrix_covers_every_sector_and_basis():
    assert {(s, b) for s, b, _ in EXPECTED} == {(s, b) for s in Sector.values for b in LegalBasis.values}


@pytest.mark.parametrize(("sector", "basis", "consent"), list(EXPECTED), ids=_param_id)
def test_category_decisions_follow_the_matrix(sector, basis, consent):
    decisions = category_decisions(sector, basis, ALL, consent)
    assert list(decisions) == DataCategory.values
    assert {c: (d.action, d.reason) for c, d in decisions.items()} == expected_decisions(
        EXPECTED[sector, basis, consent]
    )


# Who the basis covers in CASE, written out (SPEC, "Whose data a basis covers"): the consent's
# person (the minor); under mandatory_report the minors; under emergency survivors and minors.
COVERED = {
    LegalBasis.CONSENT: {MINOR.id},
    LegalBasis.MANDATORY_REPORT: {MINOR.id},
    LegalBasis.EMERGENCY: {MINOR.id, ADULT.id},
}
# What a person the basis does not cover gets instead of what the share's decision would give.
UNCOVERED = {
    ("identity", "include"): "pseudonymise",
    ("contact", "include"): "withhold",
    ("demographics", "include"): "generalise",
}


def decisions_for(data, decisions, basis):
    """The decisions that apply to one person of CASE: the share's, lowered for the uncovered."""
    if data.role == PersonRole.SUSPECT or data.id in COVERED[basis]:
        return decisions
    reason = "consent" if basis == LegalBasis.CONSENT else "policy"
    lowered = dict(decisions)
    for category in ("identity", "contact", "demographics"):
        action = UNCOVERED.get((category, decisions[category].action))
        if action:
            lowered[category] = redaction.Decision(action, reason)
    return lowered


def assert_payload_follows(payload, decisions, sector, basis=LegalBasis.CONSENT):
    """Every category's decision is visible in the payload, and in the manifest when not included."""
    dumped = json.dumps(payload)
    entries = manifest(payload)
    assert payload["categories"] == [c for c, d in decisions.items() if d.shared]
    case_decisions = decisions
    for data in CASE.persons:
        decisions = decisions_for(data, case_decisions, basis)
        token = redaction.token("test-key", RECIPIENTS[sector].id, "person", data.id)
        shown = person(payload, data, sector)
        if sector == Sector.HEALTH and data.role == PersonRole.SUSPECT:
            assert shown is None
            assert entries[f"persons[{token}]"] == ("identity", "withheld", "policy")
            continue
        assert shown["role"] == data.role
        for field, category in redaction.PERSON_FIELDS.items():
            action, reason = decisions[category].action, decisions[category].reason
            if category == "identity" and sector == Sector.LAW_ENFORCEMENT and data.role == "suspect":
                action, reason = ("include", None) if action == "pseudonymise" else (action, reason)
            path = f"persons[{token}].{field}"
            if action == "include":
                assert field in shown, path
                assert path not in entries
            elif action == "pseudonymise":
                assert field not in shown and shown["pseudonym"] == token
                expected = "withheld" if field == "date_of_birth" else "pseudonymised"
                assert entries[path] == (category, expected, reason)
            elif action == "generalise" and field != "age":
                assert field in shown, path  # only the age is generalised
                assert path not in entries
            elif action == "generalise":
                assert field not in shown and shown["age_band"] == redaction.age_band(data.age)
                assert entries[path] == (category, "generalised", reason)
            else:
                assert field not in shown
                assert entries[path] == (category, "withheld", reason)
        if decisions["identity"].action != "pseudonymise":
            assert "pseudonym" not in shown
    decisions = case_decisions
    for key, category in (("needs", "needs"), ("indicators", "indicators")):
        if decisions[category].shared:
            assert key in payload and key not in entries
        else:
            assert key not in payload
            assert entries[key] == (category, "withheld", decisions[category].reason)
    for sensitivity, category in redaction.NOTE_CATEGORY.items():
        path = f"notes[sensitivity={sensitivity}]"
        bodies = [n.body for n in CASE.notes if n.sensitivity == sensitivity]
        if decisions[category].shared:
            assert path not in entries
            assert all(body in dumped for body in bodies)
        else:
            assert entries[path] == (category, "withheld", decisions[category].reason)
            assert not any(body in dumped for body in bodies)
    # Never, whatever the decisions:
    assert entries["notes[sensitivity=restricted]"] == ("restricted", "withheld", "policy")
    assert entries["case.title"] == ("case_summary", "withheld", "policy")
    assert NOTES[Sensitivity.RESTRICTED].body not in dumped
    assert CASE.title not in dumped and "title" not in payload["case"]
    assert all(n["sensitivity"] != "restricted" for n in payload.get("notes", []))
    for internal in (CASE.id, *(o.id for o in (*CASE.persons, *CASE.notes, *CASE.needs, *CASE.indicators))):
        assert str(internal) not in dumped and internal.hex not in dumped
    assert len(entries) == len(payload["redaction_manifest"]), "one manifest entry per path"


@pytest.mark.parametrize(("sector", "basis", "consent"), list(EXPECTED), ids=_param_id)
def test_payload_follows_the_decisions(sector, basis, consent):
    payload = build(sector, basis, consent or ALL)
    redaction.validate_payload(payload)
    assert_payload_follows(payload, category_decisions(sector, basis, ALL, consent), sector, basis)


# --- Reasons ----------------------------------------------------------------------------------


def test_policy_precedes_agreement_precedes_consent():
    agreement = ALL - {"health_notes", "needs", "contact"}
    consent = ALL - {"contact", "indicators"}
    decisions = category_decisions(Sector.NGO, LegalBasis.CONSENT, agreement, consent)
    assert (decisions["health_notes"].action, decisions["health_notes"].reason) == ("withhold", "policy")
    assert decisions["needs"].reason == "agreement"
    assert decisions["contact"].reason == "agreement", "the agreement is named before the consent"
    assert decisions["indicators"].reason == "consent"
    assert decisions["legal_notes"] == redaction.Decision("include")
    payload = build(Sector.NGO, LegalBasis.CONSENT, consent, agreement)
    entries = manifest(payload)
    assert entries["needs"] == ("needs", "withheld", "agreement")
    assert entries["indicators"] == ("indicators", "withheld", "consent")
    assert entries[f"persons[{tok('person', MINOR)}].phone"] == ("contact", "withheld", "agreement")
    assert_payload_follows(payload, decisions, Sector.NGO)


def test_emergency_and_mandatory_report_ignore_consent_but_not_the_agreement():
    agreement = ALL - {"indicators"}
    for basis in (LegalBasis.EMERGENCY, LegalBasis.MANDATORY_REPORT):
        decisions = category_decisions(Sector.CHILD_WELFARE, basis, agreement, None)
        assert decisions["indicators"] == redaction.Decision("withhold", "agreement")
        assert decisions["identity"] == redaction.Decision("include")


def test_consent_implies_the_case_summary():
    decisions = category_decisions(Sector.NGO, LegalBasis.CONSENT, ALL, frozenset())
    assert decisions["case_summary"] == redaction.Decision("include")
    assert {c for c, d in decisions.items() if d.shared} == {"case_summary"}
    payload = build(Sector.NGO, LegalBasis.CONSENT, frozenset())
    assert payload["categories"] == ["case_summary"]
    assert payload["case"]["reference"] == "HH-2026-00042"
    assert [set(p) for p in payload["persons"]] == [{"id", "role"}] * 3


def test_an_agreement_without_the_case_summary_is_refused():
    with pytest.raises(ValueError, match="case_summary"):
        build(Sector.NGO, LegalBasis.EMERGENCY, agreement=ALL - {"case_summary"})


def test_consent_basis_needs_consent_categories():
    with pytest.raises(ValueError, match="consent_categories"):
        ShareContext(None, 1, PROVIDER, RECIPIENTS["ngo"], "services", "consent", ALL, None, "k")
    with pytest.raises(ValueError, match="consent_categories"):
        category_decisions(Sector.NGO, LegalBasis.CONSENT, ALL, None)
    with pytest.raises(ValueError, match="Unknown data categories"):
        ShareContext(None, 1, PROVIDER, RECIPIENTS["ngo"], "services", "emergency", {"names"}, None, "k")
    with pytest.raises(ValueError, match="legal basis"):
        ShareContext(None, 1, PROVIDER, RECIPIENTS["ngo"], "services", "hunch", ALL, None, "k")


# --- Concrete scenarios -----------------------------------------------------------------------


def test_law_enforcement_under_consent_without_identity():
    payload = build(Sector.LAW_ENFORCEMENT, LegalBasis.CONSENT, NO_IDENTITY)
    minor, adult, suspect = (person(payload, p, "law_enforcement") for p in (MINOR, ADULT, SUSPECT))
    minor_token = tok("person", MINOR, "law_enforcement")
    assert minor == {
        "id": minor_token,
        "role": "survivor",
        "pseudonym": minor_token,
        "gender": "female",
        "languages": ["ro", "en"],
        "nationality": "Romania",
        "age_band": "13-15",
    }
    assert adult["pseudonym"] == adult["id"] and adult["age_band"] == "25-34" and "given_name" not in adult
    assert suspect == {
        "id": tok("person", SUSPECT, "law_enforcement"),
        "role": "suspect",
        "given_name": "Susgiven",
        "family_name": "Susfamily",
        "aliases": ["Susalias"],
        "date_of_birth": "1985-01-02",
        "gender": "male",
        "languages": ["en"],
        "nationality": "Canada",
        "age_band": "35+",
    }
    dumped = json.dumps(payload)
    for secret in (
        "Minagiven",
        "Minafamily",
        "Minalias",
        "2012-05-17",
        "Adugiven",
        "+40721000111",
        "Minor Street",
    ):
        assert secret not in dumped
    assert [n["body"] for n in payload["notes"]] == [NOTES["law_enforcement"].body, AMENDMENT.body]
    assert (
        payload["notes"][1]["amends"]
        == payload["notes"][0]["id"]
        == tok("note", NOTES["law_enforcement"], "law_enforcement")
    )
    assert "needs" not in payload
    assert [i["value"] for i in payload["indicators"]] == ["https://ads.example/listing/77", "recruiter_99"]
    assert payload["categories"] == ["case_summary", "identity", "demographics", "le_notes", "indicators"]
    entries = manifest(payload)
    assert entries[f"persons[{minor_token}].given_name"] == ("identity", "pseudonymised", "policy")
    assert entries[f"persons[{minor_token}].date_of_birth"] == ("identity", "withheld", "policy")
    assert entries[f"persons[{minor_token}].phone"] == ("contact", "withheld", "policy")
    assert entries[f"persons[{minor_token}].age"] == ("demographics", "generalised", "policy")
    assert f"persons[{suspect['id']}].given_name" not in entries
    assert entries["needs"] == ("needs", "withheld", "policy")
    assert entries["notes[sensitivity=general]"] == ("general_notes", "withheld", "policy")


def test_law_enforcement_in_an_emergency_gets_identity_and_contact_but_an_age_band():
    payload = build(Sector.LAW_ENFORCEMENT, LegalBasis.EMERGENCY)
    minor = person(payload, MINOR, "law_enforcement")
    assert minor["given_name"] == "Minagiven" and minor["date_of_birth"] == "2012-05-17"
    assert (minor["phone"], minor["email"], minor["address"]) == (
        "+40721000111",
        "minor@example.org",
        "1 Minor Street",
    )
    assert "age" not in minor and minor["age_band"] == "13-15" and "pseudonym" not in minor


def test_law_enforcement_mandatory_report_names_but_no_contact():
    payload = build(Sector.LAW_ENFORCEMENT, LegalBasis.MANDATORY_REPORT)
    minor = person(payload, MINOR, "law_enforcement")
    assert minor["given_name"] == "Minagiven" and "phone" not in minor and "address" not in minor


def test_law_enforcement_without_identity_in_the_agreement_names_nobody():
    payload = build(Sector.LAW_ENFORCEMENT, LegalBasis.EMERGENCY, agreement=ALL - {"identity"})
    suspect = person(payload, SUSPECT, "law_enforcement")
    assert "given_name" not in suspect and "pseudonym" not in suspect
    assert manifest(payload)[f"persons[{suspect['id']}].given_name"] == ("identity", "withheld", "agreement")
    assert "Susgiven" not in json.dumps(payload)


def test_health_never_receives_suspects():
    payload = build(Sector.HEALTH, LegalBasis.CONSENT)
    assert [p["role"] for p in payload["persons"]] == ["survivor", "survivor"]
    suspect_token = tok("person", SUSPECT, "health")
    assert manifest(payload)[f"persons[{suspect_token}]"] == ("identity", "withheld", "policy")
    dumped = json.dumps(payload)
    for secret in ("Susgiven", "Susfamily", "+12025550199", "suspect@example.org", "Suspect Road", "Canada"):
        assert secret not in dumped
    assert {n["sensitivity"] for n in payload["notes"]} == {"general", "health"}
    assert "indicators" not in payload and payload["needs"]
    assert person(payload, MINOR, "health")["given_name"] == "Minagiven"


def test_ngo_under_full_consent():
    payload = build(Sector.NGO, LegalBasis.CONSENT)
    minor = person(payload, MINOR, "ngo")
    assert minor == {
        "id": tok("person", MINOR),
        "role": "survivor",
        "given_name": "Minagiven",
        "family_name": "Minafamily",
        "aliases": ["Minalias"],
        "date_of_birth": "2012-05-17",
        "phone": "+40721000111",
        "email": "minor@example.org",
        "address": "1 Minor Street",
        "gender": "female",
        "languages": ["ro", "en"],
        "nationality": "Romania",
        "age": 13,
        "age_band": "13-15",
    }
    assert person(payload, SUSPECT, "ngo")["given_name"] == "Susgiven"
    assert {n["sensitivity"] for n in payload["notes"]} == {"general", "legal"}
    assert payload["needs"] == [
        {
            "id": tok("need", NEEDS[0]),
            "kind": "shelter",
            "status": "referred",
            "detail": "Shelter need detail",
        },
        {
            "id": tok("need", NEEDS[1]),
            "kind": "medical",
            "status": "identified",
            "detail": "Medical need detail",
        },
    ]
    assert payload["case"] == {
        "reference": "HH-2026-00042",
        "case_type": "sex_trafficking",
        "priority": "imminent",
        "status": "open",
        "opened_on": "2026-02-01",
        "involves_minor": True,
    }
    assert payload["schema"] == "casebridge.shared-case/v1"
    assert payload["source_organization"] == {"slug": "hope-house", "name": "Hope House", "sector": "ngo"}
    assert payload["recipient_organization"]["slug"] == "safe-haven"
    assert payload["generated_at"] == "2026-03-01T12:00:00+00:00"
    # Everything included for the consenting person and the suspect; the adult survivor gave no
    # consent, so only a token and generalised demographics of theirs leave.
    adult = tok("person", ADULT)
    assert set(manifest(payload)) == {
        "case.title",
        "notes[sensitivity=health]",
        "notes[sensitivity=law_enforcement]",
        "notes[sensitivity=restricted]",
        *(f"persons[{adult}].{field}" for field in ("given_name", "family_name", "aliases", "date_of_birth")),
        *(f"persons[{adult}].{field}" for field in ("phone", "email", "address", "age")),
    }
    assert {e[2] for path, e in manifest(payload).items() if adult in path} == {"consent"}
    assert person(payload, ADULT, "ngo") == {
        "id": adult, "role": "survivor", "pseudonym": adult, "gender": "male", "languages": ["es"],
        "nationality": "Peru", "age_band": "25-34",
    }  # fmt: skip


def test_other_sector_is_conservative_under_every_basis():
    for basis in LegalBasis.values:
        payload = build(Sector.OTHER, basis)
        for data in CASE.persons:
            shown = person(payload, data, "other")
            assert shown["pseudonym"] == shown["id"] and "given_name" not in shown and "phone" not in shown
            assert "age" not in shown
        assert "notes" not in payload and "indicators" not in payload and payload["needs"]


def test_restricted_notes_manifest_entry_only_when_such_notes_exist():
    case = CaseData(**{**CASE.__dict__, "notes": (NOTES["general"],)})
    payload = build(Sector.NGO, LegalBasis.CONSENT, case=case)
    assert "notes[sensitivity=restricted]" not in manifest(payload)
    # Category-level entries for withheld categories are there whether or not data exists.
    empty = CaseData(**{**CASE.__dict__, "persons": (), "notes": (), "needs": (), "indicators": ()})
    payload = build(Sector.LAW_ENFORCEMENT, LegalBasis.CONSENT, case=empty)
    assert {"needs", "notes[sensitivity=general]", "case.title"} <= set(manifest(payload))
    assert payload["persons"] == [] and payload["notes"] == [] and payload["indicators"] == []


@pytest.mark.parametrize(
    ("age", "band"),
    [(None, None), (0, "0-12"), (12, "0-12"), (13, "13-15"), (15, "13-15"), (16, "16-17"), (17, "16-17"),
     (18, "18-24"), (24, "18-24"), (25, "25-34"), (34, "25-34"), (35, "35+"), (90, "35+")],
)  # fmt: skip
def test_age_bands(age, band):
    assert redaction.age_band(age) == band


# --- Tokens -----------------------------------------------------------------------------------


def test_tokens_are_stable_per_recipient_and_differ_across_recipients():
    first = build(Sector.NGO, LegalBasis.CONSENT)
    again = build(Sector.NGO, LegalBasis.CONSENT, version=2)
    assert [p["id"] for p in first["persons"]] == [p["id"] for p in again["persons"]]
    assert [n["id"] for n in first["notes"]] == [n["id"] for n in again["notes"]]
    other_ngo = OrgRef(id=99, slug="other-ngo", name="Other NGO", sector=Sector.NGO)
    elsewhere = build(Sector.NGO, LegalBasis.CONSENT, recipient=other_ngo)
    assert not {p["id"] for p in first["persons"]} & {p["id"] for p in elsewhere["persons"]}
    assert not {n["id"] for n in first["needs"]} & {n["id"] for n in elsewhere["needs"]}
    rekeyed = build(Sector.NGO, LegalBasis.CONSENT, key="another-key")
    assert not {p["id"] for p in first["persons"]} & {p["id"] for p in rekeyed["persons"]}
    prefixes = {
        "persons": "p_",
        "notes": "n_",
        "needs": "s_",
        "indicators": "i_",
    }
    for key, prefix in prefixes.items():
        for item in first[key]:
            assert item["id"].startswith(prefix) and len(item["id"]) == 22
    assert len({p["id"] for p in first["persons"]}) == 3


def test_payload_is_deterministic():
    one = build(Sector.CHILD_WELFARE, LegalBasis.MANDATORY_REPORT, share_id=str(uuid.UUID(int=7)), version=3)
    two = build(Sector.CHILD_WELFARE, LegalBasis.MANDATORY_REPORT, share_id=str(uuid.UUID(int=7)), version=3)
    assert json.dumps(one) == json.dumps(two)
    assert one["share_id"] == str(uuid.UUID(int=7)) and one["version"] == 3


def test_naive_generated_at_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        build_payload(CASE, ctx(Sector.NGO), generated_at=NOW.replace(tzinfo=None))


# --- The schema -------------------------------------------------------------------------------


def _tampered(payload, change):
    tampered = copy.deepcopy(payload)
    change(tampered)
    return tampered


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: p.update(extra="x"), id="extra top-level field"),
        pytest.param(lambda p: p["persons"][0].update(ssn="123"), id="extra person field"),
        pytest.param(lambda p: p["case"].update(title="Named"), id="case title"),
        pytest.param(lambda p: p["notes"][0].update(sensitivity="restricted"), id="restricted note"),
        pytest.param(lambda p: p["notes"][0].update(sensitivity="health"), id="note category not shared"),
        pytest.param(lambda p: p.update(needs=[]) if "needs" not in p else p.pop("needs"), id="needs mismatch"),
        pytest.param(lambda p: p["persons"][0].update(given_name="Minagiven"), id="pseudonym and name"),
        pytest.param(lambda p: p["persons"][0].update(phone="+40721000111"), id="contact not shared"),
        pytest.param(lambda p: p["persons"][0].pop("age_band"), id="demographics incomplete"),
        pytest.param(lambda p: p["persons"][0].update(id=str(MINOR.id)), id="internal uuid as id"),
        pytest.param(lambda p: p["redaction_manifest"][0].update(action="hidden"), id="manifest action"),
        pytest.param(lambda p: p["categories"].remove("case_summary"), id="no case summary"),
        pytest.param(lambda p: p.update(generated_at="yesterday"), id="bad date-time"),
        pytest.param(lambda p: p["case"].update(opened_on="2026-02-30"), id="bad date"),
        pytest.param(lambda p: p["case"].update(priority="urgent"), id="unknown priority"),
        pytest.param(lambda p: p.update(share_id="not-a-uuid"), id="share id"),
    ],
)
def test_tampered_payloads_fail_validation(change):
    payload = build(Sector.LAW_ENFORCEMENT, LegalBasis.CONSENT, NO_IDENTITY)
    redaction.validate_payload(payload)
    with pytest.raises(jsonschema.ValidationError):
        redaction.validate_payload(_tampered(payload, change))


def test_health_payload_with_a_suspect_fails_validation():
    payload = build(Sector.HEALTH, LegalBasis.CONSENT)
    payload["persons"][0]["role"] = "suspect"
    with pytest.raises(jsonschema.ValidationError):
        redaction.validate_payload(payload)


def test_schema_is_valid_and_its_enums_match_the_choices():
    schema = redaction.load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "https://casebridge.example/schemas/shared-case-v1.json"
    defs, props = schema["$defs"], schema["properties"]
    assert props["purpose"]["enum"] == Purpose.values
    assert props["legal_basis"]["enum"] == LegalBasis.values
    assert props["categories"]["items"]["enum"] == DataCategory.values
    assert defs["organization"]["properties"]["sector"]["enum"] == Sector.values
    case = props["case"]["properties"]
    assert (case["case_type"]["enum"], case["priority"]["enum"], case["status"]["enum"]) == (
        CaseType.values,
        Priority.values,
        CaseStatus.values,
    )
    assert defs["person"]["properties"]["role"]["enum"] == PersonRole.values
    assert defs["note"]["properties"]["sensitivity"]["enum"] == [s for s in Sensitivity.values if s != "restricted"]
    assert defs["need"]["properties"]["kind"]["enum"] == NeedKind.values
    assert defs["need"]["properties"]["status"]["enum"] == NeedStatus.values
    assert defs["indicator"]["properties"]["kind"]["enum"] == IndicatorKind.values
    assert defs["manifest_entry"]["properties"]["category"]["enum"] == [*DataCategory.values, "restricted"]
    assert defs["person"]["properties"]["age_band"]["enum"] == [
        "0-12",
        "13-15",
        "16-17",
        "18-24",
        "25-34",
        "35+",
        None,
    ]
    # additionalProperties: false on every object of the schema.
    objects = [schema, *(d for d in defs.values() if d.get("type") == "object"), props["case"]]
    assert all(o["additionalProperties"] is False for o in objects)


def test_revocation_event():
    body = redaction.revocation_event(share_id=uuid.UUID(int=5), version=2, reason="consent_withdrawn", revoked_at=NOW)
    assert body == {
        "schema": "casebridge.shared-case/v1",
        "type": "share.revoked",
        "share_id": str(uuid.UUID(int=5)),
        "version": 2,
        "reason": "consent_withdrawn",
        "revoked_at": "2026-03-01T12:00:00+00:00",
    }
    for bad in ({**body, "payload": {}}, {**body, "type": "share.version"}, {**body, "reason": ""}):
        with pytest.raises(jsonschema.ValidationError):
            redaction.validate_revocation(bad)
    with pytest.raises(jsonschema.ValidationError):
        redaction.validate_payload(body)


def test_the_documented_examples_validate():
    doc = (redaction.SCHEMA_PATH.parents[2] / "docs" / "shared-case-v1.md").read_text(encoding="utf-8")
    blocks = [json.loads(b.split("```", 1)[0]) for b in doc.split("```json\n")[1:]]
    events = [b for b in blocks if b.get("type") == "share.revoked"]
    payloads = [b for b in blocks if "redaction_manifest" in b]
    assert events and payloads
    for event in events:
        redaction.validate_revocation(event)
    for payload in payloads:
        redaction.validate_payload(payload)
