"""Browser forms of sharing: they check the shape of what was chosen; the sharing services decide
the rules (agreement, consent, basis), and their refusals are shown next to the field they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Sector
from casework.forms import UserChoiceField, case_workers
from sharing.choices import LegalBasis, Purpose


def recipient_label(org) -> str:
    return f"{org.name} — {Sector(org.sector).label}"


class RecipientForm(forms.Form):
    """Step 1: who receives it, and what for."""

    recipient = forms.ChoiceField(
        label=_("Recipient"),
        widget=forms.RadioSelect,
        help_text=_("Only organizations your organization has an active sharing agreement with."),
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        help_text=_("What the recipient will use it for. The agreement must cover this purpose."),
    )

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.recipients = {org.slug: org for org in recipients}
        self.fields["recipient"].choices = [(org.slug, recipient_label(org)) for org in recipients]


class BasisForm(forms.Form):
    """Step 2: on what legal basis, with the consent or the written justification it needs."""

    legal_basis = forms.ChoiceField(label=_("Legal basis"), widget=forms.RadioSelect)
    consent = forms.ChoiceField(
        label=_("Consent"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("For a share on the basis of consent: the consent that covers this recipient and purpose."),
    )
    justification = forms.CharField(
        label=_("Written justification"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For an emergency: why a child is at imminent risk. A supervisor reads it before anything is sent."
        ),
    )

    def __init__(self, *args, bases=(), consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].choices = [(b, LegalBasis(b).label) for b in bases]
        self.consents = {str(c.pk): c for c in consents}
        self.fields["consent"].choices = [(str(c.pk), c.choice_label) for c in consents]
        if not consents:
            del self.fields["consent"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class RevokeForm(ReasonForm):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The recipient sees this reason in place of the record."),
    )


class RejectForm(ReasonForm):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=180,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person who asked sees it on the case page."),
    )


class DeclineForm(ReasonForm):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The record is erased at once; the sender sees this reason."),
    )


class AcceptForm(forms.Form):
    open_case = forms.BooleanField(
        label=_("Open a case of our own, linked to this record"),
        required=False,
        help_text=_("The new case takes the record's type and priority; add what you need from the record."),
    )


class AssignForm(forms.Form):
    assigned_to = UserChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody (back to the supervisors)")
    )

    def __init__(self, *args, organization_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = case_workers(organization_id)
