"""The accounting of disclosures: one ledger line per delivered version, with the hash of the
exact bytes delivered; nothing for a share that never delivered."""

from __future__ import annotations

import hashlib
import json

import pytest

from accounts.choices import Role, Sector
from casework import services as casework
from sharing.models import Disclosure, SharedRecord
from sharing.readable import canonical_json
from sharing.redaction import pseudonym_key, token
from sharing.services import share_approve, share_request, share_revoke
from tests.factories import OrganizationFactory
from tests.sharing_helpers import agreement, consent_for, run_outbox, shareable_case
from tests.test_webhooks import OK, receiver, register, webhook_settings  # noqa: F401 (fixtures)


@pytest.fixture
def partners(org):
    made = {
        "ngo": OrganizationFactory(slug="safe-haven", name="Safe Haven", sector=Sector.NGO, case_prefix="SH"),
        "police": OrganizationFactory(
            slug="metro-police", name="Metro Police", sector=Sector.LAW_ENFORCEMENT, case_prefix="MPD"
        ),
        "cws": OrganizationFactory(
            slug="county-cws", name="County CWS", sector=Sector.CHILD_WELFARE, case_prefix="CWS"
        ),
    }
    for partner in made.values():
        agreement(org, partner)
    return made


def sha(record: SharedRecord) -> str:
    return hashlib.sha256(canonical_json(record.payload)).hexdigest()


@pytest.mark.django_db
def test_the_ledger_lists_exactly_the_delivered_versions_with_their_hashes(org, caseworker, supervisor, partners):
    case, survivor = shareable_case(caseworker, minor=True)
    consent = consent_for(caseworker, case, survivor, sectors=["ngo"])
    by_consent = share_request(
        actor=caseworker,
        case=case,
        recipient=partners["ngo"],
        purpose="services",
        legal_basis="consent",
        consent=consent,
    )
    emergency = share_request(
        actor=caseworker,
        case=case,
        recipient=partners["police"],
        purpose="investigation",
        legal_basis="emergency",
        justification="Seen with the suspect tonight.",
    )
    report = share_request(
        actor=caseworker,
        case=case,
        recipient=partners["cws"],
        purpose="child_protection",
        legal_basis="mandatory_report",
    )
    run_outbox()
    assert Disclosure.objects.filter(share=emergency).count() == 0, "awaiting approval: nothing disclosed"
    share_approve(actor=supervisor, share=emergency)
    run_outbox()
    hashes = {}
    for share in (by_consent, emergency, report):
        record = SharedRecord.objects.get(share=share)
        hashes[(share.pk, 1)] = sha(record)

    # An update: version 2 of every live share.
    casework.note_add(actor=caseworker, case=case, body="Moved to a safe house.", sensitivity="general")
    run_outbox()
    for share in (by_consent, emergency, report):
        record = SharedRecord.objects.get(share=share)
        if record.version == 2:
            hashes[(share.pk, 2)] = sha(record)
    # The police get no general notes: nothing changed for them, so no version 2.
    assert (emergency.pk, 2) not in hashes and (by_consent.pk, 2) in hashes and (report.pk, 2) in hashes

    share_revoke(actor=caseworker, share=report, reason="Sent to the wrong office")

    ledger = {(d.share_id, d.version): d for d in Disclosure.objects.filter(case=case)}
    assert set(ledger) == set(hashes)
    for key, digest in hashes.items():
        assert ledger[key].payload_sha256 == digest
    police = ledger[(emergency.pk, 1)]
    assert (police.legal_basis, police.purpose, police.consent_id) == ("emergency", "investigation", None)
    assert ledger[(by_consent.pk, 1)].consent_id == consent.pk
    # Per person: our id behind the recipient's token, and what was pseudonymised or withheld.
    tok = token(pseudonym_key(), partners["police"].pk, "person", survivor.pk)
    (entry,) = [p for p in police.persons if p["person"] == str(survivor.pk)]
    assert entry["token"] == tok
    sent = {s["field"]: s["as"] for s in entry["sent"]}
    # Emergency to the police: the survivor named, contact included, the age as a band.
    assert (sent["age"], sent["given_name"], sent["phone"]) == ("generalised", "included", "included")
    assert entry["withheld"] == []
    assert police.counts["notes_withheld"]["general"] == 1
    assert police.counts["restricted_withheld"] == 1
    # The revocation is read from the share.
    report.refresh_from_db()
    assert report.status == "revoked" and ledger[(report.pk, 1)].share.ended_reason == "Sent to the wrong office"


