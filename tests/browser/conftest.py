"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against a live server.

They never skip quietly: without ``/usr/bin/chromium`` the run fails with instructions, unless
``CASEBRIDGE_SKIP_BROWSER_TESTS=1`` says on purpose that this machine cannot run them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from accounts.choices import Role, Sector
from tests.factories import OrganizationFactory, UserFactory

# pytest-django's live_server runs the ORM from Playwright's event-loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-battery-staple"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if not any("tests/browser" in str(item.fspath) for item in items):
        return
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CASEBRIDGE_SKIP_BROWSER_TESTS") == "1":
        skip = pytest.mark.skip(reason="CASEBRIDGE_SKIP_BROWSER_TESTS=1 and no Chromium on this machine")
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)
        return
    raise pytest.UsageError(
        f"The browser tests need {CHROMIUM}: `apt-get install -y chromium` (never `playwright install`), "
        "or set CASEBRIDGE_SKIP_BROWSER_TESTS=1 to leave them out on purpose."
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def people(transactional_db):
    org = OrganizationFactory(slug="hope-house", name="Hope House", sector=Sector.NGO, case_prefix="HH")
    other = OrganizationFactory(slug="st-lukes", name="St Luke's Clinic", sector=Sector.HEALTH, case_prefix="SLC")
    caseworker = UserFactory(
        organization=org, role=Role.CASEWORKER, username="cw@hope.example", first_name="Ana", last_name="Ruiz"
    )
    supervisor = UserFactory(organization=org, role=Role.SUPERVISOR, username="sup@hope.example")
    for user in (caseworker, supervisor):
        user.set_password(PASSWORD)
        user.save()
    return {"org": org, "other": other, "caseworker": caseworker, "supervisor": supervisor}


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
