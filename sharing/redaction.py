"""The redaction engine: what a recipient organization receives of a case (SPEC, Sharing).

One pure module used by the preview and by the delivery task alike, so that the requester sees
exactly the payload that will be sent. No database access and no model imports: it works on the
frozen snapshot of ``sharing.snapshot`` and a ``ShareContext``; the same inputs always give the
same payload. Authorization and the choice of agreement and consent are the caller's job (the
sharing services); this module only applies them.

Rules, where the SPEC leaves room:

* The categories shared are the sector matrix ∩ the agreement ∩ the consent (``consent`` basis)
  or the matrix ∩ the agreement (``emergency``, ``mandatory_report``). A withheld category's
  reason is ``policy`` when the matrix withholds it, else ``agreement`` when the agreement lacks
  it, else ``consent``.
* ``case_summary`` is implied by any consent: a share without its reference is meaningless. An
  agreement that lacks it makes ``build_payload`` raise ``ValueError("case_summary")``; the
  service refuses such a share before it gets here.
* Pseudonymisation (``P``) discloses nothing about a person but a token, so it needs the
  agreement to cover ``identity`` but not the consent: for ``law_enforcement`` under a consent
  that does not name ``identity``, identity stays at the matrix default ``P`` (as the SPEC table
  reads) instead of being withheld. Generalised demographics still disclose gender, languages,
  nationality and an age band, so they need the consent like any included category.
* Sector ``other`` is not in the SPEC table; it gets the most conservative row: case_summary ✓,
  identity P, contact ✗, demographics G, needs ✓, every note category and indicators ✗, whatever
  the legal basis.
* Suspects: for ``law_enforcement`` a suspect's identity is never pseudonymised — given in full
  whenever the agreement covers ``identity`` (it is the point of the share); their contact and
  demographics follow the matrix like anyone's. For ``health`` suspects are left out entirely.
* Generalised demographics: ``age`` is replaced by ``age_band`` (manifest action
  ``generalised``); the exact date of birth is identity data and follows ``identity``; the
  address is contact data and follows ``contact``.
* Whose data a basis covers (SPEC, "Whose data a basis covers") is decided per person, see
  ``person_decisions``: ``consent`` covers the consent's person; ``mandatory_report`` the minors;
  ``emergency`` the survivors and the minors. Anyone else (suspects apart, who follow the matrix)
  is covered only by a valid consent of their own for the same recipient and purpose; otherwise
  their identity is at most pseudonymised, their contact withheld and their demographics at most
  generalised — never more than a covered person would get — with reason ``consent`` under the
  consent basis and ``policy`` under the others.
* The case ``title`` is free text that may name people: it is never shared.
* ``restricted`` notes never leave the organization.

Every object in the payload is named by a pseudonymous token, an HMAC of (recipient org, kind,
object id): stable for one recipient across versions, unlinkable across recipients. Internal
UUIDs never appear. The payload is validated against the published JSON Schema before it is
returned: a partner never receives a payload that contradicts it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import jsonschema
from django.conf import settings
from referencing import Registry, Resource

from accounts.choices import Sector
from casework.choices import PersonRole, Sensitivity
from sharing.choices import DataCategory, LegalBasis, Purpose

if TYPE_CHECKING:
    from sharing.snapshot import CaseData, ConsentData, PersonData

SCHEMA = "casebridge.shared-case/v1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "shared-case-v1.json"
REVOCATION_TYPE = "share.revoked"

# Decision actions (what the engine does) and manifest actions (what the recipient is told).
INCLUDE = "include"
PSEUDONYMISE = "pseudonymise"
GENERALISE = "generalise"
WITHHOLD = "withhold"
ACTIONS = (INCLUDE, PSEUDONYMISE, GENERALISE, WITHHOLD)
WITHHELD = "withheld"
PSEUDONYMISED = "pseudonymised"
GENERALISED = "generalised"

POLICY = "policy"
AGREEMENT = "agreement"
CONSENT = "consent"

# The manifest's category for restricted notes: not a data category, since they never leave.
RESTRICTED = "restricted"

C = DataCategory
Y, P, G, N = INCLUDE, PSEUDONYMISE, GENERALISE, WITHHOLD  # ✓ P G ✗, as in the SPEC table
_CATEGORY_ORDER = tuple(C.values)

# The default redaction matrix by recipient sector (SPEC table; `other` is ours, see above).
# Law enforcement's exceptions by legal basis are applied in ``matrix_action``.
MATRIX: dict[str, dict[str, str]] = {
    Sector.NGO: {
        C.CASE_SUMMARY: Y, C.IDENTITY: Y, C.CONTACT: Y, C.DEMOGRAPHICS: Y, C.NEEDS: Y,
        C.GENERAL_NOTES: Y, C.HEALTH_NOTES: N, C.LEGAL_NOTES: Y, C.LE_NOTES: N, C.INDICATORS: Y,
    },
    Sector.HEALTH: {
        C.CASE_SUMMARY: Y, C.IDENTITY: Y, C.CONTACT: Y, C.DEMOGRAPHICS: Y, C.NEEDS: Y,
        C.GENERAL_NOTES: Y, C.HEALTH_NOTES: Y, C.LEGAL_NOTES: N, C.LE_NOTES: N, C.INDICATORS: N,
    },
    Sector.LAW_ENFORCEMENT: {
        C.CASE_SUMMARY: Y, C.IDENTITY: P, C.CONTACT: N, C.DEMOGRAPHICS: G, C.NEEDS: N,
        C.GENERAL_NOTES: N, C.HEALTH_NOTES: N, C.LEGAL_NOTES: N, C.LE_NOTES: Y, C.INDICATORS: Y,
    },
    Sector.CHILD_WELFARE: {
        C.CASE_SUMMARY: Y, C.IDENTITY: Y, C.CONTACT: Y, C.DEMOGRAPHICS: Y, C.NEEDS: Y,
        C.GENERAL_NOTES: Y, C.HEALTH_NOTES: N, C.LEGAL_NOTES: Y, C.LE_NOTES: N, C.INDICATORS: Y,
    },
    Sector.OTHER: {
        C.CASE_SUMMARY: Y, C.IDENTITY: P, C.CONTACT: N, C.DEMOGRAPHICS: G, C.NEEDS: Y,
        C.GENERAL_NOTES: N, C.HEALTH_NOTES: N, C.LEGAL_NOTES: N, C.LE_NOTES: N, C.INDICATORS: N,
    },
}  # fmt: skip

# Every person field the payload can carry, and its category. ``age_band`` is the form ``age``
# takes when generalised, so it is reported under ``age``.
PERSON_FIELDS: dict[str, str] = {
    "given_name": C.IDENTITY,
    "family_name": C.IDENTITY,
    "aliases": C.IDENTITY,
    "date_of_birth": C.IDENTITY,
    "phone": C.CONTACT,
    "email": C.CONTACT,
    "address": C.CONTACT,
    "gender": C.DEMOGRAPHICS,
    "languages": C.DEMOGRAPHICS,
    "nationality": C.DEMOGRAPHICS,
    "age": C.DEMOGRAPHICS,
}
PERSON_CATEGORIES = frozenset(PERSON_FIELDS.values())
# The names a pseudonym replaces; the exact date of birth is withheld instead.
PSEUDONYMISED_FIELDS = ("given_name", "family_name", "aliases")

NOTE_CATEGORY: dict[str, str] = {
    Sensitivity.GENERAL: C.GENERAL_NOTES,
    Sensitivity.HEALTH: C.HEALTH_NOTES,
    Sensitivity.LEGAL: C.LEGAL_NOTES,
    Sensitivity.LAW_ENFORCEMENT: C.LE_NOTES,
}

AGE_BANDS = ((0, 12, "0-12"), (13, 15, "13-15"), (16, 17, "16-17"), (18, 24, "18-24"), (25, 34, "25-34"))
AGE_BAND_OPEN = "35+"

_TOKEN_PREFIX = {"person": "p_", "note": "n_", "need": "s_", "indicator": "i_"}
_TOKEN_LENGTH = 20


@dataclass(frozen=True)
class OrgRef:
    """An organization as the payload names it; ``id`` only feeds the tokens."""

    id: int
    slug: str
    name: str
    sector: str


@dataclass(frozen=True)
class ShareContext:
    """Everything about a share that shapes its payload. ``share_id`` is None for a preview."""

    share_id: str | None
    version: int
    provider: OrgRef
    recipient: OrgRef
    purpose: str
    legal_basis: str
    agreement_categories: frozenset[str]
    consent_categories: frozenset[str] | None
    pseudonym_key: str
    # The person whose consent is the share's basis (``consent`` basis only).
    consent_person_id: UUID | str | None = None

    def __post_init__(self) -> None:
        # Accept any iterable of categories, keep frozensets, and refuse what is not a category.
        object.__setattr__(self, "agreement_categories", frozenset(self.agreement_categories))
        if self.consent_categories is not None:
            object.__setattr__(self, "consent_categories", frozenset(self.consent_categories))
        if self.legal_basis not in LegalBasis.values:
            raise ValueError(f"Unknown legal basis {self.legal_basis!r}.")
        if self.legal_basis == LegalBasis.CONSENT and self.consent_categories is None:
            raise ValueError("consent_categories are required when the legal basis is consent.")
        if self.legal_basis != LegalBasis.CONSENT and self.consent_person_id is not None:
            raise ValueError("consent_person_id belongs to a share on the basis of consent.")
        if self.consent_person_id is not None:
            object.__setattr__(self, "consent_person_id", str(self.consent_person_id))
        if self.purpose not in Purpose.values:
            raise ValueError(f"Unknown purpose {self.purpose!r}.")
        for org in (self.provider, self.recipient):
            if org.sector not in Sector.values:
                raise ValueError(f"Unknown sector {org.sector!r}.")
        _check_categories(self.agreement_categories)
        _check_categories(self.consent_categories or ())
        if not self.pseudonym_key:
            raise ValueError("A pseudonym key is required.")


@dataclass(frozen=True)
class Decision:
    """What happens to one category: ``action`` and, unless included, ``reason``."""

    action: str
    reason: str | None = None

    @property
    def shared(self) -> bool:
        """Whether the category reaches the recipient in any form."""
        return self.action != WITHHOLD


def _check_categories(categories: Iterable[str]) -> None:
    unknown = set(categories) - set(_CATEGORY_ORDER)
    if unknown:
        raise ValueError(f"Unknown data categories: {', '.join(sorted(unknown))}.")


def pseudonym_key() -> str:
    """The deployment's pseudonym key, derived from ``CASEBRIDGE_SIGNING_KEY``.

    Derived rather than the signing key itself, so that pseudonyms and indicator fingerprints
    are keyed apart. Preview and delivery must use the same key, or tokens would differ.
    """
    return hmac.new(settings.CASEBRIDGE_SIGNING_KEY.encode(), b"casebridge.pseudonym/v1", hashlib.sha256).hexdigest()


def matrix_action(sector: str, category: str, legal_basis: str, consent_categories=None) -> str:
    """The default matrix's action for ``category`` to a ``sector`` recipient under ``legal_basis``."""
    action = MATRIX[sector][category]
    if sector == Sector.LAW_ENFORCEMENT:
        if category == C.IDENTITY and (
            legal_basis in (LegalBasis.EMERGENCY, LegalBasis.MANDATORY_REPORT)
            or (legal_basis == LegalBasis.CONSENT and C.IDENTITY in (consent_categories or ()))
        ):
            action = INCLUDE
        elif category == C.CONTACT and legal_basis == LegalBasis.EMERGENCY:
            action = INCLUDE
    return action


