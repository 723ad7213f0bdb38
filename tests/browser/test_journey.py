"""A caseworker's day in a real Chromium, in English and in Spanish, with axe-core on every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from audit.context import acting_as
from casework import services
from casework.models import Case, Task
from tests.browser.conftest import PASSWORD

AXE = Axe()

TEXT = {
    "en": {
        "username": "Username",
        "password": "Password",
        "sign_in": "Sign in",
        "new_case": "New case",
        "title": "Title",
        "case_type": "Case type",
        "priority": "Priority",
        "create": "Create case",
        "type_value": "Labor trafficking",
        "priority_value": "High",
        "add_person": "Add a person",
        "role": "Role in the case",
        "survivor": "Survivor",
        "given": "Given name",
        "family": "Family name",
        "phone": "Phone",
        "person_button": "Add person",
        "add_note": "Add a note",
        "note": "Note",
        "note_button": "Add note",
        "amend": "Amend this note",
        "amendment": "Amendment",
        "amend_button": "Add amendment",
        "add_need": "Add a need",
        "need": "Need",
        "need_value": "Medical",
        "need_button": "Add need",
        "add_indicator": "Add a technology indicator",
        "indicator_type": "Indicator type",
        "indicator_value": "Social media handle",
        "value": "Value",
        "indicator_button": "Add indicator",
        "add_consent": "Record a consent",
        "consent_person": "Survivor",
        "sector": "Health",
        "category": "Case summary",
        "purpose": "Purpose",
        "purpose_value": "Health care",
        "method": "How it was given",
        "method_value": "Written",
        "expires": "Expires on",
        "consent_button": "Record consent",
        "add_task": "Add a task",
        "task": "Task",
        "due": "Due",
        "task_button": "Add task",
        "dashboard": "Dashboard",
        "my_tasks": "My tasks due today or overdue",
        "done": "Mark as done",
        "done_badge": "Done",
        "cases": "Cases",
    },
    "es": {
        "username": "Usuario o correo electrónico",
        "password": "Contraseña",
        "sign_in": "Iniciar sesión",
        "new_case": "Nuevo caso",
        "title": "Título",
        "case_type": "Tipo de caso",
        "priority": "Prioridad",
        "create": "Crear caso",
        "type_value": "Trata con fines de explotación laboral",
        "priority_value": "Alta",
        "add_person": "Añadir una persona",
        "role": "Papel en el caso",
        "survivor": "Sobreviviente",
        "given": "Nombre",
        "family": "Apellidos",
        "phone": "Teléfono",
        "person_button": "Añadir persona",
        "add_note": "Añadir una nota",
        "note": "Nota",
        "note_button": "Añadir nota",
        "amend": "Enmendar esta nota",
        "amendment": "Enmienda",
        "amend_button": "Añadir enmienda",
        "add_need": "Añadir una necesidad",
        "need": "Necesidad",
        "need_value": "Médica",
        "need_button": "Añadir necesidad",
        "add_indicator": "Añadir un indicador tecnológico",
        "indicator_type": "Tipo de indicador",
        "indicator_value": "Usuario de red social",
        "value": "Valor",
        "indicator_button": "Añadir indicador",
        "add_consent": "Registrar un consentimiento",
        "consent_person": "Sobreviviente",
        "sector": "Salud",
        "category": "Resumen del caso",
        "purpose": "Finalidad",
        "purpose_value": "Atención sanitaria",
        "method": "Cómo se dio",
        "method_value": "Por escrito",
        "expires": "Vence el",
        "consent_button": "Registrar consentimiento",
        "add_task": "Añadir una tarea",
        "task": "Tarea",
        "due": "Vence",
        "task_button": "Añadir tarea",
        "dashboard": "Panel",
        "my_tasks": "Mis tareas para hoy o vencidas",
        "done": "Marcar como hecha",
        "done_badge": "Hecha",
        "cases": "Casos",
    },
}


def assert_accessible(page: Page, where: str) -> None:
    results = AXE.run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], (where, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious])


def sign_in(page: Page, base: str, username: str, t: dict) -> None:
    page.goto(f"{base}/login/")
    assert_accessible(page, "sign in")
    page.get_by_label(t["username"]).fill(username)
    page.get_by_label(t["password"]).fill(PASSWORD)
    page.get_by_role("button", name=t["sign_in"]).click()
    expect(page.get_by_role("navigation", name=re.compile("Main|Principal"))).to_be_visible()


@pytest.mark.parametrize("language", ["en", "es"])
def test_caseworker_journey(language, browser, live_server, people, screenshot_dir):
    t = TEXT[language]
    context = browser.new_context(
        locale="es-ES" if language == "es" else "en-US", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, live_server.url, people["caseworker"].username, t)
    assert_accessible(page, "dashboard")

    # New case → lands on its page showing its reference.
    page.get_by_role("link", name=t["new_case"], exact=True).click()
    assert_accessible(page, "new case")
    page.get_by_label(t["title"]).fill("Farm crew housed on site")
    page.get_by_label(t["case_type"]).select_option(label=t["type_value"])
    page.get_by_label(t["priority"]).select_option(label=t["priority_value"])
    page.get_by_role("button", name=t["create"]).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"HH-\d{4}-\d{5}"))
    case = Case.objects.get(title="Farm crew housed on site")
    expect(heading).to_contain_text(case.reference)
    assert_accessible(page, "case page")

    # A survivor with a phone number typed the local way: shown in E.164.
    people_section = page.locator("#section-persons")
    people_section.get_by_text(t["add_person"], exact=True).click()
    people_section.get_by_label(t["role"]).select_option(label=t["survivor"])
    people_section.get_by_label(t["given"]).fill("Marisol")
    people_section.get_by_label(t["family"]).fill("Quispe")
    people_section.get_by_label(t["phone"]).fill("(202) 555-0143")
    people_section.get_by_role("button", name=t["person_button"]).click()
    expect(page.locator("#section-persons")).to_contain_text("+12025550143")
    expect(page.locator("#section-persons")).to_contain_text("Marisol Quispe")

    # A note, then an amendment shown under it.
    notes = page.locator("#section-notes")
    notes.get_by_text(t["add_note"], exact=True).click()
    notes.get_by_label(t["note"], exact=True).fill("Met at the bus station; frightened of the crew boss.")
    notes.get_by_role("button", name=t["note_button"]).click()
    expect(page.locator("#section-notes")).to_contain_text("Met at the bus station")
    notes = page.locator("#section-notes")
    notes.get_by_text(t["amend"]).first.click()
    notes.get_by_label(t["amendment"]).fill("Correction: it was the train station.")
    notes.get_by_role("button", name=t["amend_button"]).click()
    expect(page.locator("#section-notes .amendments")).to_contain_text("it was the train station")

    # A need.
    needs = page.locator("#section-needs")
    needs.get_by_text(t["add_need"], exact=True).click()
    needs.get_by_label(t["need"], exact=True).select_option(label=t["need_value"])
    needs.get_by_role("button", name=t["need_button"]).click()
    expect(page.locator("#section-needs")).to_contain_text(t["need_value"])

    # An indicator, stored normalised.
    indicators = page.locator("#section-indicators")
    indicators.get_by_text(t["add_indicator"], exact=True).click()
    indicators.get_by_label(t["indicator_type"]).select_option(label=t["indicator_value"])
    indicators.get_by_label(t["value"], exact=True).fill("@Velvet_Rooms")
    indicators.get_by_role("button", name=t["indicator_button"]).click()
    expect(page.locator("#section-indicators")).to_contain_text("velvet_rooms")

    # A consent. The page was rendered before the survivor existed; its add form is loaded when
    # opened, so it already offers her.
    consents = page.locator("#section-consents")
    consents.get_by_text(t["add_consent"], exact=True).click()
    consents.get_by_label(t["consent_person"], exact=True).select_option(label="Marisol Quispe")
    consents.get_by_label(t["sector"], exact=True).check()
    consents.get_by_label(t["category"], exact=True).check()
    consents.get_by_label(t["purpose"], exact=True).select_option(label=t["purpose_value"])
    consents.get_by_label(t["method"]).select_option(label=t["method_value"])
    consents.get_by_label(t["expires"]).fill((timezone.localdate() + dt.timedelta(days=90)).isoformat())
    consents.get_by_role("button", name=t["consent_button"]).click()
    expect(page.locator("#section-consents")).to_contain_text(t["purpose_value"])

    # A task, due an hour ago: it is on the dashboard.
    tasks = page.locator("#section-tasks")
    tasks.get_by_text(t["add_task"], exact=True).click()
    tasks.get_by_label(t["task"], exact=True).fill("Call the shelter about a bed")
    due = timezone.localtime() - dt.timedelta(hours=1)
    tasks.get_by_label(t["due"], exact=True).fill(due.strftime("%Y-%m-%dT%H:%M"))
    tasks.get_by_role("button", name=t["task_button"]).click()
    expect(page.locator("#section-tasks")).to_contain_text("Call the shelter about a bed")
    assert_accessible(page, "case page with every part")

    page.get_by_role("link", name=t["dashboard"], exact=True).click()
    due_tasks = page.get_by_role("region", name=t["my_tasks"])
    expect(due_tasks).to_contain_text("Call the shelter about a bed")
    assert_accessible(page, "dashboard with the task")

    # Complete it from the case page.
    due_tasks.get_by_role("listitem").filter(has_text="Call the shelter").get_by_role(
        "link", name=case.reference
    ).click()
    page.get_by_role("button", name=f"{t['done']} Call the shelter about a bed").click()
    expect(page.locator("#section-tasks")).to_contain_text(t["done_badge"])
    assert Task.objects.get(title="Call the shelter about a bed").done_at is not None

    page.get_by_role("link", name=t["cases"], exact=True).click()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    assert_accessible(page, "case list")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.screenshot(path=str(screenshot_dir / f"journey-{language}.png"), full_page=True)
    assert dialogs == []
    context.close()


def test_a_stale_edit_in_a_second_tab_is_refused(browser, live_server, people, screenshot_dir):
    with acting_as(people["caseworker"]):
        case = services.case_create(actor=people["caseworker"], title="Two tabs", case_type="at_risk")
    context = browser.new_context()
    first = context.new_page()
    sign_in(first, live_server.url, people["caseworker"].username, TEXT["en"])
    second = context.new_page()
    edit = f"{live_server.url}/cases/{case.pk}/edit/"
    first.goto(edit)
    second.goto(edit)
    first.get_by_label("Status").select_option(label="Open")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_role("heading", level=1)).to_contain_text(case.reference)
    second.get_by_label("Priority").select_option(label="Imminent")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_role("alert")).to_contain_text("Someone else changed this case")
    assert_accessible(second, "conflict")
    case.refresh_from_db()
    assert (case.status, case.priority, case.version) == ("open", "medium", 2)
    second.screenshot(path=str(screenshot_dir / "stale-edit.png"), full_page=True)
    context.close()


def test_phone_sized_pages_do_not_scroll_sideways(browser, live_server, people, screenshot_dir):
    actor = people["caseworker"]
    with acting_as(actor):
        case = services.case_create(actor=actor, title="A rather long case title " * 4, case_type="sex_trafficking")
        services.person_add(actor=actor, case=case, role="survivor", given_name="Averyveryverylongname" * 3)
        services.indicator_add(
            actor=actor, case=case, kind="online_ad", value="https://example.org/" + "very-long-path-segment" * 10
        )
        services.note_add(actor=actor, case=case, body="word " * 300)
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    sign_in(page, live_server.url, actor.username, TEXT["en"])
    for name, url in (("case", f"/cases/{case.pk}/"), ("list", "/cases/"), ("dashboard", "/")):
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (name, width)
        assert_accessible(page, f"{name} at 375 px")
        page.screenshot(path=str(screenshot_dir / f"phone-{name}.png"), full_page=True)
    context.close()


HOSTILE = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">'
    "\"quotes' and \u202eRTL override\u202c \u200fmark"
)


def test_hostile_text_is_shown_escaped_and_never_runs(browser, live_server, people, screenshot_dir):
    actor = people["caseworker"]
    long_text = HOSTILE + " " + "x" * 5000
    with acting_as(actor):
        case = services.case_create(actor=actor, title=HOSTILE, case_type="other")
        services.person_add(actor=actor, case=case, role="survivor", given_name=HOSTILE[:120])
        services.note_add(actor=actor, case=case, body=long_text)
        services.indicator_add(actor=actor, case=case, kind="other", value=HOSTILE, platform=HOSTILE[:120])
        services.task_create(
            actor=actor, case=case, title=HOSTILE[:200], due_at=timezone.now() - dt.timedelta(minutes=5)
        )
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, live_server.url, actor.username, TEXT["en"])
    for url in (f"/cases/{case.pk}/", "/cases/", "/", f"/cases/{case.pk}/history/"):
        page.goto(live_server.url + url)
        assert page.evaluate("window.__pwned") is None, url
        assert page.locator("main script").count() == 0
        assert page.locator("main img").count() == 0
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (url, width)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("#section-notes")).to_contain_text("<script>window.__pwned = 1</script>")
    expect(page.get_by_role("heading", level=1)).to_contain_text("\"quotes'")
    assert dialogs == []
    page.screenshot(path=str(screenshot_dir / "hostile-text.png"), full_page=True)
    context.close()
