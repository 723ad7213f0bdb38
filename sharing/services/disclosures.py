"""The accounting of disclosures: one ledger line per version of a share that reached its recipient.

Written by the delivery worker in the transaction that marks the version delivered, from the
exact payload delivered: a share that never delivered is not a disclosure, and a version that was
built but not delivered (failed, cancelled, unchanged) is not one either.
"""

from __future__ import annotations

import json
from collections import Counter

from django.db.models import Count

from casework.models import Note, Person
from sharing.models import Delivery, Disclosure, Share
from sharing.readable import canonical_json, describe, sha256_hex
from sharing.redaction import WITHHELD, pseudonym_key, token
from sharing.snapshot import CaseData


def disclosure_record(
    *, delivery: Delivery, share: Share, delivered_at, payload: dict | None = None, snapshot: CaseData | None = None
) -> Disclosure:
    """The ledger line of ``delivery`` (a version). ``payload`` is what an inbox now holds; for a
    webhook the exact body sent (``delivery.body``) is read instead, before it is discarded.
    ``snapshot`` is the case as the payload was built from it in this transaction (an inbox
    delivery): its persons and notes are the ones counted, instead of reading them again.

    The hash is of the bytes the recipient got: the webhook body as sent, or the inbox payload
    serialised canonically (``sharing.readable.canonical_json``).
    """
    if payload is None:
        raw = delivery.body.encode()
        payload = json.loads(delivery.body)["data"]
    else:
        raw = canonical_json(payload)
    # The persons of the case behind each token: recomputed with the key that made them.
    key = pseudonym_key()
    if snapshot is not None:
        person_roles = [(person.id, person.role) for person in snapshot.persons]
        held = dict(Counter(note.sensitivity for note in snapshot.notes))
    else:
        person_roles = Person.objects.filter(case=share.case_id).values_list("pk", "role")
        held = dict(
            Note.objects.filter(case=share.case_id).values_list("sensitivity").annotate(n=Count("pk")).order_by()
        )
    ours = {token(key, share.recipient_id, "person", pk): (pk, role) for pk, role in person_roles}
    readable = describe(payload, held_back=held)
    persons = []
    for person in readable["persons"]:
        pk, role = ours.get(person["token"], (None, person["role"]))
        sent = [
            {"field": f["field"], "as": f["status"], "reason": f["reason"]}
            for f in person["fields"]
            if f["status"] != WITHHELD
        ]
        withheld = [
            {"field": f["field"], "category": f["category"], "reason": f["reason"]}
            for f in person["fields"]
            if f["status"] == WITHHELD
        ]
        if person["left_out"]:
            withheld = [{"field": "*", "category": "identity", "reason": person["reason"]}]
        persons.append(
            {
                "person": str(pk) if pk else None,
                "token": person["token"],
                "role": role,
                "sent": sent,
                "withheld": withheld,
            }
        )
    counts = {
        "notes": {row["sensitivity"]: row["sent"] for row in readable["notes"]},
        "notes_withheld": {row["sensitivity"]: row["withheld"] for row in readable["notes"] if row["withheld"]},
        "restricted_withheld": readable["restricted_count"],
        "needs": readable["needs"]["sent"],
        "indicators": readable["indicators"]["sent"],
    }
    # Called under the share's row lock (the delivery holds it), so a look-up then insert cannot
    # race; a version already accounted for keeps its first line.
    existing = Disclosure.objects.filter(share=share, version=delivery.version).first()
    if existing is not None:
        return existing
    return Disclosure.objects.create(
        share=share,
        version=delivery.version,
        case_id=share.case_id,
        delivery=delivery,
        channel=delivery.channel,
        delivered_at=delivered_at,
        recipient_id=share.recipient_id,
        legal_basis=share.legal_basis,
        purpose=share.purpose,
        consent_id=share.consent_id,
        categories=list(payload.get("categories") or []),
        persons=persons,
        withheld=[e for e in payload.get("redaction_manifest") or [] if not e["path"].startswith("persons[")],
        counts=counts,
        payload_sha256=sha256_hex(raw),
    )