def category_decisions(
    sector: str,
    legal_basis: str,
    agreement_categories: Iterable[str],
    consent_categories: Iterable[str] | None,
) -> dict[str, Decision]:
    """The decision for every data category, in ``DataCategory`` order.

    Reason precedence: the matrix (``policy``), then the agreement, then the consent.
    """
    if sector not in MATRIX:
        raise ValueError(f"Unknown sector {sector!r}.")
    if legal_basis not in LegalBasis.values:
        raise ValueError(f"Unknown legal basis {legal_basis!r}.")
    agreement = frozenset(agreement_categories)
    consent = frozenset(consent_categories) if consent_categories is not None else None
    if legal_basis == LegalBasis.CONSENT and consent is None:
        raise ValueError("consent_categories are required when the legal basis is consent.")
    decisions = {}
    for category in _CATEGORY_ORDER:
        action = matrix_action(sector, category, legal_basis, consent)
        if action == WITHHOLD:
            decisions[category] = Decision(WITHHOLD, POLICY)
        elif category not in agreement:
            decisions[category] = Decision(WITHHOLD, AGREEMENT)
        elif (
            legal_basis == LegalBasis.CONSENT
            and category != C.CASE_SUMMARY  # implied by any consent
            and action != PSEUDONYMISE  # a token discloses nothing; see the module docstring
            and category not in consent
        ):
            decisions[category] = Decision(WITHHOLD, CONSENT)
        else:
            decisions[category] = Decision(action, None if action == INCLUDE else POLICY)
    return decisions