@pytest.mark.django_db
def test_a_share_that_never_delivered_is_not_a_disclosure(org, caseworker, partners):
    case, _ = shareable_case(caseworker, minor=True)
    held = share_request(
        actor=caseworker,
        case=case,
        recipient=partners["police"],
        purpose="investigation",
        legal_basis="emergency",
        justification="Urgent.",
    )
    queued = share_request(
        actor=caseworker,
        case=case,
        recipient=partners["cws"],
        purpose="child_protection",
        legal_basis="mandatory_report",
    )
    share_revoke(actor=caseworker, share=queued, reason="Changed my mind")
    run_outbox()
    assert not Disclosure.objects.filter(share__in=[held, queued]).exists()


@pytest.mark.django_db
def test_a_webhook_disclosure_hashes_the_exact_body_sent(org, caseworker, receiver):  # noqa: F811
    registered = register("ext-cws", receiver.url)
    from accounts.models import Organization

    partner = Organization.objects.get(slug=registered["slug"])
    agreement(org, partner)
    case, _ = shareable_case(caseworker, minor=True)
    share = share_request(
        actor=caseworker, case=case, recipient=partner, purpose="child_protection", legal_basis="mandatory_report"
    )
    receiver.respond_with(OK)
    run_outbox()
    (request,) = receiver.requests
    (disclosure,) = Disclosure.objects.filter(share=share)
    assert disclosure.payload_sha256 == hashlib.sha256(request.body).hexdigest()
    assert disclosure.channel == "webhook"
    assert disclosure.categories == json.loads(request.body)["data"]["categories"]


@pytest.mark.django_db
def test_the_ledger_is_the_case_holders_only(org, caseworker, make_user, partners):
    case, _ = shareable_case(caseworker, minor=True)
    share_request(
        actor=caseworker,
        case=case,
        recipient=partners["cws"],
        purpose="child_protection",
        legal_basis="mandatory_report",
    )
    run_outbox()
    outsider = make_user(partners["cws"], Role.SUPERVISOR)
    colleague = make_user(org, Role.CASEWORKER)
    assert Disclosure.objects.restrict(caseworker).count() == 1
    assert Disclosure.objects.restrict(colleague).count() == 0
    assert Disclosure.objects.restrict(outsider).count() == 0


@pytest.mark.django_db
def test_an_inbox_delivery_reads_the_case_its_parts_and_the_agreement_once_whatever_their_number(
    org, caseworker, partners
):
    """The payload and the ledger line come from one snapshot, read under the case lock; the
    agreement comes with the locked share. A second read of any of them, or a read per part,
    fails here."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sharing.models import Delivery
    from sharing.services.delivery import deliver

    statements = []
    for size in (1, 12):
        case, survivor = shareable_case(caseworker, minor=False)
        for i in range(size):
            casework.note_add(actor=caseworker, case=case, body=f"note {i}", sensitivity="general")
            casework.person_add(actor=caseworker, case=case, role="witness", given_name=f"W{i}")
        consent = consent_for(caseworker, case, survivor, sectors=["ngo"])
        share = share_request(
            actor=caseworker,
            case=case,
            recipient=partners["ngo"],
            purpose="services",
            legal_basis="consent",
            consent=consent,
        )
        (delivery,) = Delivery.objects.filter(share=share, status="pending")
        with CaptureQueriesContext(connection) as ctx:
            assert deliver(delivery.pk) == "delivered"
        sql = [q["sql"] for q in ctx.captured_queries]
        statements.append(len(sql))
        for table in ("casework_case", "casework_person", "casework_note", "sharing_sharingagreement"):
            reads = [s for s in sql if s.startswith("SELECT") and f'FROM "{table}"' in s]
            assert len(reads) == (0 if table == "sharing_sharingagreement" else 1), (table, reads)
        ledger = Disclosure.objects.get(share=share, version=1)
        assert {p["person"] for p in ledger.persons} == {str(pk) for pk in case.persons.values_list("pk", flat=True)}
        assert ledger.counts["notes"]["general"] == case.notes.filter(sensitivity="general").count() > size
    assert statements[0] == statements[1], statements


@pytest.mark.django_db
def test_a_webhook_delivery_reads_the_case_row_once(org, caseworker, receiver):  # noqa: F811
    """The case row is read once, by its lock: the mandatory report's basis check, the payload and
    the outcome's change-log entry use that row, not reads of their own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Organization

    partner = Organization.objects.get(slug=register("ext-cws", receiver.url)["slug"])
    agreement(org, partner)
    case, _ = shareable_case(caseworker, minor=True)
    share = share_request(
        actor=caseworker, case=case, recipient=partner, purpose="child_protection", legal_basis="mandatory_report"
    )
    receiver.respond_with(OK)
    with CaptureQueriesContext(connection) as ctx:
        assert run_outbox() == ["delivered"]
    reads = [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT") and 'FROM "casework_case"' in q["sql"]
    ]
    assert len(reads) == 1, reads
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in reads[0]
    assert Disclosure.objects.filter(share=share, channel="webhook").count() == 1
