"""Sharing in the browser, through the Django test client: the wizard's preview is derived from
exactly the payload then delivered; the wizard's rules are the services' rules, in words; the
shares section, approvals, inbox and the accounting of disclosures behave."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools

import pytest
from django.urls import reverse

from accounts.choices import Role, Sector
from audit.context import acting_as
from casework import services as casework
from sharing.models import Disclosure, Share, SharedRecord
from sharing.readable import canonical_json, describe
from tests.factories import OrganizationFactory, UserFactory
from tests.sharing_helpers import agreement, consent_for, run_outbox, shareable_case

VOLATILE = ("generated_at", "version", "share_id")

SECTORS = {
    Sector.NGO: "safe-haven",
    Sector.HEALTH: "st-lukes",
    Sector.LAW_ENFORCEMENT: "metro-police",
    Sector.CHILD_WELFARE: "county-cws",
}


@pytest.fixture
def partners(org):
    made = {}
    for sector, slug in SECTORS.items():
        made[sector] = OrganizationFactory(
            slug=slug, name=slug.title(), sector=sector, case_prefix=slug.replace("-", "")[:3].upper()
        )
        agreement(org, made[sector])
    return made


def wizard(client, case, **data):
    return client.post(reverse("sharing:share-start", args=[case.pk]), data)


def stable(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k not in VOLATILE}


def rendered_rows(html: str) -> list[tuple[str, str]]:
    """(field, status) pairs the page shows for every person row, in order."""
    import re

    return re.findall(r'<tr data-field="(\w+)" data-status="(\w+)">', html)


MATRIX = [
    # (sector, basis, consent categories or None)
    *[(sector, "consent", cats) for sector in SECTORS for cats in (None, ("case_summary", "contact", "needs"))],
    *[(sector, "emergency", None) for sector in SECTORS],
    *[(sector, "mandatory_report", None) for sector in (Sector.LAW_ENFORCEMENT, Sector.CHILD_WELFARE)],
]


@pytest.mark.django_db
@pytest.mark.parametrize(("sector", "basis", "categories"), MATRIX, ids=str)
def test_the_preview_is_derived_from_exactly_the_payload_delivered(
    client, org, supervisor, partners, sector, basis, categories
):
    recipient = partners[sector]
    with acting_as(supervisor):
        case, survivor = shareable_case(supervisor, minor=True)
        # A second survivor with no consent of their own: pseudonymised or withheld per person.
        casework.person_add(actor=supervisor, case=case, role="survivor", given_name="Bea", phone="+12025550111")
        consent = None
        if basis == "consent":
            consent = consent_for(supervisor, case, survivor, sectors=[sector], categories=categories)
    purpose = "child_protection" if basis == "mandatory_report" else "services"
    client.force_login(supervisor)
    data = {"recipient": recipient.slug, "purpose": purpose, "legal_basis": basis}
    if consent:
        data["consent"] = str(consent.pk)
    if basis == "emergency":
        data["justification"] = "Imminent risk."
    assert wizard(client, case, step="who", **data).status_code == 200
    check = wizard(client, case, step="basis", **data)
    assert check.status_code == 200, check.content.decode()[:3000]
    previewed = check.context["payload"]
    readable = check.context["readable"]
    html = check.content.decode()

    sent = wizard(client, case, step="confirm", preview_hash=check.context["preview_hash"], **data)
    assert sent.status_code == 302
    share = Share.objects.get(case=case)
    assert run_outbox() == ["delivered"]
    delivered = SharedRecord.objects.get(share=share).payload

    assert stable(previewed) == stable(delivered)
    again = describe(delivered)
    assert [(p["token"], p["fields"]) for p in readable["persons"]] == [
        (p["token"], p["fields"]) for p in again["persons"]
    ]
    assert [(r["sensitivity"], r["sent"], r["reason"]) for r in readable["notes"]] == [
        (r["sensitivity"], r["sent"], r["reason"]) for r in again["notes"]
    ]
    # What the page says, row by row, is that structure.
    expected = [(f["field"], f["status"]) for p in again["persons"] for f in p["fields"]]
    assert rendered_rows(html) == expected
    # And the ledger hashes the bytes the inbox holds.
    (disclosure,) = Disclosure.objects.filter(share=share)
    assert disclosure.payload_sha256 == hashlib.sha256(canonical_json(delivered)).hexdigest()


@pytest.mark.django_db
def test_the_wizard_offers_only_what_can_work_and_says_why(client, org, caseworker, partners):
    with acting_as(caseworker):
        case, survivor = shareable_case(caseworker, minor=True)
        health = consent_for(caseworker, case, survivor, sectors=["health"], purpose="health_care")
        police = consent_for(caseworker, case, survivor, sectors=["law_enforcement"], purpose="investigation")
    client.force_login(caseworker)
    step2 = wizard(client, case, step="who", recipient="st-lukes", purpose="health_care")
    html = step2.content.decode()
    assert [c.pk for c in step2.context["usable"]] == [health.pk]
    assert [c.pk for c in step2.context["unusable"]] == [police.pk]
    assert "does not cover st-lukes or its sector" in html
    assert "mandatory_report" not in [v for v, _ in step2.context["basis"].fields["legal_basis"].choices]
    to_police = wizard(client, case, step="who", recipient="metro-police", purpose="investigation")
    assert "mandatory_report" in [v for v, _ in to_police.context["basis"].fields["legal_basis"].choices]

    # An agreement without the purpose: refused in words, next to the recipient.
    narrow = OrganizationFactory(slug="narrow", name="Narrow", sector=Sector.NGO, case_prefix="NAR")
    agreement(org, narrow, purposes=["services"])
    refused = wizard(
        client, case, step="basis", recipient="narrow", purpose="investigation", legal_basis="emergency",
        justification="x",
    )  # fmt: skip
    assert refused.status_code == 422
    assert "No active sharing agreement with narrow covers the purpose “Investigation”" in refused.content.decode()
    # Emergency without a justification: the service's words next to the field.
    missing = wizard(client, case, step="basis", recipient="st-lukes", purpose="health_care", legal_basis="emergency")
    assert missing.status_code == 422
    assert 'id="id_share_justification_error"' in missing.content.decode()
    assert not Share.objects.exists()


@pytest.mark.django_db
def test_a_case_changed_after_the_preview_is_not_sent_unseen(client, org, caseworker, partners):
    with acting_as(caseworker):
        case, survivor = shareable_case(caseworker, minor=True)
        consent = consent_for(caseworker, case, survivor, sectors=["ngo"])
    client.force_login(caseworker)
    data = {"recipient": "safe-haven", "purpose": "services", "legal_basis": "consent", "consent": str(consent.pk)}
    check = wizard(client, case, step="basis", **data)
    with acting_as(caseworker):
        casework.note_add(actor=caseworker, case=case, body="A new general note", sensitivity="general")
    stale = wizard(client, case, step="confirm", preview_hash=check.context["preview_hash"], **data)
    assert stale.status_code == 409 and not Share.objects.exists()
    assert "A new general note" in str(stale.context["payload"])


@pytest.mark.django_db
def test_approve_reject_revoke_inbox_and_disclosures(client, org, caseworker, supervisor, partners):
    police = partners[Sector.LAW_ENFORCEMENT]
    officer = UserFactory(organization=police, role=Role.SUPERVISOR)
    detective = UserFactory(organization=police, role=Role.CASEWORKER)
    with acting_as(caseworker):
        case, _ = shareable_case(caseworker, minor=True)
    client.force_login(caseworker)
    data = {"recipient": "metro-police", "purpose": "investigation", "legal_basis": "emergency", "justification": "!"}
    check = wizard(client, case, step="basis", **data)
    wizard(client, case, step="confirm", preview_hash=check.context["preview_hash"], **data)
    share = Share.objects.get()
    assert share.status == "pending_approval"
    page = client.get(reverse("casework:case-detail", args=[case.pk])).content.decode()
    assert 'hx-trigger="every 3s"' in page

    client.force_login(supervisor)
    assert '1<span class="visually-hidden"> waiting' in client.get(reverse("sharing:approvals")).content.decode()
    detail = client.get(reverse("sharing:approval-detail", args=[share.pk]))
    assert stable(detail.context["payload"])["persons"]
    approved = client.post(reverse("sharing:approval-detail", args=[share.pk]), {"decision": "approve"})
    assert approved.status_code == 302
    run_outbox()
    share.refresh_from_db()
    assert share.status == "delivered"
    page = client.get(reverse("casework:case-detail", args=[case.pk])).content.decode()
    assert 'hx-trigger="every 3s"' not in page, "polling stops at a final state"

    # The police supervisor assigns; the detective opens it, accepts into a case of their own.
    record = SharedRecord.objects.get(share=share)
    client.force_login(officer)
    client.post(reverse("sharing:record-assign", args=[record.pk]), {"assigned_to": detective.pk})
    client.force_login(detective)
    assert client.get(reverse("sharing:inbox")).context["records"] == [record]
    opened = client.get(reverse("sharing:record-detail", args=[record.pk]))
    assert opened.context["previous_version"] is None
    # Version 2 says what changed since version 1.
    with acting_as(caseworker):
        casework.indicator_add(actor=caseworker, case=case, kind="phone_number", value="+12025550177")
    run_outbox()
    inbox = client.get(reverse("sharing:inbox")).content.decode()
    assert "New version" in inbox
    opened = client.get(reverse("sharing:record-detail", args=[record.pk]))
    assert opened.context["previous_version"] == 1
    assert {"part": "indicators", "change": "added"}.items() <= opened.context["changes"][0].items()
    accepted = client.post(reverse("sharing:record-accept", args=[record.pk]), {"open_case": "on"})
    record.refresh_from_db()
    assert record.status == "accepted" and record.linked_case is not None
    assert accepted["Location"] == reverse("casework:case-detail", args=[record.linked_case.pk])

    # The caseworker revokes; the detective sees only the tombstone.
    client.force_login(caseworker)
    revoke = reverse("sharing:share-revoke", args=[case.pk, share.pk])
    assert "Revoking erases Metro-Police" in client.get(revoke).content.decode()
    client.post(revoke, {"reason": '=HYPERLINK("x") wrong recipient'})
    client.force_login(detective)
    tomb = client.get(reverse("sharing:record-detail", args=[record.pk])).content.decode()
    assert "This record was revoked and erased" in tomb and "Testfield" not in tomb

    # The ledger: two versions, revoked, as a CSV that no spreadsheet runs.
    client.force_login(caseworker)
    ledger = client.get(reverse("sharing:disclosures", args=[case.pk]))
    assert len(ledger.context["disclosures"]) == 2
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("sharing:disclosures-csv", args=[case.pk])).content.decode()))
    )
    header, body = rows[0], rows[1:]
    assert {r[header.index("version")] for r in body} == {"1", "2"}
    assert all(r[header.index("revocation_reason")].startswith("'=") for r in body)


@pytest.mark.django_db
def test_a_supervisor_rejects_with_a_reason(client, org, caseworker, supervisor, partners):
    with acting_as(caseworker):
        case, _ = shareable_case(caseworker, minor=True)
    client.force_login(caseworker)
    data = {"recipient": "metro-police", "purpose": "investigation", "legal_basis": "emergency", "justification": "!"}
    check = wizard(client, case, step="basis", **data)
    wizard(client, case, step="confirm", preview_hash=check.context["preview_hash"], **data)
    share = Share.objects.get()
    client.force_login(supervisor)
    url = reverse("sharing:approval-detail", args=[share.pk])
    assert client.post(url, {"decision": "reject", "reason": ""}).status_code == 422
    client.post(url, {"decision": "reject", "reason": "Not an emergency"})
    share.refresh_from_db()
    assert share.status == "revoked" and "Not an emergency" in share.ended_reason
    assert not Disclosure.objects.exists() and run_outbox() == []
    # A caseworker never approves.
    client.force_login(caseworker)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_a_caseworker_sees_only_the_inbox_records_assigned_to_them(client, ui_world):
    w = ui_world
    for who, expected in ((w.assigned, [w.record]), (w.unassigned, []), (w.supervisor, [w.record])):
        client.force_login(who)
        assert client.get(reverse("sharing:inbox")).context["records"] == expected


def test_matrix_is_not_empty():
    assert len(list(itertools.chain(MATRIX))) == 14


@pytest.mark.django_db
def test_sharing_pages_and_refusals_in_spanish(client, org, caseworker, partners):
    with acting_as(caseworker):
        case, _ = shareable_case(caseworker, minor=True)
    narrow = OrganizationFactory(slug="narrow", name="Narrow", sector=Sector.NGO, case_prefix="NAR")
    agreement(org, narrow, purposes=["services"])
    client.force_login(caseworker)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert "Compartir este caso" in client.get(reverse("casework:case-detail", args=[case.pk])).content.decode()
    refused = wizard(
        client, case, step="basis", recipient="narrow", purpose="investigation", legal_basis="emergency",
        justification="x",
    )  # fmt: skip
    assert "Ningún acuerdo de intercambio vigente con narrow cubre la finalidad «Investigación»" in (
        refused.content.decode()
    )


@pytest.mark.django_db
def test_the_shares_section_costs_the_same_for_one_share_and_several(client, org, caseworker, supervisor, partners):
    """Each share shows its recipient, requester, delivery times and failed attempts: read with
    the shares in one query, not per share (approved, delivered shares, with their deliveries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with acting_as(caseworker):
        case, _ = shareable_case(caseworker, minor=False)

    def share_with(slug):
        client.force_login(caseworker)
        data = {"recipient": slug, "purpose": "investigation", "legal_basis": "emergency", "justification": "!"}
        check = wizard(client, case, step="basis", **data)
        wizard(client, case, step="confirm", preview_hash=check.context["preview_hash"], **data)
        share = Share.objects.filter(case=case).latest("created_at")
        client.force_login(supervisor)
        client.post(reverse("sharing:approval-detail", args=[share.pk]), {"decision": "approve"})
        run_outbox()

    def page_queries():
        client.force_login(caseworker)
        url = reverse("casework:case-detail", args=[case.pk])
        client.get(url)  # warm per-process caches
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        return len(queries), html

    share_with("metro-police")
    one, html = page_queries()
    assert "Metro-Police" in html
    share_with("county-cws")
    share_with("st-lukes")
    three, html = page_queries()
    assert all(name in html for name in ("Metro-Police", "County-Cws", "St-Lukes"))
    assert Share.objects.filter(case=case, status="delivered").count() == 3
    assert three == one
