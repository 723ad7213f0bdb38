"""The caseworker's workspace in the browser: thin views over the same selectors and services as the API.

Every case comes through ``case_get_for_user`` / ``part_get_for_user`` (a missing or foreign case
is the plain 404 page), every list through ``case_list`` and the ``restrict`` choke point. Forms
check shape, services decide the rules; a service's ``ValidationError`` is shown next to its field.
Sections of the case page are updated with htmx: the same view renders the section alone when
``request.htmx``, the whole page otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import Count, Q, Value, When
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.access import UI, record_accesses
from audit.selectors import log_entries_for_cases
from casework import forms, selectors, services
from casework.choices import CaseStatus, Priority
from casework.filters import CaseListFilterSet
from casework.messages import localize
from casework.models import Case, Consent, Note, Person, ServiceNeed, Task, TechnologyIndicator
from casework.permissions import Action
from casework.services.errors import VersionConflict
from config.errors import NotFound
from sharing.choices import LIVE_SHARE_STATUSES
from sharing.models import Share

PAGE_SIZE = 25
DUE_SOON_DAYS = 14


# --- plumbing --------------------------------------------------------------------------------


def case_worker_required(view):
    """Signed in (else the sign-in page) and a caseworker or supervisor (else 403): organization
    admins and auditors never see case content."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.works_cases:
            raise PermissionDenied(_("Case content is not available to your role."))
        return view(request, *args, **kwargs)

    return wrapper


def supervisor_required(view):
    @case_worker_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_supervisor:
            raise PermissionDenied(_("Only a supervisor assigns cases."))
        return view(request, *args, **kwargs)

    return wrapper


def log_case_read(request, case: Case) -> None:
    """One access entry (channel ``ui``) for a page that shows a case's content."""
    record_accesses([case], actor=request.user, channel=UI, organization_slug=request.user.organization.slug)


def log_cases_read(request, cases) -> None:
    """A list page shows each case's reference and title: one access entry per case, in one insert."""
    unique = {case.pk: case for case in cases}
    record_accesses(unique.values(), actor=request.user, channel=UI, organization_slug=request.user.organization.slug)


