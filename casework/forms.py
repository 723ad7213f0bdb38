"""Browser forms: they check the shape of what was typed; the services decide the rules.

Every form that changes a case carries the case ``version`` it was rendered from, so that a write
from a stale page is refused instead of overwriting someone else's change.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import CASE_CONTENT_ROLES, Sector
from accounts.models import Organization, Team, User
from casework.choices import (
    CaseStatus,
    CaseType,
    ConsentMethod,
    DataCategory,
    IndicatorKind,
    NeedKind,
    NeedStatus,
    PersonRole,
    Priority,
    Purpose,
    Sensitivity,
)


def case_workers(organization_id):
    """The organization's active caseworkers and supervisors: whom a case or task can go to."""
    return User.objects.filter(
        organization_id=organization_id, is_active=True, role__in=CASE_CONTENT_ROLES, is_service_account=False
    ).order_by("first_name", "last_name", "username")


class UserChoiceLabel:
    @staticmethod
    def label(user: User) -> str:
        return f"{user.get_full_name() or user.username} ({user.get_role_display()})"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return UserChoiceLabel.label(obj)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return UserChoiceLabel.label(obj)


def person_label(person) -> str:
    name = " ".join(filter(None, [person.given_name, person.family_name]))
    return name or str(_("Unnamed %(role)s") % {"role": person.get_role_display().lower()})


def comma_list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class VersionedForm(forms.Form):
    """Carries the case version the page was rendered from (a hidden field)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CaseCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("A short working title. It never leaves your organization.")
    )
    case_type = forms.ChoiceField(label=_("Case type"), choices=CaseType.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("No team")
    )
    assigned_to = UserMultipleChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to keep the case with you."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_supervisor:
            self.fields["team"].queryset = Team.objects.filter(organization_id=user.organization_id)
            self.fields["assigned_to"].queryset = case_workers(user.organization_id)
        else:
            # Only a supervisor assigns cases: a caseworker's new case is theirs.
            del self.fields["team"]
            del self.fields["assigned_to"]


class CaseEditForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    case_type = forms.ChoiceField(label=_("Case type"), choices=CaseType.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=CaseStatus.choices,
        help_text=_("Intake, then open, then closed. A closed case can be reopened."),
    )


class AssignmentForm(VersionedForm):
    assigned_to = UserMultipleChoiceField(
        label=_("Assigned to"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("No team")
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = case_workers(user.organization_id)
        self.fields["team"].queryset = Team.objects.filter(organization_id=user.organization_id)


class PersonForm(VersionedForm):
    role = forms.ChoiceField(label=_("Role in the case"), choices=PersonRole.choices)
    given_name = forms.CharField(label=_("Given name"), max_length=120, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=120, required=False)
    aliases = forms.CharField(
        label=_("Aliases"), max_length=500, required=False, help_text=_("Separate several with commas.")
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    estimated_age = forms.IntegerField(
        label=_("Estimated age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Only when the date of birth is not known."),
    )
    gender = forms.CharField(label=_("Gender"), max_length=40, required=False)
    languages = forms.CharField(
        label=_("Languages"), max_length=300, required=False, help_text=_("Separate several with commas.")
    )
    nationality = forms.CharField(label=_("Nationality"), max_length=80, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("Any common format; numbers without a country code are read as local. Stored as +15551234567."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["aliases"] = comma_list(data["aliases"])
        data["languages"] = comma_list(data["languages"])
        return data


class NoteForm(VersionedForm):
    body = forms.CharField(label=_("Note"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"),
        choices=Sensitivity.choices,
        initial=Sensitivity.GENERAL,
        help_text=_("Restricted notes never leave your organization."),
    )


class AmendForm(VersionedForm):
    body = forms.CharField(label=_("Amendment"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"),
        choices=Sensitivity.choices,
        help_text=_("Never less sensitive than the note it amends."),
    )


class NeedForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Need"), choices=NeedKind.choices)
    detail = forms.CharField(
        label=_("Detail"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NeedStatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)


class IndicatorForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Indicator type"), choices=IndicatorKind.choices)
    value = forms.CharField(
        label=_("Value"),
        max_length=2048,
        help_text=_("A phone number, web address, handle, email or account. Stored in a normal form."),
    )
    platform = forms.CharField(
        label=_("Platform"), max_length=120, required=False, help_text=_("Where it was seen, e.g. an app or website.")
    )
    note = forms.CharField(label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(VersionedForm):
    person = forms.ChoiceField(
        label=_("Survivor"), help_text=_("Who gives the consent (a guardian gives it for a minor).")
    )
    scope_sectors = forms.MultipleChoiceField(
        label=_("Sectors it covers"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    scope_organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations it covers"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="slug",
    )
    categories = forms.MultipleChoiceField(
        label=_("Data it covers"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    method = forms.ChoiceField(label=_("How it was given"), choices=ConsentMethod.choices)
    expires_at = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty if it does not expire."),
    )

    def __init__(self, *args, persons=(), user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.persons = {str(p.pk): p for p in persons}
        self.fields["person"].choices = [("", _("Choose a survivor"))] + [(str(p.pk), person_label(p)) for p in persons]
        self.fields["scope_organizations"].queryset = Organization.objects.filter(active=True).exclude(
            pk=user.organization_id
        )

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["person"] = self.persons[data["person"]]
        data["scope_organizations"] = list(data["scope_organizations"])
        if data["expires_at"]:
            # The end of the chosen day, in the deployment's time zone.
            day_end = dt.datetime.combine(data["expires_at"], dt.time(23, 59, 59))
            data["expires_at"] = timezone.make_aware(day_end)
        else:
            data["expires_at"] = None
        return data


class WithdrawForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept as a note on the case."),
    )


class TaskForm(VersionedForm):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_at = forms.DateTimeField(
        label=_("Due"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    assignee = UserChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Me"),
        help_text=_("Someone who works this case."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = case_workers(user.organization_id)


class TaskDoneForm(VersionedForm):
    done = forms.BooleanField(required=False, widget=forms.HiddenInput)
