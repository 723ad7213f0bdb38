"""Payload codes (fields, actions, reasons, roles, purposes) shown as translated words, and the
sharing counts in the navigation."""

from django import template
from django.utils.translation import gettext_lazy as _

from casework.choices import CaseType, NeedKind, NeedStatus, PersonRole, Priority, Sensitivity
from sharing.choices import DataCategory, LegalBasis, Purpose, RecordStatus, ShareStatus

register = template.Library()

FIELDS = {
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "aliases": _("Aliases"),
    "date_of_birth": _("Date of birth"),
    "phone": _("Phone"),
    "email": _("Email"),
    "address": _("Address"),
    "gender": _("Gender"),
    "languages": _("Languages"),
    "nationality": _("Nationality"),
    "age": _("Age"),
    "*": _("Everything about this person"),
}
STATUSES = {
    "included": _("included"),
    "pseudonymised": _("pseudonymised"),
    "generalised": _("generalised to an age band"),
    "withheld": _("withheld"),
}
REASONS = {
    "policy": _("policy of the recipient's sector"),
    "agreement": _("not in the sharing agreement"),
    "consent": _("not covered by a consent"),
}
PARTS = {
    "case": _("Case summary"),
    "categories": _("Data categories"),
    "persons": _("Person"),
    "notes": _("Note"),
    "needs": _("Need"),
    "indicators": _("Indicator"),
}
CHANGES = {"added": _("new"), "changed": _("changed"), "removed": _("removed")}


def _lookup(table, code):
    return table.get(code, code)


def _choice(kind, code):
    try:
        return kind(code).label
    except ValueError:
        return code


@register.filter
def field_label(code):
    return _lookup(FIELDS, code)


@register.filter
def status_label(code):
    return _lookup(STATUSES, code)


@register.filter
def reason_label(code):
    return _lookup(REASONS, code) if code else ""


@register.filter
def part_label(code):
    return _lookup(PARTS, code)


@register.filter
def change_label(code):
    return _lookup(CHANGES, code)


@register.filter
def role_label(code):
    return _choice(PersonRole, code) if code else ""


@register.filter
def case_type_label(code):
    return _choice(CaseType, code)


@register.filter
def priority_label(code):
    return _choice(Priority, code)


@register.filter
def need_label(code):
    return _choice(NeedKind, code)


@register.filter
def need_status_label(code):
    return _choice(NeedStatus, code)


@register.filter
def purpose_label(code):
    return _choice(Purpose, code)


@register.filter
def basis_label(code):
    return _choice(LegalBasis, code)


@register.filter
def sensitivity_label(code):
    return _choice(Sensitivity, code)


@register.filter
def category_label(code):
    return _choice(DataCategory, code)


@register.filter
def share_status_label(code):
    return _choice(ShareStatus, code)


@register.filter
def record_status_label(code):
    return _choice(RecordStatus, code)


@register.filter
def display_value(value):
    """A payload value for reading: lists joined, nothing shown as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


@register.simple_tag(takes_context=True)
def sharing_notifications(context):
    """The counts in the navigation (computed once per page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {}
    from sharing.selectors import notifications

    return notifications(actor=user)