# What a person the basis does not cover can get at most, per category: a token for a name, no
# contact, an age band instead of an age.
_UNCOVERED_CAP = {C.IDENTITY: PSEUDONYMISE, C.CONTACT: WITHHOLD, C.DEMOGRAPHICS: GENERALISE}
# How much each action discloses, to keep the lesser of two.
_DISCLOSURE = {WITHHOLD: 0, PSEUDONYMISE: 1, GENERALISE: 1, INCLUDE: 2}


def consent_covers(consent: ConsentData, ctx: ShareContext, at: datetime) -> bool:
    """Whether ``consent`` is valid at ``at`` for the share's recipient and purpose."""
    return (
        consent.withdrawn_at is None
        and consent.given_at <= at
        and (consent.expires_at is None or consent.expires_at > at)
        and consent.purpose == ctx.purpose
        and (ctx.recipient.sector in consent.scope_sectors or ctx.recipient.id in consent.scope_organization_ids)
    )


def own_consent_categories(person: PersonData, case: CaseData, ctx: ShareContext, at: datetime) -> frozenset | None:
    """The categories a person's own valid consents release to this recipient for this purpose,
    or None when they gave none."""
    found = [c.categories for c in case.consents if c.person_id == person.id and consent_covers(c, ctx, at)]
    return frozenset().union(*found) if found else None


