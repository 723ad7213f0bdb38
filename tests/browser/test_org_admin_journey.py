"""The organization admin in a real Chromium: a new user created, signed in and enrolled in TOTP;
a lockout shown on the sign-in page; an API client's secret shown once. axe-core on every org
admin page visited, and one of them at 375 px."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from accounts.choices import Role
from accounts.models import User
from tests.browser.conftest import PASSWORD
from tests.browser.test_journey import TEXT, assert_accessible, sign_in
from tests.factories import UserFactory

MAIN_NAV = re.compile("Main|Principal")


@pytest.fixture
def admin(people):
    user = UserFactory(organization=people["org"], role=Role.ORG_ADMIN, username="admin@hope.example")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture(autouse=True)
def _no_otp_retry_delay(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def admin_page(browser, live_server, admin) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, admin.username, TEXT["en"])
    page.get_by_role("navigation", name=MAIN_NAV).get_by_role("link", name="Organization", exact=True).click()
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    assert_accessible(page, "organization users")
    return page


def test_org_admin_creates_a_user_who_enrols_totp_and_reaches_the_dashboard(
    browser, live_server, admin, settings, screenshot_dir
):
    page = admin_page(browser, live_server, admin)
    page.get_by_role("link", name="Add a user").click()
    expect(page.get_by_role("heading", name="Add a user")).to_be_visible()
    assert_accessible(page, "add a user")
    page.get_by_label("Username", exact=True).fill("new@hope.example")
    page.get_by_label("Email", exact=True).fill("new@hope.example")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Role", exact=True).select_option(label="Caseworker")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("heading", name="User created")).to_be_visible()
    assert_accessible(page, "user created")
    password = page.get_by_test_id("initial-password").inner_text().strip()
    assert password
    page.screenshot(path=str(screenshot_dir / "org-user-created.png"), full_page=True)
    # Shown once: the user's page does not show it again.
    page.get_by_role("link", name="Go to the user").click()
    expect(page.get_by_role("heading", name=re.compile("new@hope.example"))).to_be_visible()
    assert password not in page.content()
    assert_accessible(page, "user detail")
    page.context.close()
    assert User.objects.get(username="new@hope.example").role == Role.CASEWORKER

    # From here on MFA is required for everyone (the org admin's own session is over).
    settings.CASEBRIDGE_MFA_REQUIRED = "all"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    newcomer = context.new_page()
    newcomer.goto(f"{live_server.url}/login/")
    newcomer.get_by_label("Username or email").fill("new@hope.example")
    newcomer.get_by_label("Password").fill(password)
    newcomer.get_by_role("button", name="Sign in").click()
    expect(newcomer).to_have_url(re.compile(r"/account/security/"))
    expect(newcomer.get_by_text("Your organization requires a second factor.")).to_be_visible()
    assert_accessible(newcomer, "enrol a second factor")
    key = newcomer.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]+=*", key), key
    assert f"Key: {key}" in newcomer.locator("body").inner_text()
    newcomer.get_by_label("One-time code").fill(pyotp.TOTP(key).now())
    newcomer.get_by_role("button", name="Turn on").click()
    expect(newcomer.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert newcomer.locator("ul.recovery-codes li").count() == 10
    newcomer.get_by_role("link", name="Continue").click()
    expect(newcomer.get_by_role("heading", name="What is due")).to_be_visible()
    expect(newcomer.get_by_role("navigation", name=MAIN_NAV)).to_be_visible()
    newcomer.screenshot(path=str(screenshot_dir / "org-new-user-dashboard.png"), full_page=True)
    context.close()


def test_too_many_failed_sign_ins_show_the_lockout_message(browser, live_server, people, settings, screenshot_dir):
    settings.AXES_FAILURE_LIMIT = 3  # read by django-axes at each request
    person = people["caseworker"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for n in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username or email").fill(person.username)
        page.get_by_label("Password").fill(f"wrong-guess-{n}")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_be_visible()
    # Even the right password is refused now, with a clear message.
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username or email").fill(person.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts")
    expect(page.get_by_role("navigation", name=MAIN_NAV)).to_have_count(0)
    assert_accessible(page, "locked out")
    page.screenshot(path=str(screenshot_dir / "sign-in-locked-out.png"), full_page=True)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    context.close()


def test_org_admin_creates_an_api_client_and_sees_its_secret_once(browser, live_server, admin, screenshot_dir):
    page = admin_page(browser, live_server, admin)
    page.get_by_role("navigation", name="Organization", exact=True).get_by_role("link", name="API clients").click()
    expect(page.get_by_role("heading", name="API clients", exact=True)).to_be_visible()
    assert_accessible(page, "api clients")

    # At 375 px the page fits: no sideways scrolling.
    page.set_viewport_size({"width": 375, "height": 812})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, ("api clients", width)
    assert_accessible(page, "api clients at 375 px")
    page.screenshot(path=str(screenshot_dir / "org-api-clients-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Name of the partner system").fill("Shelter intake app")
    page.get_by_label("Acts as").select_option(label="Caseworker")
    page.get_by_label("cases:read", exact=True).check()
    page.get_by_role("button", name="Create API client").click()
    expect(page.get_by_role("heading", name="API client created")).to_be_visible()
    assert_accessible(page, "api client created")
    secret = page.get_by_test_id("client-secret").inner_text().strip()
    assert len(secret) >= 20
    page.screenshot(path=str(screenshot_dir / "org-api-client-created.png"), full_page=True)

    page.get_by_role("link", name="Go to the API client").click()
    expect(page.get_by_role("heading", name="Shelter intake app")).to_be_visible()
    assert secret not in page.content()
    assert_accessible(page, "api client detail")
    page.reload()
    expect(page.get_by_role("heading", name="Shelter intake app")).to_be_visible()
    assert secret not in page.content()
    page.goto(f"{live_server.url}/organization/api-clients/")
    expect(page.get_by_role("link", name="Shelter intake app")).to_be_visible()
    assert secret not in page.content()
    page.context.close()
