"""Sharing in the browser: the share wizard and its preview, the shares of a case, approvals, the
inbox and the accounting of disclosures.

Thin views over the sharing services and the selectors of ``sharing.selectors``: every case,
share and record comes through the access module (a foreign one is the plain 404 page), every
write is a service call whose ``ValidationError`` is shown next to the field it names. What a
page shows of a payload is read from the payload itself (``sharing.readable.describe``), never
recomputed: the preview is the dict ``share_preview`` returns, built by the code that delivers.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.access import UI, record_accesses
from casework import selectors as case_selectors
from casework.access import get_for_user
from casework.permissions import Action
from casework.views import (
    case_url,
    case_worker_required,
    log_case_read,
    render_section,
    supervisor_required,
)
from sharing import forms, selectors, services
from sharing.choices import LegalBasis, ShareStatus
from sharing.messages import localize, localized_messages
from sharing.models import RecordView, Share, SharedRecord
from sharing.readable import describe
from sharing.services.basis import MANDATORY_REPORT_SECTORS, consent_lapse
from sharing.services.delivery import content_hash
from sharing.services.inbox import record_opened
from sharing.services.shares import share_preview

WHO_FIELDS = ("recipient", "purpose")


def _log_records(request, records) -> None:
    record_accesses(records, actor=request.user, channel=UI, organization_slug=request.user.organization.slug)


def _apply(form, exc: ValidationError, fields=None) -> None:
    """A sharing service's refusal, in the reader's language, next to the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields and (fields is None or field in fields) else None
            form.add_error(target, [localize(e) for e in ValidationError(errors).error_list])
    else:
        form.add_error(None, [localize(e) for e in exc.error_list])


# --- the share wizard ------------------------------------------------------------------------


class Wizard:
    """The three steps of a share, carried from page to page in hidden fields (no JavaScript,
    no session state): who and why, on what basis, then check what will be shared."""

    def __init__(self, request, case):
        self.request = request
        self.case = case
        self.user = request.user
        self.recipients = selectors.share_recipients(case=case)
        data = request.POST if request.method == "POST" else None
        self.who = forms.RecipientForm(data, recipients=self.recipients, auto_id="id_share_%s")
        self.recipient = None
        self.purpose = None
        self.basis = None
        if data is not None and self.who.is_valid():
            self.recipient = self.who.recipients[self.who.cleaned_data["recipient"]]
            self.purpose = self.who.cleaned_data["purpose"]

    # The consents a share to this recipient for this purpose could rest on, and why the others cannot.
    def consent_options(self):
        now = timezone.now()
        usable, unusable = [], []
        for consent in selectors.case_consents(actor=self.user, case=self.case):
            lapse = consent_lapse(consent, recipient=self.recipient, purpose=self.purpose, at=now)
            person = consent.person
            name = " ".join(filter(None, [person.given_name, person.family_name])) or person.get_role_display()
            consent.choice_label = _("%(person)s — %(purpose)s, given %(given)s") % {
                "person": name,
                "purpose": consent.get_purpose_display(),
                "given": timezone.localtime(consent.given_at).date().isoformat(),
            }
            if lapse is None:
                usable.append(consent)
            else:
                consent.why_not = localize(ValidationError(lapse.message))
                unusable.append(consent)
        return usable, unusable

    def bases(self) -> list[str]:
        bases = [LegalBasis.CONSENT, LegalBasis.EMERGENCY]
        if self.case.involves_minor and self.recipient.sector in MANDATORY_REPORT_SECTORS:
            bases.append(LegalBasis.MANDATORY_REPORT)
        return bases

    def basis_form(self, bound: bool):
        usable, unusable = self.consent_options()
        data = self.request.POST if bound else None
        form = forms.BasisForm(data, bases=self.bases(), consents=usable, auto_id="id_share_%s")
        return form, usable, unusable

    def arguments(self, basis) -> dict:
        data = basis.cleaned_data
        consent = None
        if data["legal_basis"] == LegalBasis.CONSENT and data.get("consent"):
            consent = basis.consents[data["consent"]]
        return {
            "case": self.case,
            "recipient": self.recipient,
            "purpose": self.purpose,
            "legal_basis": data["legal_basis"],
            "consent": consent,
            "justification": data["justification"] if data["legal_basis"] == LegalBasis.EMERGENCY else "",
        }

    def render(self, step: str, *, status: int = 200, **extra):
        log_case_read(self.request, self.case)
        context = {
            "nav": "cases",
            "case": self.case,
            "step": step,
            "who": self.who,
            "recipient": self.recipient,
            "purpose": self.purpose,
            "recipients": self.recipients,
            **extra,
        }
        if step != "who":
            context["mandatory_report_offered"] = LegalBasis.MANDATORY_REPORT in self.bases()
            names = WHO_FIELDS if step == "basis" else (*WHO_FIELDS, "legal_basis", "consent", "justification")
            context["carry"] = [(n, self.request.POST.get(n, "")) for n in names if self.request.POST.get(n)]
            context["carry_who"] = [(n, self.request.POST.get(n, "")) for n in WHO_FIELDS]
        return render(self.request, f"sharing/share_{step}.html", context, status=status)