def apply_errors(form, exc: ValidationError) -> None:
    """A service's refusal, shown next to the field it names (or at the top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            messages_ = [localize(error) for error in ValidationError(errors).error_list]
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, [localize(error) for error in exc.error_list])


def conflict_message(case: Case) -> str:
    return _(
        "Someone else changed this case while you were working on it (it is now at version %(version)s). "
        "Nothing was saved. Check the case as it is now and make your change again."
    ) % {"version": case.version}


def check_version(form, case: Case) -> None:
    """Refuse a write made from a page showing an older version of the case."""
    if form.cleaned_data["version"] != case.version:
        raise VersionConflict(expected=form.cleaned_data["version"], current=case.version)


def priority_ranked(queryset):
    """Imminent first, then high, medium, low."""
    order = [Priority.IMMINENT, Priority.HIGH, Priority.MEDIUM, Priority.LOW]
    return queryset.annotate(
        priority_rank=When_(*[When(priority=p, then=Value(i)) for i, p in enumerate(order)], default=Value(9))
    )


def age_of(person: Person) -> tuple[int | None, bool]:
    """Age today, from the date of birth, or from the estimate and the day it was made."""
    today = timezone.localdate()

    def years(since: dt.date) -> int:
        return today.year - since.year - ((today.month, today.day) < (since.month, since.day))

    if person.date_of_birth:
        return years(person.date_of_birth), False
    if person.estimated_age is not None:
        since = person.age_estimated_on or today
        return person.estimated_age + years(since), True
    return None, False


def case_url(case: Case, section: str | None = None) -> str:
    url = reverse("casework:case-detail", args=[case.pk])
    return f"{url}#section-{section}" if section else url


# --- dashboard -------------------------------------------------------------------------------


@login_required
def dashboard(request):
    """What is due: my open cases, tasks due today or overdue, consents about to expire, recent
    activity; supervisors also see the organization's unassigned cases."""
    user = request.user
    if not user.works_cases:
        return render(request, "casework/dashboard_no_cases.html", {"nav": "dashboard"})
    now = timezone.now()
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=999999)
    mine = priority_ranked(selectors.case_list(actor=user).filter(assigned_to=user)).exclude(status=CaseStatus.CLOSED)
    my_cases = list(mine.order_by("priority_rank", "-updated_at")[:20])

    tasks = selectors.task_list(actor=user).filter(done_at__isnull=True, due_at__lte=end_of_today)
    if not user.is_supervisor:
        tasks = tasks.filter(assignee=user)
    due_tasks = list(tasks.order_by("due_at", "id")[:50])

    consents = selectors.consent_list(actor=user).filter(
        withdrawn_at__isnull=True, expires_at__gt=now, expires_at__lte=now + dt.timedelta(days=DUE_SOON_DAYS)
    )
    if not user.is_supervisor:
        consents = consents.filter(case__assigned_to=user)
    expiring = list(consents.order_by("expires_at", "id")[:50])

    unassigned = []
    if user.is_supervisor:
        unassigned = list(
            priority_ranked(selectors.case_list(actor=user))
            .filter(assigned_to__isnull=True, team__isnull=True)
            .exclude(status=CaseStatus.CLOSED)
            .order_by("priority_rank", "opened_at")[:20]
        )

    my_ids = [str(case.pk) for case in my_cases]
    activity = []
    if my_ids:
        activity = list(
            log_entries_for_cases(organization_id=user.organization_id, case_ids=my_ids, limit=15, changes_only=True)
        )
    references = {str(case.pk): case for case in my_cases}
    for entry in activity:
        entry.case = references.get(entry.object_pk) or references.get((entry.additional_data or {}).get("case_id"))

    shown = my_cases + unassigned + [t.case for t in due_tasks] + [c.case for c in expiring]
    log_cases_read(request, shown)
    return render(
        request,
        "casework/dashboard.html",
        {
            "nav": "dashboard",
            "my_cases": my_cases,
            "due_tasks": due_tasks,
            "expiring": expiring,
            "unassigned": unassigned,
            "activity": activity,
            "now": now,
        },
    )


# --- cases -----------------------------------------------------------------------------------