def basis_covers(person: PersonData, ctx: ShareContext) -> bool:
    """Whether the share's legal basis itself discloses ``person`` (SPEC, "Whose data a basis covers")."""
    if ctx.legal_basis == LegalBasis.CONSENT:
        return ctx.consent_person_id is not None and str(person.id) == ctx.consent_person_id
    if ctx.legal_basis == LegalBasis.MANDATORY_REPORT:
        return person.is_minor
    return person.is_minor or person.role == PersonRole.SURVIVOR  # emergency


def _uncovered(decisions: dict[str, Decision], reason: str) -> dict[str, Decision]:
    """The share's decisions lowered to what a person the basis does not cover may get."""
    lowered = dict(decisions)
    for category, cap in _UNCOVERED_CAP.items():
        decision = decisions[category]
        if _DISCLOSURE[decision.action] > _DISCLOSURE[cap]:
            lowered[category] = Decision(cap, reason)
    return lowered


def person_decisions(
    person: PersonData, case: CaseData, ctx: ShareContext, decisions: dict[str, Decision], at: datetime
) -> dict[str, Decision]:
    """The decisions for one person's identity, contact and demographics.

    ``decisions`` are the share's (matrix ∩ agreement ∩ the basis consent): they apply to the
    people the basis covers and to suspects, who follow the matrix. A person the basis does not
    cover but whose own consent does is decided as a consent share with their categories; anyone
    else gets ``_uncovered``.
    """
    if person.role == PersonRole.SUSPECT:
        return decisions
    own = own_consent_categories(person, case, ctx, at)
    if basis_covers(person, ctx):
        if ctx.legal_basis == LegalBasis.CONSENT and own is not None:
            return category_decisions(
                ctx.recipient.sector, LegalBasis.CONSENT, ctx.agreement_categories, ctx.consent_categories | own
            )
        return decisions
    if own is not None:
        return category_decisions(ctx.recipient.sector, LegalBasis.CONSENT, ctx.agreement_categories, own)
    return _uncovered(decisions, CONSENT if ctx.legal_basis == LegalBasis.CONSENT else POLICY)


def age_band(age: int | None) -> str | None:
    """``0-12``, ``13-15``, ``16-17``, ``18-24``, ``25-34``, ``35+``; None when the age is unknown."""
    if age is None or age < 0:
        return None
    for low, high, band in AGE_BANDS:
        if low <= age <= high:
            return band
    return AGE_BAND_OPEN