def preview_context(*, actor, case, recipient, payload: dict) -> dict:
    """What the check page shows: the payload, read for people, with our names beside the tokens."""
    readable = describe(payload, held_back=selectors.note_counts(actor=actor, case=case))
    persons = selectors.person_tokens(persons=selectors.case_persons(actor=actor, case=case), recipient=recipient)
    for person in readable["persons"]:
        ours = persons.get(person["token"])
        person["ours"] = ours
        if ours is not None and person["role"] is None:
            person["role"] = ours.role
    return {"payload": payload, "readable": readable, "preview_hash": content_hash(payload)}


@case_worker_required
@require_http_methods(["GET", "POST"])
def share_start(request, case_id):
    """Share a case: who and why → on what basis → check what will be shared → send."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id, action=Action.SHARE)
    wizard = Wizard(request, case)
    if request.method == "GET":
        return wizard.render("who")
    step = request.POST.get("step", "who")
    if step == "change" or not wizard.who.is_valid():
        return wizard.render("who", status=200 if step == "change" else 422)
    if step == "who":
        basis, usable, unusable = wizard.basis_form(bound=False)
        return wizard.render("basis", basis=basis, usable=usable, unusable=unusable)
    basis, usable, unusable = wizard.basis_form(bound=True)
    if not basis.is_valid():
        return wizard.render("basis", status=422, basis=basis, usable=usable, unusable=unusable)
    arguments = wizard.arguments(basis)
    try:
        payload = share_preview(actor=request.user, **arguments)
    except ValidationError as exc:
        fields = set(getattr(exc, "error_dict", {}))
        if fields & set(WHO_FIELDS):
            _apply(wizard.who, exc, WHO_FIELDS)
            return wizard.render("who", status=422)
        _apply(basis, exc)
        return wizard.render("basis", status=422, basis=basis, usable=usable, unusable=unusable)
    context = preview_context(actor=request.user, case=case, recipient=wizard.recipient, payload=payload)
    check = {"basis": basis, "arguments": arguments, **context}
    if step == "confirm":
        if request.POST.get("preview_hash") != context["preview_hash"]:
            # The case changed since the page the caseworker confirmed: show what would go now.
            return wizard.render("check", status=409, changed=True, **check)
        try:
            share = services.share_request(actor=request.user, **arguments)
        except ValidationError as exc:
            _apply(basis, exc)
            return wizard.render("basis", status=422, basis=basis, usable=usable, unusable=unusable)
        if share.status == ShareStatus.PENDING_APPROVAL:
            messages.success(
                request,
                _("Share with %(recipient)s requested. It waits for a supervisor's approval; nothing has been sent.")
                % {"recipient": share.recipient.name},
            )
        else:
            messages.success(
                request, _("Share with %(recipient)s queued for delivery.") % {"recipient": share.recipient.name}
            )
        return redirect(case_url(case, "shares"))
    return wizard.render("check", **check)


# --- the shares of a case --------------------------------------------------------------------


@case_worker_required
def shares_section(request, case_id):
    """The shares section of the case page (htmx polls it while a share is on its way)."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id)
    return render_section(request, case, "shares")


def _case_share(request, case_id, share_id, action=Action.SHARE):
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id, action=action)
    shares = Share.objects.select_related("recipient", "consent").filter(case=case)
    share = get_for_user(shares, user=request.user, pk=share_id, action=action)
    return case, share