@case_worker_required
def case_list(request):
    base = priority_ranked(selectors.case_list(actor=request.user)).prefetch_related("assigned_to")
    filterset = CaseListFilterSet(request.GET, queryset=base, request=request, user=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    log_cases_read(request, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "casework/case_list.html",
        {"nav": "cases", "filter": filterset, "page": page, "query": query.urlencode()},
    )


@case_worker_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    form = forms.CaseCreateForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                case = services.case_create(
                    actor=request.user,
                    title=data["title"],
                    case_type=data["case_type"],
                    priority=data["priority"],
                    assigned_to=list(data.get("assigned_to") or []) or None,
                    team=data.get("team"),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Case %(reference)s created.") % {"reference": case.reference})
                return redirect(case_url(case))
        status = 422
    return render(request, "casework/case_create.html", {"nav": "new", "form": form}, status=status)


SECTION_NAMES = ("tasks", "persons", "notes", "needs", "indicators", "consents", "shares")


def section_context(request, case: Case, name: str, form=None, **extra) -> dict:
    """What one section of the case page shows: its rows (through the choke point) and its form."""
    user = request.user
    version = {"version": case.version}
    context = {"case": case, "section": name, **extra}
    wants_form = form is not None or bool(extra.get("open_form"))

    def add_form(build):
        # The add form as submitted, or built only when it is rendered (asked for when first
        # opened): otherwise ``_add_form.html`` shows a placeholder, and building six forms (the
        # consent form's survivors, the task form's colleagues) was wasted work on every page view.
        if form is not None:
            return form
        return build() if wants_form else None

    if name == "persons":
        persons = list(Person.objects.restrict(user).filter(case=case).order_by("created_at", "id"))
        for person in persons:
            person.age, person.age_is_estimate = age_of(person)
        context["persons"] = persons
        context["form"] = add_form(lambda: forms.PersonForm(initial=version, auto_id="id_person_%s"))
    elif name == "notes":
        notes = list(
            Note.objects.restrict(user).filter(case=case).select_related("author").order_by("created_at", "id")
        )
        by_id = {note.pk: note for note in notes}
        for note in notes:
            note.amendment_list = []
        originals = []
        for note in notes:
            root = note
            while root.amends_id is not None and root.amends_id in by_id:
                root = by_id[root.amends_id]
            (originals if root is note else root.amendment_list).append(note)
        # Like the add forms, a note's amend form is built only when it is opened (``open_amend``,
        # the htmx request its summary sends) or comes back with errors: built and rendered for
        # every note, it cost the page about 2 ms a note, so a case's page grew with its notes.
        for note in originals:
            note.amend_form = None
            if extra.get("open_amend") == note.pk:
                note.amend_form = forms.AmendForm(
                    initial={**version, "sensitivity": note.sensitivity}, prefix=f"amend-{note.pk}"
                )
        if form is not None and extra.get("amend_note"):
            for note in originals:
                if note.pk == extra["amend_note"]:
                    note.amend_form = form
            form = None
        context["notes"] = originals
        context["form"] = add_form(lambda: forms.NoteForm(initial=version, auto_id="id_note_%s"))
    elif name == "needs":
        needs = list(ServiceNeed.objects.restrict(user).filter(case=case).order_by("created_at", "id"))
        for need in needs:
            need.status_form = forms.NeedStatusForm(
                initial={**version, "status": need.status}, prefix=f"need-{need.pk}"
            )
        context["needs"] = needs
        context["form"] = add_form(lambda: forms.NeedForm(initial=version, auto_id="id_need_%s"))
    elif name == "indicators":
        indicators = list(TechnologyIndicator.objects.restrict(user).filter(case=case).order_by("created_at", "id"))
        matches = selectors.indicator_matches(case=case, indicators=indicators)
        for indicator in indicators:
            indicator.matches = matches.get(indicator.fingerprint)
        context["indicators"] = indicators
        context["form"] = add_form(lambda: forms.IndicatorForm(initial=version, auto_id="id_indicator_%s"))
    elif name == "consents":
        consents = list(
            Consent.objects.restrict(user)
            .filter(case=case)
            .select_related("person")  # what the section shows; not who recorded it
            .prefetch_related("scope_organizations")
            .annotate(live_shares=Count("shares", filter=Q(shares__status__in=LIVE_SHARE_STATUSES)))
            .order_by("created_at", "id")
        )
        context["consents"] = consents
        context["now"] = timezone.now()

        def consent_form():
            survivors = Person.objects.restrict(user).filter(case=case, role="survivor").order_by("created_at", "id")
            return forms.ConsentForm(initial=version, persons=list(survivors), user=user, auto_id="id_consent_%s")

        context["form"] = add_form(consent_form)
    elif name == "shares":
        from sharing import selectors as sharing_selectors
        from sharing.choices import REVOCABLE_SHARE_STATUSES, ShareStatus

        shares = list(sharing_selectors.shares_of_case(actor=user, case=case))
        context["shares"] = shares
        context["may_share"] = sharing_selectors.may_share(actor=user, case=case)
        context["revocable"] = REVOCABLE_SHARE_STATUSES
        # Polled while a share is on its way; the polling stops once every share has settled.
        context["polling"] = any(s.status in (ShareStatus.QUEUED, ShareStatus.PENDING_APPROVAL) for s in shares)
    elif name == "tasks":
        tasks = list(
            Task.objects.restrict(user)
            .filter(case=case)
            .select_related("assignee")  # what the section shows; not who created it
            .order_by("done_at", "due_at", "id")
        )
        context["tasks"] = sorted(tasks, key=lambda t: (t.done_at is not None, t.due_at))
        context["now"] = timezone.now()
        context["form"] = add_form(lambda: forms.TaskForm(initial=version, user=user, auto_id="id_task_%s"))
    return context


def render_section(request, case: Case, name: str, *, form=None, status: int = 200, **extra):
    """The section alone (htmx) or the whole case page with that section's form as submitted."""
    if request.htmx:
        log_case_read(request, case)
        return render(
            request, f"casework/_{name}.html", section_context(request, case, name, form, **extra), status=status
        )
    return case_page(request, case, status=status, forms_by_section={name: (form, extra)})


def case_page(request, case: Case, *, status: int = 200, forms_by_section=None):
    forms_by_section = forms_by_section or {}
    sections = []
    for name in SECTION_NAMES:
        form, extra = forms_by_section.get(name, (None, {}))
        context = section_context(request, case, name, form, **extra)
        sections.append(render_to_string(f"casework/_{name}.html", context, request=request))
    log_case_read(request, case)
    assignees = list(case.assigned_to.all())
    context = {"nav": "cases", "case": case, "assignees": assignees, "sections": sections}
    return render(request, "casework/case_detail.html", context, status=status)


@case_worker_required
def case_detail(request, case_id):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    return case_page(request, case)


def _case_form_page(request, case_id, form, *, changes, heading, saved):
    """A form that changes the case itself, from the version it was rendered from: a stale version
    is refused (409) with what changed, a service's refusal is shown next to its field (422)."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, action=Action.CHANGE)
    form = form(case)
    status, conflict = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_update(
                    actor=request.user, case=case, expected_version=form.cleaned_data["version"], **changes(form)
                )
            except VersionConflict:
                case = selectors.case_get_for_user(user=request.user, case_id=case_id)
                conflict, status = conflict_message(case), 409
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 422
            else:
                messages.success(request, saved % {"reference": case.reference})
                return redirect(case_url(case))
        else:
            status = 422
    log_case_read(request, case)
    return render(
        request,
        "casework/case_edit.html",
        {"nav": "cases", "case": case, "form": form, "conflict": conflict, "heading": heading},
        status=status,
    )


CASE_FIELDS = ("title", "case_type", "priority", "status")


@case_worker_required
@require_http_methods(["GET", "POST"])
def case_edit(request, case_id):
    """Title, type, priority and status (intake → open → closed, or reopen), from a known version."""

    def form(case):
        initial = {f: getattr(case, f) for f in CASE_FIELDS} | {"version": case.version}
        return forms.CaseEditForm(request.POST or None, initial=initial)

    return _case_form_page(
        request,
        case_id,
        form,
        changes=lambda f: {k: v for k, v in f.cleaned_data.items() if k != "version"},
        heading=_("Change case"),
        saved=_("Case %(reference)s saved."),
    )


@supervisor_required
@require_http_methods(["GET", "POST"])
def case_assign(request, case_id):
    """Assignees and team (supervisors), from a known version."""

    def form(case):
        initial = {"version": case.version, "assigned_to": list(case.assigned_to.all()), "team": case.team}
        return forms.AssignmentForm(request.POST or None, initial=initial, user=request.user)

    return _case_form_page(
        request,
        case_id,
        form,
        changes=lambda f: {"assigned_to": list(f.cleaned_data["assigned_to"]), "team": f.cleaned_data["team"]},
        heading=_("Assignment and team"),
        saved=_("Assignment of %(reference)s saved."),
    )


@case_worker_required
def case_history(request, case_id):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    entries = list(selectors.case_history(case=case))
    log_case_read(request, case)
    return render(request, "casework/case_history.html", {"nav": "cases", "case": case, "entries": entries})


# --- parts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartSection:
    form: type
    add: object  # (actor, case, form) -> the new part

    def make_form(self, request, case, data=None, section=""):
        kwargs = {"initial": {"version": case.version}, "auto_id": f"id_{section.rstrip('s')}_%s"}
        if self.form in (forms.TaskForm,):
            kwargs["user"] = request.user
        if self.form is forms.ConsentForm:
            kwargs["user"] = request.user
            kwargs["persons"] = list(
                Person.objects.restrict(request.user).filter(case=case, role="survivor").order_by("created_at", "id")
            )
        return self.form(data, **kwargs)


def _add_person(actor, case, form):
    return services.person_add(actor=actor, case=case, **form.service_data())


def _add_note(actor, case, form):
    return services.note_add(
        actor=actor, case=case, body=form.cleaned_data["body"], sensitivity=form.cleaned_data["sensitivity"]
    )


def _add_need(actor, case, form):
    return services.need_add(actor=actor, case=case, kind=form.cleaned_data["kind"], detail=form.cleaned_data["detail"])


def _add_indicator(actor, case, form):
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    return services.indicator_add(actor=actor, case=case, **data)


def _add_consent(actor, case, form):
    return services.consent_record(actor=actor, case=case, **form.service_data())


def _add_task(actor, case, form):
    return services.task_create(
        actor=actor,
        case=case,
        title=form.cleaned_data["title"],
        due_at=form.cleaned_data["due_at"],
        assignee=form.cleaned_data["assignee"],
    )


PART_SECTIONS = {
    "persons": PartSection(forms.PersonForm, _add_person),
    "notes": PartSection(forms.NoteForm, _add_note),
    "needs": PartSection(forms.NeedForm, _add_need),
    "indicators": PartSection(forms.IndicatorForm, _add_indicator),
    "consents": PartSection(forms.ConsentForm, _add_consent),
    "tasks": PartSection(forms.TaskForm, _add_task),
}
PART_HEADINGS = {
    "persons": lambda: _("Add a person"),
    "notes": lambda: _("Add a note"),
    "needs": lambda: _("Add a need"),
    "indicators": lambda: _("Add a technology indicator"),
    "consents": lambda: _("Record a consent"),
    "tasks": lambda: _("Add a task"),
}
ADDED = {
    "persons": lambda: _("Person added."),
    "notes": lambda: _("Note added."),
    "needs": lambda: _("Need added."),
    "indicators": lambda: _("Indicator added."),
    "consents": lambda: _("Consent recorded."),
    "tasks": lambda: _("Task added."),
}


def form_page(request, case, form, *, heading, status=200, conflict=None, action=None, extra=None):
    """A part's form on a page of its own: the no-JavaScript path, and where errors are shown."""
    log_case_read(request, case)
    extra = dict(extra or {})
    template = extra.pop("template", "casework/part_form.html")
    context = {
        "nav": "cases",
        "case": case,
        "form": form,
        "heading": heading,
        "conflict": conflict,
        "action": action or request.path,
        **extra,
    }
    return render(request, template, context, status=status)


def _write(request, case, form, section, *, write, success, extra=None, heading="", form_extra=None):
    """Validate, check the version, call the service; answer with the section (htmx), a redirect
    to the case page (success without htmx), or the form again with its errors."""
    conflict = None
    if form.is_valid():
        try:
            check_version(form, case)
            write()
        except VersionConflict:
            conflict = conflict_message(case)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if request.htmx:
                messages_now = [success]
                return render_section(request, case, section, flash=messages_now)
            messages.success(request, success)
            return redirect(case_url(case, section))
    status = 409 if conflict else 422
    if request.htmx:
        return render_section(request, case, section, form=form, status=status, conflict=conflict, **(extra or {}))
    return form_page(request, case, form, heading=heading, status=status, conflict=conflict, extra=form_extra)


@case_worker_required
@require_http_methods(["GET", "POST"])
def part_add(request, case_id, section):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, action=Action.CHANGE)
    part = PART_SECTIONS[section]
    heading = PART_HEADINGS[section]()
    if request.method == "GET":
        if request.htmx:  # the case page's add form, opened for the first time: its section, form open
            return render_section(request, case, section, open_form=True)
        return form_page(request, case, part.make_form(request, case, section=section), heading=heading)
    form = part.make_form(request, case, request.POST, section=section)
    return _write(
        request,
        case,
        form,
        section,
        write=lambda: part.add(request.user, case, form),
        success=ADDED[section](),
        heading=heading,
    )


def _part(request, model, case_id, part_id):
    """A part of the case in the URL, if the user may change it; anything else is a 404."""
    part = selectors.part_get_for_user(model=model, user=request.user, part_id=part_id, action=Action.CHANGE)
    if part.case_id != case_id:
        raise NotFound("Not found.")
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, action=Action.CHANGE)
    return part, case


