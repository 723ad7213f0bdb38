"""A shared-case payload as a person reads it: per person and field, what the recipient gets and why.

Pure functions over the payload dict (``casebridge.shared-case/v1``) and its redaction manifest;
no database, no redaction rules of their own. The preview, the approval page, the inbox and the
accounting of disclosures all read a payload through ``describe``, so what the caseworker is
shown is derived from exactly the bytes that are (or were) sent, never recomputed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sharing.redaction import (
    GENERALISED,
    NOTE_CATEGORY,
    PERSON_FIELDS,
    PSEUDONYMISED,
    RESTRICTED,
    WITHHELD,
)

INCLUDED = "included"
# What each part of the payload is, for the reader: the order of the person's fields.
FIELD_ORDER = tuple(PERSON_FIELDS)
NOTE_SENSITIVITIES = tuple(NOTE_CATEGORY)


def _person_entries(manifest: list[dict]) -> dict[str, dict[str, dict]]:
    """Manifest entries about persons: {token: {field (or "" for the whole person): entry}}."""
    found: dict[str, dict[str, dict]] = {}
    for entry in manifest:
        path = entry["path"]
        if not path.startswith("persons["):
            continue
        token, _, rest = path[len("persons[") :].partition("]")
        found.setdefault(token, {})[rest.lstrip(".")] = entry
    return found


def person_fields(person: dict, entries: dict[str, dict]) -> list[dict[str, Any]]:
    """Every field of one person as the recipient gets it: ``status`` (included, pseudonymised,
    generalised, withheld), ``reason`` (policy, agreement, consent; None when included) and the
    ``value`` the recipient sees (the token for a pseudonym, the band for a generalised age)."""
    rows = []
    for name in FIELD_ORDER:
        category = PERSON_FIELDS[name]
        entry = entries.get(name)
        if entry is not None:
            status = entry["action"]
            value = None
            if status == PSEUDONYMISED:
                value = person.get("pseudonym")
            elif status == GENERALISED:
                value = person.get("age_band")
            rows.append(
                {"field": name, "category": category, "status": status, "reason": entry["reason"], "value": value}
            )
        elif name in person:
            rows.append(
                {"field": name, "category": category, "status": INCLUDED, "reason": None, "value": person[name]}
            )
    return rows


def describe(payload: dict, *, held_back: dict[str, int] | None = None) -> dict[str, Any]:
    """The payload for a reader.

    ``held_back`` is the provider's own count of notes by sensitivity (the recipient cannot know
    it): with it, the counts of notes withheld are filled in from the manifest's withheld
    sensitivities.
    """
    manifest = payload.get("redaction_manifest") or []
    by_person = _person_entries(manifest)
    persons = []
    for person in payload.get("persons") or []:
        token = person["id"]
        persons.append(
            {
                "token": token,
                "role": person["role"],
                "left_out": False,
                "pseudonymised": "pseudonym" in person,
                "fields": person_fields(person, by_person.get(token, {})),
            }
        )
    shown = {p["token"] for p in persons}
    for token, entries in by_person.items():
        whole = entries.get("")
        if token not in shown and whole is not None:
            # Left out entirely (a suspect, to a health provider).
            persons.append(
                {
                    "token": token,
                    "role": None,
                    "left_out": True,
                    "reason": whole["reason"],
                    "pseudonymised": False,
                    "fields": [],
                }
            )

    case_entries = [e for e in manifest if not e["path"].startswith("persons[")]
    reasons = {e["path"]: e["reason"] for e in case_entries if e["action"] == WITHHELD}
    notes = payload.get("notes") or []
    sent_notes = {s: sum(1 for n in notes if n["sensitivity"] == s) for s in NOTE_SENSITIVITIES}
    note_rows = []
    for sensitivity in NOTE_SENSITIVITIES:
        reason = reasons.get(f"notes[sensitivity={sensitivity}]")
        note_rows.append(
            {
                "sensitivity": sensitivity,
                "category": NOTE_CATEGORY[sensitivity],
                "sent": sent_notes[sensitivity] if reason is None else 0,
                # Unknown (None) to a recipient: only the provider can count what it held back.
                "withheld": (None if held_back is None else held_back.get(sensitivity, 0)) if reason is not None else 0,
                "reason": reason,
            }
        )
    restricted = f"notes[sensitivity={RESTRICTED}]" in reasons
    return {
        "case": payload.get("case", {}),
        "categories": list(payload.get("categories") or []),
        "legal_basis": payload.get("legal_basis"),
        "purpose": payload.get("purpose"),
        "recipient": payload.get("recipient_organization"),
        "source": payload.get("source_organization"),
        "persons": persons,
        "notes": note_rows,
        "note_list": notes,
        "restricted_withheld": restricted,
        "restricted_count": (None if held_back is None else held_back.get(RESTRICTED, 0)) if restricted else 0,
        "needs": {"sent": len(payload.get("needs") or []), "reason": reasons.get("needs")},
        "need_list": payload.get("needs") or [],
        "indicators": {"sent": len(payload.get("indicators") or []), "reason": reasons.get("indicators")},
        "indicator_list": payload.get("indicators") or [],
        "case_withheld": [e for e in case_entries if e["path"] == "case.title"],
        "manifest": manifest,
    }


def canonical_json(payload: dict) -> bytes:
    """The canonical serialisation of a payload held in an inbox (sorted keys, no spaces)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def part_digests(payload: dict, key: str) -> dict[str, str]:
    """A keyed digest of every part of a payload (case summary, each person, note, need,
    indicator, by token): enough to tell what changed between two versions, nothing to read."""

    def digest(value) -> str:
        return hmac.new(key.encode(), canonical_json({"v": value}), hashlib.sha256).hexdigest()[:32]

    parts = {"case": digest(payload.get("case")), "categories": digest(payload.get("categories"))}
    for kind in ("persons", "notes", "needs", "indicators"):
        for item in payload.get(kind) or []:
            parts[f"{kind}:{item['id']}"] = digest(item)
    return parts


def changes_since(old: dict[str, str], new: dict[str, str]) -> list[dict[str, str]]:
    """What differs between two versions' digests: [{"part": kind, "token": …, "change": added|changed|removed}]."""
    changes = []
    for name in sorted(set(old) | set(new)):
        kind, _, token = name.partition(":")
        if name not in old:
            change = "added"
        elif name not in new:
            change = "removed"
        elif old[name] != new[name]:
            change = "changed"
        else:
            continue
        changes.append({"part": kind, "token": token, "change": change})
    return changes
