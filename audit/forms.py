"""The auditor workspace's forms: shape only; the selectors and services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.choices import EventType
from audit.selectors import ACTIONS

CHANNELS = [("", _("Any channel")), ("ui", _("Browser")), ("api", _("API"))]
FLAGGED = [("", _("Flagged or not")), ("yes", _("Flagged only")), ("no", _("Not flagged"))]


def action_choices():
    return [("", _("Any action"))] + [(a, a) for a in ACTIONS] + sorted((e.value, e.value) for e in EventType)


class TimelineFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor username"), required=False, max_length=150)
    object_type = forms.CharField(
        label=_("Object type"), required=False, max_length=64, help_text=_("For example casework.case")
    )
    object = forms.CharField(
        label=_("Object id or case reference"), required=False, max_length=64, help_text=_("For example HH-2025-0001")
    )
    action = forms.ChoiceField(label=_("Action"), required=False, choices=action_choices)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=CHANNELS)
    since = forms.DateField(label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        label=_("Until date"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Inclusive")
    )
    flagged = forms.ChoiceField(label=_("Flagged"), required=False, choices=FLAGGED)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end date is before the start date."))
        return data


class CaseReferenceForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=64)


class UsernameForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)


class FlagReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
