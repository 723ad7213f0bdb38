"""Access logging, pinned query counts, security headers and the behaviour of the workspace pages."""

import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Case, Note, ServiceNeed, Task
from tests.ui.conftest import build_parts
from tests.ui.pages import PAGES

GET_PAGES = [p for p in PAGES if p.method == "GET"]


def ui_accesses():
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__channel="ui")


@pytest.mark.parametrize("ui_page", [p for p in GET_PAGES if p.shows_case], ids=str)
def test_a_case_page_writes_exactly_one_access_entry(ui_page, ui_world, client):
    w = ui_world
    client.force_login(w.supervisor)
    before = set(ui_accesses().values_list("pk", flat=True))
    assert client.get(reverse(ui_page.name, args=ui_page.args(w))).status_code == 200
    (entry,) = ui_accesses().exclude(pk__in=before)
    assert entry.object_pk == str(ui_page.shows(w).pk)
    assert entry.actor == w.supervisor
    assert entry.additional_data["organization"] == "hope-house"


def test_list_pages_log_one_access_per_case_shown(ui_world, client):
    w = ui_world
    client.force_login(w.supervisor)
    for url in (reverse("casework:case-list"), reverse("home")):
        before = set(ui_accesses().values_list("pk", flat=True))
        assert client.get(url).status_code == 200
        assert [e.object_pk for e in ui_accesses().exclude(pk__in=before)] == [str(w.a.case.pk)]


def test_a_denied_page_writes_no_access_entry(ui_world, client):
    w = ui_world
    client.force_login(w.unassigned)
    before = ui_accesses().count()
    assert client.get(reverse("casework:case-detail", args=[w.a.case.pk])).status_code == 404
    assert ui_accesses().count() == before


# --- pinned query counts ---------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("ui_page", [p for p in GET_PAGES if p.shows_case and p.scales], ids=str)
def test_case_pages_cost_the_same_for_1_and_50_parts(ui_page, ui_world, client):
    w = ui_world
    big = build_parts(w.supervisor, assignee=w.assigned, label="Big", count=50)
    client.force_login(w.assigned)

    def url(parts):
        args = ui_page.args(w)
        mapping = {
            w.a.case.pk: parts.case.pk,
            w.a.survivor.pk: parts.survivor.pk,
            w.a.note.pk: parts.note.pk,
            w.a.consent.pk: parts.consent.pk,
        }
        return reverse(ui_page.name, args=[mapping.get(a, a) for a in args])

    client.force_login(w.supervisor)
    client.get(url(w.a))  # warm caches (content types, sessions)
    assert count_queries(client, url(w.a)) == count_queries(client, url(big))


def test_lists_cost_the_same_for_1_and_50_cases(ui_world, client, django_assert_max_num_queries):
    w = ui_world
    client.force_login(w.assigned)
    client.get(reverse("home"))
    one = {name: count_queries(client, reverse(name)) for name in ("home", "casework:case-list")}
    for _ in range(49):
        build_parts(w.supervisor, assignee=w.assigned, label="More")
    fifty = {name: count_queries(client, reverse(name)) for name in ("home", "casework:case-list")}
    assert one == fifty
    # Session and user 2, second-factor devices 3, teams 1, count 1, page 1, assignees 1, organization
    # 1, and the access entries with their hash-chain links 6 (savepoint, one INSERT of entries, two
    # chain-head UPDATEs, one INSERT of links, release), the navigation's counts 2 (failed deliveries
    # of my shares, inbox items for me): 19, whatever the page holds.
    assert one["casework:case-list"] <= 19, one


# --- headers and markup ----------------------------------------------------------------------


@pytest.mark.parametrize("ui_page", GET_PAGES, ids=str)
def test_csp_no_store_and_no_inline_script_or_style(ui_page, ui_world, client):
    w = ui_world
    expected = ui_page.expected
    who = next(role for role in ("supervisor", "auditor", "org_admin") if expected.get(role) == 200)
    client.force_login(getattr(w, who))
    response = client.get(reverse(ui_page.name, args=ui_page.args(w)))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].split(";")[0] in ("text/html", "text/csv"), response["Content-Type"]
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"<style\b", html), "inline style element"
    assert not re.search(r"\sstyle=", html), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_sign_in_page_has_the_csp_too(client):
    response = client.get(reverse("login"))
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