@case_worker_required
@require_http_methods(["GET", "POST"])
def person_edit(request, case_id, person_id):
    person, case = _part(request, Person, case_id, person_id)
    initial = {
        "version": case.version,
        "role": person.role,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "aliases": ", ".join(person.aliases),
        "date_of_birth": person.date_of_birth,
        "estimated_age": person.estimated_age,
        "gender": person.gender,
        "languages": ", ".join(person.languages),
        "nationality": person.nationality,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
    }
    form = forms.PersonForm(request.POST or None, initial=initial)
    heading = _("Change a person's details")
    if request.method == "GET":
        return form_page(request, case, form, heading=heading)
    return _write(
        request,
        case,
        form,
        "persons",
        write=lambda: services.person_update(actor=request.user, person=person, **form.service_data()),
        success=_("Person saved."),
        heading=heading,
    )


@case_worker_required
@require_http_methods(["GET", "POST"])
def note_amend(request, case_id, note_id):
    note, case = _part(request, Note, case_id, note_id)
    if request.method == "GET" and request.htmx:  # opened on the case page: the section, that form open
        return render_section(request, case, "notes", open_amend=note.pk)
    form = forms.AmendForm(
        request.POST or None,
        initial={"version": case.version, "sensitivity": note.sensitivity},
        prefix=f"amend-{note.pk}",
    )
    heading = _("Amend a note")
    if request.method == "GET":
        return form_page(request, case, form, heading=heading, extra={"amended_note": note})
    return _write(
        request,
        case,
        form,
        "notes",
        write=lambda: services.note_amend(
            actor=request.user, note=note, body=form.cleaned_data["body"], sensitivity=form.cleaned_data["sensitivity"]
        ),
        success=_("Amendment added under the note."),
        extra={"amend_note": note.pk},
        heading=heading,
        form_extra={"amended_note": note},
    )


