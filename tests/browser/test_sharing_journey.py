"""Sharing in a real Chromium: two organizations in two browsers, axe-core and a 375 px check on
every page. Deliveries are run in-process between steps (``run_outbox``), as the worker would;
the web process never hands them to a broker here."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.choices import Role, Sector
from audit.context import acting_as
from casework import services
from sharing.models import Disclosure, Share, SharedRecord
from tests.browser.conftest import PASSWORD
from tests.browser.test_journey import TEXT, assert_accessible, sign_in
from tests.factories import OrganizationFactory, UserFactory
from tests.sharing_helpers import agreement, run_outbox

EN = TEXT["en"]


@pytest.fixture
def world(people, monkeypatch):
    # Deliveries are run by the test, in-process: nothing is published to a broker.
    monkeypatch.setattr("sharing.services.outbox.send_to_worker", lambda delivery_id: None)
    org, clinic = people["org"], people["other"]
    police = OrganizationFactory(
        slug="metro-police", name="Metro Police", sector=Sector.LAW_ENFORCEMENT, case_prefix="MPD"
    )
    users = dict(people)
    for key, organization, role in (
        ("clinic_supervisor", clinic, Role.SUPERVISOR),
        ("clinic_worker", clinic, Role.CASEWORKER),
        ("police_supervisor", police, Role.SUPERVISOR),
    ):
        user = UserFactory(organization=organization, role=role, username=f"{key}@example.org", first_name=key)
        user.set_password(PASSWORD)
        user.save()
        users[key] = user
    for partner in (clinic, police):
        agreement(org, partner)
    caseworker = people["caseworker"]
    today = timezone.localdate()
    with acting_as(caseworker):
        case = services.case_create(actor=caseworker, title="Depot outreach", case_type="sex_trafficking")
        survivor = services.person_add(
            actor=caseworker,
            case=case,
            role="survivor",
            given_name="Marisol",
            family_name="Quispe",
            date_of_birth=today.replace(year=today.year - 19),
            phone="(202) 555-0143",
        )
        services.person_add(actor=caseworker, case=case, role="witness", given_name="Tomas", family_name="Oyelaran")
        services.note_add(actor=caseworker, case=case, body="Court date set for March.", sensitivity="legal")
        services.note_add(actor=caseworker, case=case, body="Met at the depot.", sensitivity="general")
    users.update(police=police, clinic=clinic, case=case, survivor=survivor)
    return users


def fits_and_is_accessible(page: Page, name: str, screenshot_dir) -> None:
    """axe-core at the current size, then the same page at 375 px: no sideways scrolling."""
    assert_accessible(page, name)
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 812})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, (name, width)
    page.screenshot(path=str(screenshot_dir / f"sharing-{name}-375.png"), full_page=True)
    page.set_viewport_size(size)
    page.screenshot(path=str(screenshot_dir / f"sharing-{name}.png"), full_page=True)


def new_page(browser, live_server, user) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, user.username, EN)
    return page


def test_consent_share_with_the_clinic_then_the_clinic_accepts(browser, live_server, world, screenshot_dir):
    case = world["case"]
    page = new_page(browser, live_server, world["caseworker"])
    page.goto(f"{live_server.url}/cases/{case.pk}/")

    # The caseworker records the survivor's consent for the health sector.
    consents = page.locator("#section-consents")
    consents.get_by_text(EN["add_consent"], exact=True).click()
    consents.get_by_label(EN["consent_person"], exact=True).select_option(label="Marisol Quispe")
    consents.get_by_label("Health", exact=True).check()
    for category in ("Case summary", "Identity", "Contact", "Demographics", "Needs", "General notes"):
        consents.get_by_label(category, exact=True).check()
    consents.get_by_label("Purpose", exact=True).select_option(label="Health care")
    consents.get_by_label("How it was given").select_option(label="Written")
    consents.get_by_label("Expires on").fill((timezone.localdate() + dt.timedelta(days=90)).isoformat())
    consents.get_by_role("button", name="Record consent").click()
    expect(page.locator("#section-consents")).to_contain_text("Health care")

    # The wizard: recipient and purpose, then the basis, then the check page.
    page.reload()
    page.get_by_role("link", name="Share this case").click()
    fits_and_is_accessible(page, "wizard-recipient", screenshot_dir)
    page.get_by_label(re.compile("St Luke's Clinic — Health")).check()
    page.get_by_label("Health care", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    fits_and_is_accessible(page, "wizard-basis", screenshot_dir)
    page.get_by_label("Consent", exact=True).check()
    page.get_by_label(re.compile("Marisol Quispe — Health care")).check()
    page.get_by_role("button", name="Check what will be shared").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what will be shared")
    person = page.get_by_role("region", name=re.compile("Marisol Quispe"))
    expect(person.locator('tr[data-field="phone"]')).to_contain_text("included")
    expect(page.locator('tr[data-part="notes-legal"]')).to_contain_text("withheld")
    expect(page.locator('tr[data-part="notes-legal"]')).to_contain_text("policy of the recipient's sector")
    fits_and_is_accessible(page, "preview-health", screenshot_dir)
    page.get_by_role("button", name="Confirm and send").click()

    # Queued, then delivered while the caseworker watches (htmx polling).
    shares = page.locator("#section-shares")
    expect(shares).to_contain_text("Queued")
    assert run_outbox() == ["delivered"]
    expect(shares.locator("[data-share-status]")).to_have_text("Delivered", timeout=10_000)
    fits_and_is_accessible(page, "case-shares", screenshot_dir)

    # The clinic's supervisor assigns it; the assignee accepts it into a case of their own.
    clinic = new_page(browser, live_server, world["clinic_supervisor"])
    clinic.get_by_role("link", name=re.compile("^Inbox")).click()
    fits_and_is_accessible(clinic, "inbox-supervisor", screenshot_dir)
    clinic.get_by_role("link", name=re.compile("Hope House")).click()
    fits_and_is_accessible(clinic, "record", screenshot_dir)
    clinic.get_by_label("Assign to").select_option(value=str(world["clinic_worker"].pk))
    clinic.get_by_role("button", name="Assign", exact=True).click()
    expect(clinic.get_by_role("status")).to_contain_text("Assigned to clinic_worker")

    worker = new_page(browser, live_server, world["clinic_worker"])
    expect(worker.get_by_role("link", name=re.compile("^Inbox"))).to_contain_text("1")
    worker.get_by_role("link", name=re.compile("^Inbox")).click()
    worker.get_by_role("link", name=re.compile("Hope House")).click()
    worker.get_by_role("link", name="Accept", exact=True).click()
    fits_and_is_accessible(worker, "accept", screenshot_dir)
    worker.get_by_label("Open a case of our own, linked to this record").check()
    worker.get_by_role("button", name="Accept the record").click()
    expect(worker.get_by_role("heading", level=1)).to_contain_text(re.compile(r"SLC-\d{4}-\d{5}"))
    record = SharedRecord.objects.get()
    assert record.status == "accepted" and record.linked_case is not None

    # The provider's ledger shows the disclosure.
    page.goto(f"{live_server.url}/cases/{case.pk}/disclosures/")
    marisol = page.get_by_role("region", name=re.compile("Marisol Quispe"))
    expect(marisol).to_contain_text("St Luke's Clinic")
    expect(marisol).to_contain_text(Disclosure.objects.get().payload_sha256)
    fits_and_is_accessible(page, "disclosures", screenshot_dir)
    for p in (page, clinic, worker):
        p.context.close()


def test_emergency_share_to_police_approved_then_revoked(browser, live_server, world, screenshot_dir):
    case = world["case"]
    page = new_page(browser, live_server, world["caseworker"])
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name="Share this case").click()
    page.get_by_label(re.compile("Metro Police — Law enforcement")).check()
    page.get_by_label("Investigation", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Emergency", exact=True).check()
    page.get_by_label("Written justification").fill("Seen being moved tonight; risk of losing contact.")
    page.get_by_role("button", name="Check what will be shared").click()
    page.get_by_role("button", name="Confirm and ask for approval").click()
    expect(page.locator("#section-shares [data-share-status]")).to_have_text("Pending approval")
    assert run_outbox() == []

    # The supervisor sees the badge, reads the same preview, approves.
    boss = new_page(browser, live_server, world["supervisor"])
    approvals = boss.get_by_role("link", name=re.compile("^Approvals"))
    expect(approvals).to_contain_text("1")
    approvals.click()
    fits_and_is_accessible(boss, "approvals", screenshot_dir)
    boss.get_by_role("link", name=re.compile(case.reference)).click()
    expect(boss.get_by_text("Seen being moved tonight")).to_be_visible()
    fits_and_is_accessible(boss, "approval-detail", screenshot_dir)
    boss.get_by_role("button", name="Approve and send").click()
    assert run_outbox() == ["delivered"]

    # The police: the survivor's age as a band; the witness (an adult the emergency does not
    # cover) pseudonymised.
    police = new_page(browser, live_server, world["police_supervisor"])
    police.get_by_role("link", name=re.compile("^Inbox")).click()
    police.get_by_role("link", name=re.compile("Hope House")).click()
    people = police.locator(".person-preview")
    survivor = people.filter(has_text="Survivor")
    expect(survivor.locator('tr[data-field="age"]')).to_contain_text("generalised to an age band")
    expect(survivor.locator('tr[data-field="age"]')).to_contain_text("18-24")
    witness = people.filter(has_text="Witness")
    expect(witness.locator('tr[data-field="given_name"]')).to_contain_text("pseudonymised")
    expect(witness).not_to_contain_text("Oyelaran")
    expect(police.get_by_role("region", name="What you did not get, and why")).to_contain_text(
        "Legal notes: withheld — policy of the recipient's sector"
    )
    fits_and_is_accessible(police, "police-record", screenshot_dir)

    # The caseworker revokes; the police see only the tombstone.
    page.reload()
    page.get_by_role("link", name=re.compile("Revoke the share with Metro Police")).click()
    expect(page.get_by_text("Revoking erases Metro Police's copy")).to_be_visible()
    fits_and_is_accessible(page, "revoke", screenshot_dir)
    page.get_by_label("Reason for revoking").fill("Shared in error")
    page.get_by_role("button", name="Revoke and erase the recipient's copy").click()
    expect(page.locator("#section-shares [data-share-status]")).to_have_text("Revoked")
    police.reload()
    expect(police.get_by_role("heading", name="This record was revoked and erased")).to_be_visible()
    expect(police.locator("main")).to_contain_text("Shared in error")
    expect(police.locator("main")).not_to_contain_text("Marisol")
    fits_and_is_accessible(police, "tombstone", screenshot_dir)

    page.goto(f"{live_server.url}/cases/{case.pk}/disclosures/")
    marisol = page.get_by_role("region", name=re.compile("Marisol Quispe"))
    expect(marisol).to_contain_text("Metro Police")
    expect(marisol).to_contain_text("Shared in error")
    assert Share.objects.get().status == "revoked"
    for p in (page, boss, police):
        p.context.close()