# --- behaviour -------------------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_changes_nothing(ui_world, client):
    w = ui_world
    client.force_login(w.assigned)
    url = reverse("casework:case-edit", args=[w.a.case.pk])
    fields = {"title": w.a.case.title, "case_type": "sex_trafficking", "priority": "medium", "version": 1}
    assert client.post(url, fields | {"status": "open"}).status_code == 302
    stale = client.post(url, fields | {"status": "closed", "priority": "low"})
    assert stale.status_code == 409
    assert "Someone else changed this case" in stale.content.decode()
    case = Case.objects.get(pk=w.a.case.pk)
    assert (case.status, case.priority, case.version) == ("open", "medium", 2)
    # A part added from the stale page is refused the same way.
    before = Note.objects.count()
    refused = client.post(
        reverse("casework:notes-add", args=[case.pk]), {"version": 1, "body": "late", "sensitivity": "general"}
    )
    assert refused.status_code == 409 and Note.objects.count() == before


def test_htmx_section_update_and_errors_next_to_the_field(ui_world, client):
    w = ui_world
    client.force_login(w.assigned)
    url = reverse("casework:persons-add", args=[w.a.case.pk])
    response = client.post(
        url, {"version": 1, "role": "survivor", "given_name": "Nia", "phone": "(202) 555-0199"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="section-persons"')
    assert "+12025550199" in html and "<html" not in html
    bad = client.post(url, {"version": 1, "role": "survivor", "phone": "12"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    assert 'class="error-summary"' in bad.content.decode()
    assert 'id="id_person_phone_error"' in bad.content.decode()
    # Without htmx: the form on a page of its own, with the same message.
    page = client.post(url, {"version": 1, "role": "survivor", "phone": "12"})
    assert page.status_code == 422 and "<html" in page.content.decode()


def test_add_forms_are_rendered_when_opened_not_with_the_case_page(ui_world, client):
    w = ui_world
    client.force_login(w.assigned)
    case = w.a.case
    html = client.get(reverse("casework:case-detail", args=[case.pk])).content.decode()
    for section in ("persons", "notes", "needs", "indicators", "consents", "tasks"):
        url = reverse(f"casework:{section}-add", args=[case.pk])
        # The page links every add form (the page of its own without JavaScript; htmx loads it in place).
        assert f'hx-get="{url}"' in html and f'href="{url}"' in html
        assert f'action="{url}"' not in html, f"the {section} add form was rendered with the page"
        opened = client.get(url, HTTP_HX_REQUEST="true")
        assert opened.status_code == 200
        fragment = opened.content.decode()
        assert fragment.lstrip().startswith(f'<section class="card" id="section-{section}"') and "<html" not in fragment
        assert f'hx-post="{url}"' in fragment and f'hx-get="{url}"' not in fragment
    persons = client.get(reverse("casework:persons-add", args=[case.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="given_name"' in persons and 'id="id_person_given_name"' in persons
    # Without htmx the same URL is the form on a page of its own.
    page = client.get(reverse("casework:persons-add", args=[case.pk]))
    assert "<html" in page.content.decode() and 'name="given_name"' in page.content.decode()
    # Opening a form reads the case's section: logged like any read of it.
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(case.pk)).count()
    client.get(reverse("casework:notes-add", args=[case.pk]), HTTP_HX_REQUEST="true")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(case.pk)).count() == before + 1


def test_the_case_page_builds_no_add_form_until_one_is_opened(ui_world, client, monkeypatch):
    """Not only not rendered: not built either (the consent form reads the case's survivors, the
    task form the organization's colleagues)."""
    from casework import forms

    built = []
    add_forms = ("PersonForm", "NoteForm", "NeedForm", "IndicatorForm", "ConsentForm", "TaskForm")
    for name in add_forms:
        cls = getattr(forms, name)
        original = cls.__init__

        def recording(self, *args, _name=name, _original=original, **kwargs):
            built.append(_name)
            _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", recording)
    client.force_login(ui_world.assigned)
    case = ui_world.a.case
    assert client.get(reverse("casework:case-detail", args=[case.pk])).status_code == 200
    assert built == []
    opened = client.get(reverse("casework:consents-add", args=[case.pk]), HTTP_HX_REQUEST="true")
    assert opened.status_code == 200 and 'name="person"' in opened.content.decode()
    assert built == ["ConsentForm"]


@pytest.mark.parametrize("who", ["unassigned", "foreign"])
def test_add_forms_are_not_opened_for_someone_who_may_not_change_the_case(ui_world, client, who):
    client.force_login(getattr(ui_world, who))
    response = client.get(reverse("casework:notes-add", args=[ui_world.a.case.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert "Alpha note body" not in response.content.decode()


def test_a_view_only_grant_neither_opens_nor_submits_an_add_form(ui_world, client):
    from casework.permissions import VIEW_CASE
    from casework.services.grants import grant_users

    w = ui_world
    grant_users(w.a.case, [w.unassigned], codenames=(VIEW_CASE,))
    client.force_login(w.unassigned)
    assert client.get(reverse("casework:case-detail", args=[w.a.case.pk])).status_code == 200  # may read it
    url = reverse("casework:notes-add", args=[w.a.case.pk])
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert client.get(url).status_code == 404
    before = Note.objects.count()
    posted = client.post(url, {"version": w.a.case.version, "body": "not mine to add", "sensitivity": "general"})
    assert posted.status_code == 404 and Note.objects.count() == before


def test_amendment_is_shown_under_its_note(ui_world, client):
    w = ui_world
    client.force_login(w.assigned)
    html = client.get(reverse("casework:case-detail", args=[w.a.case.pk])).content.decode()
    note_at = html.index("Alpha note body 0")
    assert html.index("Alpha amendment 0") > note_at
    assert "Sensitivity: General" in html


def test_a_notes_amend_form_is_built_when_opened_not_with_the_case_page(ui_world, client, monkeypatch):
    """Built and rendered for every note it made a case's page grow with its notes."""
    from casework import forms

    built = []
    original = forms.AmendForm.__init__

    def recording(self, *args, **kwargs):
        built.append(kwargs.get("prefix"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(forms.AmendForm, "__init__", recording)
    w = ui_world
    client.force_login(w.assigned)
    case, note = w.a.case, w.a.note
    url = reverse("casework:note-amend", args=[case.pk, note.pk])
    html = client.get(reverse("casework:case-detail", args=[case.pk])).content.decode()
    assert built == []
    # htmx loads the form in place when the summary is first opened; the link is the page of its own.
    assert f'hx-get="{url}"' in html and f'href="{url}"' in html and f'action="{url}"' not in html
    opened = client.get(url, HTTP_HX_REQUEST="true")
    fragment = opened.content.decode()
    assert opened.status_code == 200 and "<html" not in fragment
    assert f'id="amend-form-{note.pk}"' in fragment and f'hx-post="{url}"' in fragment
    assert f'name="amend-{note.pk}-body"' in fragment
    assert built == [f"amend-{note.pk}"]  # that note's form, no other
    # Without htmx the same URL is the form on a page of its own.
    page = client.get(url).content.decode()
    assert "<html" in page and f'name="amend-{note.pk}-body"' in page


def test_an_amendment_with_errors_comes_back_open_under_its_note(ui_world, client):
    w = ui_world
    client.force_login(w.assigned)
    case, note = w.a.case, w.a.note
    url = reverse("casework:note-amend", args=[case.pk, note.pk])
    before = Note.objects.count()
    bad = client.post(
        url, {f"amend-{note.pk}-version": case.version, f"amend-{note.pk}-body": ""}, HTTP_HX_REQUEST="true"
    )
    fragment = bad.content.decode()
    assert bad.status_code == 422 and Note.objects.count() == before
    assert 'class="error-summary"' in fragment and f'name="amend-{note.pk}-body"' in fragment
    form_at = fragment.index(f'id="amend-form-{note.pk}"')
    assert fragment.rindex("<details open>", 0, form_at) > fragment.index("Alpha note body 0")
    good = client.post(
        url,
        {
            f"amend-{note.pk}-version": case.version,
            f"amend-{note.pk}-body": "Corrected",
            f"amend-{note.pk}-sensitivity": "general",
        },
        HTTP_HX_REQUEST="true",
    )
    assert good.status_code == 200 and "Corrected" in good.content.decode()
    assert Note.objects.count() == before + 1


def test_need_status_and_task_completion(ui_world, client):
    w = ui_world
    client.force_login(w.assigned)
    need = w.a.need
    client.post(
        reverse("casework:need-status", args=[w.a.case.pk, need.pk]),
        {f"need-{need.pk}-version": 1, f"need-{need.pk}-status": "referred"},
    )
    assert ServiceNeed.objects.get(pk=need.pk).status == "referred"
    client.post(reverse("casework:task-done", args=[w.a.case.pk, w.a.task.pk]), {"version": 1, "done": "true"})
    assert Task.objects.get(pk=w.a.task.pk).done_at is not None


def test_a_part_of_another_case_in_the_url_is_not_found(ui_world, client, make_case):
    w = ui_world
    client.force_login(w.supervisor)
    other = build_parts(w.supervisor, assignee=w.assigned, label="Other")
    url = reverse("casework:person-edit", args=[other.case.pk, w.a.survivor.pk])
    assert client.get(url).status_code == 404


def test_new_case_lands_on_its_page_with_its_reference(ui_world, client):
    w = ui_world
    client.force_login(w.assigned)
    response = client.post(
        reverse("casework:case-create"), {"title": "Hotline call", "case_type": "at_risk", "priority": "imminent"}
    )
    case = Case.objects.get(title="Hotline call")
    assert response["Location"] == reverse("casework:case-detail", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert case.reference in page and "Initial assessment" in page


def test_spanish_is_served_when_chosen(ui_world, client):
    w = ui_world
    client.force_login(w.assigned)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert 'lang="es"' in html


def test_the_language_chosen_follows_the_user_to_another_browser(ui_world, client):
    from django.test import Client

    w = ui_world
    client.force_login(w.assigned)
    client.post(reverse("language"), {"language": "es", "next": "/"})
    w.assigned.refresh_from_db()
    assert w.assigned.language == "es"
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en")  # another phone, no language cookie, an English browser
    elsewhere.force_login(w.assigned)
    assert 'lang="es"' in elsewhere.get(reverse("home")).content.decode()
    client.post(reverse("language"), {"language": "klingon", "next": "/"})
    w.assigned.refresh_from_db()
    assert w.assigned.language == "es", "an unknown language changes nothing"
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="es")
    assert 'lang="es"' in anonymous.get(reverse("login")).content.decode(), "the browser decides before sign-in"


def test_the_spanish_catalogue_is_complete_and_compiled():
    from pathlib import Path

    from django.conf import settings
    from django.utils import translation

    po = (Path(settings.BASE_DIR) / "locale/es/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]  # the first block is the header
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', e, re.M)]
    assert untranslated == [], untranslated[:3]
    assert "#, fuzzy" not in po
    with translation.override("es"):
        assert translation.gettext("Dashboard") == "Panel"
        assert translation.gettext("Only a supervisor assigns cases.") == "Solo un supervisor/a asigna casos."


def test_spanish_pages_and_messages(ui_world, client):
    w = ui_world
    client.force_login(w.assigned)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    html = client.get(reverse("casework:case-detail", args=[w.a.case.pk])).content.decode()
    assert "Tareas" in html and "Personas" in html and "Sensibilidad: General" in html
    bad = client.post(
        reverse("casework:persons-add", args=[w.a.case.pk]),
        {"version": 1, "role": "survivor", "date_of_birth": "2999-01-01"},
    )
    assert "La fecha de nacimiento no puede ser futura." in bad.content.decode()