def token(key: str, recipient_id: int, kind: str, object_id: UUID | str) -> str:
    """A pseudonymous token for an object, stable per (recipient organization, object)."""
    message = f"{recipient_id}:{kind}:{object_id}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
    return _TOKEN_PREFIX[kind] + digest[:_TOKEN_LENGTH]


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("Datetimes in a payload must be timezone-aware.")
    return moment.astimezone(UTC).isoformat()


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _entry(path: str, category: str, action: str, reason: str) -> dict[str, str]:
    return {"path": path, "category": category, "action": action, "reason": reason}


def _org(org: OrgRef) -> dict[str, str]:
    return {"slug": org.slug, "name": org.name, "sector": org.sector}


def _person(
    person: PersonData, ctx: ShareContext, decisions: dict[str, Decision]
) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """A person as the recipient sees them (None if left out), and the manifest entries."""
    person_token = token(ctx.pseudonym_key, ctx.recipient.id, "person", person.id)
    path = f"persons[{person_token}]"
    sector = ctx.recipient.sector
    if sector == Sector.HEALTH and person.role == PersonRole.SUSPECT:
        return None, [_entry(path, C.IDENTITY, WITHHELD, POLICY)]

    out: dict[str, Any] = {"id": person_token, "role": person.role}
    manifest: list[dict[str, str]] = []

    def withhold(category: str, reason: str | None, fields: Iterable[str] | None = None) -> None:
        for name in fields or [f for f, c in PERSON_FIELDS.items() if c == category]:
            manifest.append(_entry(f"{path}.{name}", category, WITHHELD, reason or POLICY))

    identity = decisions[C.IDENTITY]
    if identity.action == PSEUDONYMISE and sector == Sector.LAW_ENFORCEMENT and person.role == PersonRole.SUSPECT:
        identity = Decision(INCLUDE)
    if identity.action == INCLUDE:
        out["given_name"] = person.given_name
        out["family_name"] = person.family_name
        out["aliases"] = list(person.aliases)
        out["date_of_birth"] = _day(person.date_of_birth)
    elif identity.action == PSEUDONYMISE:
        out["pseudonym"] = person_token
        for name in PSEUDONYMISED_FIELDS:
            manifest.append(_entry(f"{path}.{name}", C.IDENTITY, PSEUDONYMISED, identity.reason or POLICY))
        withhold(C.IDENTITY, identity.reason, ["date_of_birth"])
    else:
        withhold(C.IDENTITY, identity.reason)

    contact = decisions[C.CONTACT]
    if contact.action == INCLUDE:
        out["phone"] = person.phone
        out["email"] = person.email
        out["address"] = person.address
    else:
        withhold(C.CONTACT, contact.reason)

    demographics = decisions[C.DEMOGRAPHICS]
    if demographics.action in (INCLUDE, GENERALISE):
        out["gender"] = person.gender
        out["languages"] = list(person.languages)
        out["nationality"] = person.nationality
        if demographics.action == INCLUDE:
            out["age"] = person.age
        else:
            manifest.append(_entry(f"{path}.age", C.DEMOGRAPHICS, GENERALISED, demographics.reason or POLICY))
        out["age_band"] = age_band(person.age)
    else:
        withhold(C.DEMOGRAPHICS, demographics.reason)
    return out, manifest


