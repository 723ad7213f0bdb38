"""The auditor's workspace in the browser: thin views over the selectors and services the API uses.

Auditors only (everyone else 403). Entries show actor, action, object type and id (a case's
reference), channel, time and address as stored; never case content, never identity values.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import Role
from audit import forms
from audit.access import UI
from audit.api.views import export_response
from audit.selectors import AuditFilters, audit_trail, case_id_for_reference, flags_for, references_for_case_ids
from audit.services import flag_review
from config.errors import NotFound

PAGE_SIZE = 50
# The review service's messages, in the user's language.
REVIEW_ERRORS = {
    "Say what you found.": gettext_lazy("Say what you found."),
    "This flag is already reviewed.": gettext_lazy("This flag is already reviewed."),
}


def auditor_required(view):
    """Signed in (else the sign-in page) and an auditor (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.role != Role.AUDITOR or not user.is_active or user.organization_id is None:
            raise PermissionDenied(_("The audit trail is for auditors."))
        return view(request, *args, **kwargs)

    return wrapper


def with_references(auditor, entries: list[dict]) -> list[dict]:
    """A case entry shows the case's reference next to its id (one query; never its content)."""
    case_ids = {e["object_id"] for e in entries if e["object_type"] == "casework.case"}
    references = {}
    if case_ids:
        references = references_for_case_ids(auditor.organization_id, case_ids)
    return [
        {
            key: entry[key]
            for key in ("id", "occurred_at", "actor", "action", "object_type", "object_id", "channel", "remote_addr")
        }
        | {"reference": references.get(entry["object_id"]) if entry["object_type"] == "casework.case" else None}
        for entry in entries
    ]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filters_from(auditor, form) -> AuditFilters:
    data = form.cleaned_data
    obj = (data.get("object") or "").strip()
    reference = object_id = None
    if obj:
        if case_id_for_reference(auditor.organization_id, obj) is not None:
            reference = obj
        else:
            object_id = obj
    flagged = {"yes": True, "no": False}.get(data.get("flagged") or "")
    return AuditFilters(
        actor=data.get("actor") or None,
        action=data.get("action") or None,
        object_type=data.get("object_type") or None,
        object_id=object_id,
        reference=reference,
        channel=data.get("channel") or None,
        flagged=flagged,
        since=_day_start(data["since"]) if data.get("since") else None,
        until=_day_start(data["until"] + dt.timedelta(days=1)) if data.get("until") else None,
    )


@auditor_required
def timeline(request):
    """The filtered trail, newest first, a page at a time; ``?format=csv`` streams all of it."""
    params = request.GET
    form = forms.TimelineFilterForm(params)
    if not form.is_valid():
        return render(request, "audit/timeline.html", {"form": form, "entries": [], "nav": "audit"}, status=400)
    filters = filters_from(request.user, form)
    if params.get("format") == "csv":
        return export_response(auditor=request.user, filters=filters, channel=UI)
    before = parse_datetime(params.get("before", "")) if params.get("before") else None
    if before is not None:
        filters = AuditFilters(**{**filters.__dict__, "before": before, "before_id": params.get("before_id", "")})
    entries = with_references(request.user, audit_trail(auditor=request.user, filters=filters, limit=PAGE_SIZE))
    query = QueryDict(mutable=True)
    for name in form.fields:
        if params.get(name):
            query[name] = params[name]
    older = None
    if len(entries) == PAGE_SIZE:
        last = entries[-1]
        nxt = query.copy()
        nxt["before"] = last["occurred_at"].isoformat()
        nxt["before_id"] = last["id"]
        older = nxt.urlencode()
    csv_query = query.copy()
    csv_query["format"] = "csv"
    return render(
        request,
        "audit/timeline.html",
        {
            "form": form,
            "entries": entries,
            "query": query.urlencode(),
            "older": older,
            "csv_query": csv_query.urlencode(),
            "paged": before is not None,
            "nav": "audit",
        },
    )


@auditor_required
def case_accesses(request):
    """Who accessed case X (by its reference)."""
    form = forms.CaseReferenceForm(request.GET or None)
    entries = None
    if form.is_valid():
        reference = form.cleaned_data["reference"].strip()
        if case_id_for_reference(request.user.organization_id, reference) is None:
            form.add_error("reference", _("No case of your organization has this reference."))
        else:
            from audit.selectors import who_accessed_case

            entries = with_references(request.user, who_accessed_case(auditor=request.user, reference=reference))
    return render(request, "audit/question.html", {"form": form, "entries": entries, "mode": "case", "nav": "audit"})


@auditor_required
def user_accesses(request):
    """What did user Y access."""
    form = forms.UsernameForm(request.GET or None)
    entries = None
    if form.is_valid():
        from audit.selectors import what_user_accessed

        username = form.cleaned_data["username"].strip()
        entries = with_references(request.user, what_user_accessed(auditor=request.user, username=username))
    return render(request, "audit/question.html", {"form": form, "entries": entries, "mode": "user", "nav": "audit"})


def _flag_rows(auditor, failed=None):
    """Open flags first, then reviewed ones (newest first within each)."""

    open_flags = list(flags_for(auditor, reviewed=False)[:PAGE_SIZE])
    reviewed = list(flags_for(auditor, reviewed=True)[:PAGE_SIZE])
    case_ids = [f.object_id for f in open_flags + reviewed if f.object_type == "casework.case"]
    references = references_for_case_ids(auditor.organization_id, case_ids)
    for flag in open_flags + reviewed:
        flag.reference = references.get(flag.object_id) if flag.object_type == "casework.case" else None
        flag.details_text = ", ".join(f"{k}: {v}" for k, v in sorted((flag.details or {}).items()))
        flag.form = failed[1] if failed and failed[0] == flag.pk else forms.FlagReviewForm(prefix=f"flag-{flag.pk}")
    return open_flags, reviewed


@auditor_required
def flag_queue(request):
    open_flags, reviewed = _flag_rows(request.user)
    return render(request, "audit/flags.html", {"open_flags": open_flags, "reviewed": reviewed, "nav": "flags"})


@auditor_required
@require_POST
def flag_review_view(request, flag_id):
    flag = flags_for(request.user).filter(pk=flag_id).first()
    if flag is None:
        raise NotFound()
    form = forms.FlagReviewForm(request.POST, prefix=f"flag-{flag.pk}")
    if form.is_valid():
        try:
            flag_review(auditor=request.user, flag=flag, comment=form.cleaned_data["comment"], channel=UI)
        except ValidationError as exc:
            for message in exc.message_dict.get("comment", []):
                form.add_error("comment", REVIEW_ERRORS.get(message, message))
        else:
            messages.success(request, _("The flag is marked reviewed."))
            return redirect(reverse("audit:flags") + "#open-flags")
    open_flags, reviewed = _flag_rows(request.user, failed=(flag.pk, form))
    return render(
        request,
        "audit/flags.html",
        {"open_flags": open_flags, "reviewed": reviewed, "nav": "flags"},
        status=400,
    )
