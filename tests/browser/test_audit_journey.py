"""The auditor's day in a real Chromium: who accessed a case, a flag reviewed, the trail exported."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import Role
from audit.context import acting_as
from audit.flags import UNASSIGNED
from audit.models import Flag, FlagReview
from casework import services
from tests.browser.conftest import PASSWORD
from tests.browser.test_journey import TEXT, assert_accessible, sign_in
from tests.factories import UserFactory


def test_auditor_finds_who_accessed_a_case_reviews_a_flag_and_exports(browser, live_server, people, screenshot_dir):
    org, caseworker = people["org"], people["caseworker"]
    auditor = UserFactory(organization=org, role=Role.AUDITOR, username="audit@hope.example")
    auditor.set_password(PASSWORD)
    auditor.save()
    with acting_as(caseworker):
        case = services.case_create(
            actor=caseworker, title="Secret depot case", case_type="sex_trafficking", assigned_to=[caseworker]
        )
    reader = people["supervisor"]
    client_context = browser.new_context()
    reading = client_context.new_page()
    sign_in(reading, live_server.url, caseworker.username, TEXT["en"])
    reading.goto(f"{live_server.url}/cases/{case.pk}/")
    client_context.close()
    now = timezone.now()
    flag = Flag.objects.create(
        organization=org,
        kind=UNASSIGNED,
        subject=reader,
        object_type="casework.case",
        object_id=str(case.pk),
        window_start=now - dt.timedelta(hours=1),
        window_end=now,
        details={"reads": 1},
        key=f"{UNASSIGNED}:browser:{case.pk}",
    )

    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, auditor.username, TEXT["en"])
    page.get_by_role("link", name="Audit", exact=True).click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    assert_accessible(page, "timeline")

    page.get_by_role("link", name="Who accessed a case").click()
    page.get_by_label("Case reference").fill(case.reference)
    page.get_by_role("button", name="Show who accessed it").click()
    answer = page.get_by_role("region", name=re.compile(r"^\d+ access(es)?$")).last
    expect(answer).to_contain_text(caseworker.username)
    expect(answer).to_contain_text(case.reference)
    assert "Secret depot case" not in page.content()
    assert_accessible(page, "who accessed")

    page.get_by_role("link", name="Flags to review").click()
    page.get_by_role("button", name=f"Mark reviewed — flag {flag.pk}").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_label("Comment").fill("Covering a colleague's shift; confirmed with the supervisor.")
    page.get_by_role("button", name=f"Mark reviewed — flag {flag.pk}").click()
    expect(page.get_by_text("The flag is marked reviewed.")).to_be_visible()
    expect(page.get_by_text("No flag is waiting for review.")).to_be_visible()
    assert FlagReview.objects.get(flag=flag).reviewed_by == auditor
    assert_accessible(page, "flags")

    page.get_by_role("link", name="Timeline").click()
    page.get_by_label("Object id or case reference").fill(case.reference)
    page.get_by_role("button", name="Show entries").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    body = open(info.value.path(), encoding="utf-8").read()
    assert body.startswith("id,occurred_at,actor") and caseworker.username in body
    assert "Secret depot case" not in body
    page.screenshot(path=str(screenshot_dir / "audit-timeline.png"), full_page=True)
    context.close()

    phone = browser.new_context(viewport={"width": 375, "height": 812})
    small = phone.new_page()
    sign_in(small, live_server.url, auditor.username, TEXT["en"])
    for name, url in (
        ("timeline", "/audit/"),
        ("case", f"/audit/case/?reference={case.reference}"),
        ("flags", "/audit/flags/"),
    ):
        small.goto(live_server.url + url)
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (name, width)
        assert_accessible(small, f"audit {name} at 375 px")
        small.screenshot(path=str(screenshot_dir / f"phone-audit-{name}.png"), full_page=True)
    phone.close()