def build_payload(case: CaseData, ctx: ShareContext, *, generated_at: datetime) -> dict[str, Any]:
    """The complete, schema-valid payload of ``case`` for the share described by ``ctx``.

    Deterministic: the same snapshot, context and ``generated_at`` give the same payload.
    Raises ``ValueError("case_summary")`` if the agreement does not cover the case summary, and
    ``jsonschema.ValidationError`` if the result would contradict the published schema.
    """
    decisions = category_decisions(
        ctx.recipient.sector, ctx.legal_basis, ctx.agreement_categories, ctx.consent_categories
    )
    if not decisions[C.CASE_SUMMARY].shared:
        raise ValueError("case_summary")
    key, recipient_id = ctx.pseudonym_key, ctx.recipient.id
    manifest = [_entry("case.title", C.CASE_SUMMARY, WITHHELD, POLICY)]

    payload: dict[str, Any] = {
        "schema": SCHEMA,
        "share_id": str(ctx.share_id) if ctx.share_id is not None else None,
        "version": ctx.version,
        "generated_at": _utc(generated_at),
        "source_organization": _org(ctx.provider),
        "recipient_organization": _org(ctx.recipient),
        "purpose": ctx.purpose,
        "legal_basis": ctx.legal_basis,
        "categories": [c for c in _CATEGORY_ORDER if decisions[c].shared],
        "case": {
            "reference": case.reference,
            "case_type": case.case_type,
            "priority": case.priority,
            "status": case.status,
            "opened_on": case.opened_at.astimezone(UTC).date().isoformat(),
            "involves_minor": case.involves_minor,
        },
    }

    persons = []
    shared = {c for c, d in decisions.items() if d.shared}
    for person in case.persons:
        own = person_decisions(person, case, ctx, decisions, generated_at)
        shown, entries = _person(person, ctx, own)
        if shown is not None:
            persons.append(shown)
            shared |= {c for c, d in own.items() if d.shared and c in PERSON_CATEGORIES}
        manifest.extend(entries)
    payload["persons"] = persons
    # A person covered by a consent of their own can add a category the share's basis lacks.
    payload["categories"] = [c for c in _CATEGORY_ORDER if c in shared]

    needs = decisions[C.NEEDS]
    if needs.shared:
        payload["needs"] = [
            {
                "id": token(key, recipient_id, "need", need.id),
                "kind": need.kind,
                "status": need.status,
                "detail": need.detail,
            }
            for need in case.needs
        ]
    else:
        manifest.append(_entry("needs", C.NEEDS, WITHHELD, needs.reason))

    shared_sensitivities = set()
    for sensitivity, category in NOTE_CATEGORY.items():
        decision = decisions[category]
        if decision.shared:
            shared_sensitivities.add(sensitivity)
        else:
            manifest.append(_entry(f"notes[sensitivity={sensitivity}]", category, WITHHELD, decision.reason))
    if any(note.sensitivity == Sensitivity.RESTRICTED for note in case.notes):
        manifest.append(_entry(f"notes[sensitivity={Sensitivity.RESTRICTED}]", RESTRICTED, WITHHELD, POLICY))
    if shared_sensitivities:
        payload["notes"] = [
            {
                "id": token(key, recipient_id, "note", note.id),
                "sensitivity": note.sensitivity,
                "body": note.body,
                "created_at": _utc(note.created_at),
                # The token of the amended note even if that note is not shared: it discloses
                # nothing, and lets the recipient group the versions it does hold.
                "amends": token(key, recipient_id, "note", note.amends_id) if note.amends_id else None,
            }
            for note in case.notes
            if note.sensitivity in shared_sensitivities
        ]

    indicators = decisions[C.INDICATORS]
    if indicators.shared:
        payload["indicators"] = [
            {
                "id": token(key, recipient_id, "indicator", indicator.id),
                "kind": indicator.kind,
                "value": indicator.value,
                "platform": indicator.platform,
                "note": indicator.note,
            }
            for indicator in case.indicators
        ]
    else:
        manifest.append(_entry("indicators", C.INDICATORS, WITHHELD, indicators.reason))

    payload["redaction_manifest"] = manifest
    validate_payload(payload)
    return payload


def revocation_event(*, share_id: str | UUID, version: int, reason: str, revoked_at: datetime) -> dict:
    """The schema-valid body of the ``share.revoked`` event an external recipient receives."""
    body = {
        "schema": SCHEMA,
        "type": REVOCATION_TYPE,
        "share_id": str(share_id),
        "version": version,
        "reason": reason,
        "revoked_at": _utc(revoked_at),
    }
    validate_revocation(body)
    return body


@functools.cache
def load_schema() -> dict[str, Any]:
    """The published JSON Schema (read once and shared: do not mutate it)."""
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def _validators() -> tuple[jsonschema.Draft202012Validator, jsonschema.Draft202012Validator]:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    payload = jsonschema.Draft202012Validator(schema, registry=registry, format_checker=checker)
    revocation = jsonschema.Draft202012Validator(
        {"$ref": schema["$id"] + "#/$defs/revocation"}, registry=registry, format_checker=checker
    )
    return payload, revocation


def _validate(validator: jsonschema.Draft202012Validator, instance: Any) -> None:
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


def validate_payload(payload: Any) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``payload`` is a valid shared-case/v1 payload."""
    _validate(_validators()[0], payload)


def validate_revocation(body: Any) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``body`` is a valid revocation event."""
    _validate(_validators()[1], body)