@case_worker_required
@require_POST
def need_status(request, case_id, need_id):
    need, case = _part(request, ServiceNeed, case_id, need_id)
    form = forms.NeedStatusForm(request.POST, prefix=f"need-{need.pk}")
    return _write(
        request,
        case,
        form,
        "needs",
        write=lambda: services.need_update(actor=request.user, need=need, status=form.cleaned_data["status"]),
        success=_("Need updated."),
        heading=_("Change a need's status"),
    )


@case_worker_required
@require_POST
def task_done(request, case_id, task_id):
    task, case = _part(request, Task, case_id, task_id)
    form = forms.TaskDoneForm(request.POST)
    done = request.POST.get("done") == "true"
    return _write(
        request,
        case,
        form,
        "tasks",
        write=lambda: services.task_update(actor=request.user, task=task, done=done),
        success=_("Task completed.") if done else _("Task reopened."),
        heading=_("Task"),
    )


@case_worker_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, case_id, consent_id):
    """Withdrawing a consent says first which live shares it revokes."""
    consent, case = _part(request, Consent, case_id, consent_id)
    shares = list(
        Share.objects.restrict(request.user)
        .filter(consent=consent, status__in=LIVE_SHARE_STATUSES)
        .select_related("recipient")
        .order_by("created_at")
    )
    form = forms.WithdrawForm(request.POST or None, initial={"version": case.version})
    extra = {"consent": consent, "shares": shares, "template": "casework/consent_withdraw.html"}
    heading = _("Withdraw a consent")
    if request.method == "GET" or consent.withdrawn_at is not None:
        return form_page(request, case, form, heading=heading, extra=extra)
    if form.is_valid():
        try:
            check_version(form, case)
            services.consent_withdraw_with_reason(
                actor=request.user, consent=consent, reason=form.cleaned_data["reason"]
            )
        except VersionConflict:
            return form_page(
                request, case, form, heading=heading, status=409, conflict=conflict_message(case), extra=extra
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Consent withdrawn. %(count)s live share(s) revoked.") % {"count": len(shares)},
            )
            return redirect(case_url(case, "consents"))
    return form_page(request, case, form, heading=heading, status=422, extra=extra)