@case_worker_required
@require_http_methods(["GET", "POST"])
def share_revoke(request, case_id, share_id):
    """Revoke a share, with a reason: the recipient's copy is erased, a tombstone with the reason stays."""
    case, share = _case_share(request, case_id, share_id)
    form = forms.RevokeForm(request.POST or None, auto_id="id_revoke_%s")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.share_revoke(actor=request.user, share=share, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(
                    request,
                    _("Share with %(recipient)s revoked. The recipient's copy has been erased.")
                    % {"recipient": share.recipient.name},
                )
                return redirect(case_url(case, "shares"))
        status = 422
    log_case_read(request, case)
    return render(
        request,
        "sharing/share_revoke.html",
        {"nav": "cases", "case": case, "share": share, "form": form},
        status=status,
    )


# --- approvals -------------------------------------------------------------------------------


@supervisor_required
def approvals(request):
    waiting = list(selectors.approvals_waiting(actor=request.user))
    record_accesses(
        {s.case_id: s.case for s in waiting}.values(),
        actor=request.user,
        channel=UI,
        organization_slug=request.user.organization.slug,
    )
    return render(request, "sharing/approvals.html", {"nav": "approvals", "waiting": waiting})


@supervisor_required
@require_http_methods(["GET", "POST"])
def approval_detail(request, share_id):
    """An emergency share awaiting approval: the justification, who asked, and the preview."""
    share = get_for_user(
        Share.objects.select_related("case", "recipient", "requested_by", "consent"),
        user=request.user,
        pk=share_id,
        action=Action.SHARE,
    )
    case = case_selectors.case_get_for_user(user=request.user, case_id=share.case_id, action=Action.SHARE)
    reject = forms.RejectForm(
        request.POST if request.POST.get("decision") == "reject" else None, auto_id="id_reject_%s"
    )
    problem = None
    status = 200
    if request.method == "POST" and share.status == ShareStatus.PENDING_APPROVAL:
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                services.share_approve(actor=request.user, share=share)
                messages.success(
                    request,
                    _("Approved: the share with %(recipient)s is on its way.") % {"recipient": share.recipient.name},
                )
                return redirect("sharing:approvals")
            if decision == "reject" and reject.is_valid():
                services.share_reject(actor=request.user, share=share, reason=reject.cleaned_data["reason"])
                messages.success(request, _("Rejected: nothing was sent."))
                return redirect("sharing:approvals")
        except ValidationError as exc:
            problem = " ".join(localized_messages(exc))
        status = 422
    preview, preview_error = None, None
    if share.status == ShareStatus.PENDING_APPROVAL:
        try:
            payload = share_preview(
                actor=request.user,
                case=case,
                recipient=share.recipient,
                purpose=share.purpose,
                legal_basis=share.legal_basis,
                consent=share.consent,
                justification=share.justification,
            )
        except ValidationError as exc:
            preview_error = " ".join(localized_messages(exc))
        else:
            preview = preview_context(actor=request.user, case=case, recipient=share.recipient, payload=payload)
    log_case_read(request, case)
    context = {
        "nav": "approvals",
        "case": case,
        "share": share,
        "reject": reject,
        "problem": problem,
        "preview_error": preview_error,
        **(preview or {}),
    }
    return render(request, "sharing/approval_detail.html", context, status=status)


# --- the inbox -------------------------------------------------------------------------------


@case_worker_required
def inbox(request):
    records = list(selectors.inbox(actor=request.user).order_by("-received_at", "id")[:200])
    opened = dict(
        RecordView.objects.restrict(request.user)
        .filter(record__in=[r.pk for r in records])
        .values_list("record_id", "version")
    )
    for record in records:
        record.last_opened = opened.get(record.pk)
    _log_records(request, records)
    return render(request, "sharing/inbox.html", {"nav": "inbox", "records": records})


def _record(request, record_id, action=Action.VIEW) -> SharedRecord:
    return get_for_user(selectors.inbox(actor=request.user), user=request.user, pk=record_id, action=action)


@case_worker_required
def record_detail(request, record_id):
    """A received record as a person reads it, with its manifest; a revoked one is only its tombstone."""
    record = _record(request, record_id)
    previous, changes = record_opened(actor=request.user, record=record)
    _log_records(request, [record])
    context = {
        "nav": "inbox",
        "record": record,
        "previous_version": previous,
        "changes": changes,
        "assign": forms.AssignForm(
            initial={"assigned_to": record.assigned_to_id},
            organization_id=request.user.organization_id,
            auto_id="id_assign_%s",
        ),
        "accept": forms.AcceptForm(auto_id="id_accept_%s"),
    }
    if record.payload:
        context["readable"] = describe(record.payload)
        context["payload"] = record.payload
    return render(request, "sharing/record_detail.html", context)


def _answered(request, record, message):
    messages.success(request, message)
    return redirect("sharing:record-detail", record_id=record.pk)


@case_worker_required
@require_POST
def record_acknowledge(request, record_id):
    record = _record(request, record_id, Action.ANSWER)
    try:
        services.record_acknowledge(actor=request.user, record=record)
    except ValidationError as exc:
        messages.error(request, " ".join(localized_messages(exc)))
        return redirect("sharing:record-detail", record_id=record.pk)
    return _answered(request, record, _("Acknowledged: the sender sees that you have it."))


@case_worker_required
@require_http_methods(["GET", "POST"])
def record_accept(request, record_id):
    record = _record(request, record_id, Action.ANSWER)
    form = forms.AcceptForm(request.POST or None, auto_id="id_accept_%s")
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_accept(actor=request.user, record=record, open_case=form.cleaned_data["open_case"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            if record.linked_case_id:
                messages.success(
                    request,
                    _("Accepted. Case %(reference)s opened, linked to the record.")
                    % {"reference": record.linked_case.reference},
                )
                return redirect(case_url(record.linked_case))
            return _answered(request, record, _("Accepted."))
    _log_records(request, [record])
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "sharing/record_answer.html",
        {"nav": "inbox", "record": record, "form": form, "answer": "accept"},
        status=status,
    )


@case_worker_required
@require_http_methods(["GET", "POST"])
def record_decline(request, record_id):
    record = _record(request, record_id, Action.ANSWER)
    form = forms.DeclineForm(request.POST or None, auto_id="id_decline_%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.record_decline(actor=request.user, record=record, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return _answered(request, record, _("Declined. The record has been erased; the sender sees your reason."))
    _log_records(request, [record])
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "sharing/record_answer.html",
        {"nav": "inbox", "record": record, "form": form, "answer": "decline"},
        status=status,
    )


@supervisor_required
@require_POST
def record_assign(request, record_id):
    record = _record(request, record_id, Action.ANSWER)
    form = forms.AssignForm(request.POST, organization_id=request.user.organization_id)
    if form.is_valid():
        try:
            services.record_assign(actor=request.user, record=record, assignee=form.cleaned_data["assigned_to"])
        except ValidationError as exc:
            messages.error(request, " ".join(localized_messages(exc)))
        else:
            assignee = form.cleaned_data["assigned_to"]
            who = assignee.get_full_name() or assignee.username if assignee else _("nobody")
            return _answered(request, record, _("Assigned to %(who)s.") % {"who": who})
    else:
        messages.error(request, _("Choose someone of your organization."))
    return redirect("sharing:record-detail", record_id=record.pk)


# --- accounting of disclosures ---------------------------------------------------------------


def disclosure_rows(*, actor, case):
    """Per person of the case, every disclosure about them (oldest first)."""
    disclosures = list(selectors.disclosures_of_case(actor=actor, case=case))
    persons = selectors.case_persons(actor=actor, case=case)
    by_person = []
    for person in persons:
        rows = []
        for disclosure in disclosures:
            for entry in disclosure.persons:
                if entry["person"] == str(person.pk):
                    rows.append({"d": disclosure, "entry": entry})
        by_person.append({"person": person, "rows": rows})
    return disclosures, by_person


@case_worker_required
def disclosures(request, case_id):
    """The accounting of disclosures of a case: who was given what about each person, when, and why."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id)
    all_rows, by_person = disclosure_rows(actor=request.user, case=case)
    log_case_read(request, case)
    return render(
        request,
        "sharing/disclosures.html",
        {"nav": "cases", "case": case, "disclosures": all_rows, "by_person": by_person},
    )


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet will not run: text starting like a formula is prefixed with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@case_worker_required
def disclosures_csv(request, case_id):
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id)
    _, by_person = disclosure_rows(actor=request.user, case=case)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="disclosures-{case.reference}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "case", "person", "role", "recipient", "recipient_sector", "delivered_at", "legal_basis", "consent",
            "purpose", "categories", "sent", "withheld", "version", "payload_sha256", "revoked_at", "revocation_reason",
        ]
    )  # fmt: skip
    for group in by_person:
        person = group["person"]
        name = " ".join(filter(None, [person.given_name, person.family_name]))
        for row in group["rows"]:
            d, entry = row["d"], row["entry"]
            share = d.share
            ended = share.status in (ShareStatus.REVOKED, ShareStatus.EXPIRED)
            writer.writerow(
                [
                    csv_cell(v)
                    for v in (
                        case.reference,
                        name,
                        person.role,
                        d.recipient.slug,
                        d.recipient.sector,
                        d.delivered_at.isoformat(),
                        d.legal_basis,
                        d.consent_id or "",
                        d.purpose,
                        " ".join(d.categories),
                        " ".join(f"{s['field']}:{s['as']}" for s in entry["sent"]),
                        " ".join(f"{w['field']}:{w['reason']}" for w in entry["withheld"]),
                        d.version,
                        d.payload_sha256,
                        share.ended_at.isoformat() if ended and share.ended_at else "",
                        share.ended_reason if ended else "",
                    )
                ]
            )
    log_case_read(request, case)
    return response
