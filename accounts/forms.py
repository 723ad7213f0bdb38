"""Sign-in forms: the password step (username or email) and the second factor."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import User


class SignInForm(AuthenticationForm):
    """Django's sign-in form, found by its labels: "Username or email" and "Password".

    An email address is turned into its account's username before authentication, so that
    failed attempts are counted against the account whichever of the two was typed."""

    username = forms.CharField(
        label=_("Username or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self):
        login = (self.cleaned_data.get("username") or "").strip()
        if "@" in login and not User.objects.filter(username=login).exists():
            matches = list(User.objects.filter(email__iexact=login).values_list("username", flat=True)[:2])
            if len(matches) == 1:
                self.cleaned_data["username"] = matches[0]
        return super().clean()


class OneTimeCodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("One-time code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True, "spellcheck": "false"}
        ),
    )


# Organization admin pages ------------------------------------------------------------------------

ASSIGNABLE_ROLES = [(r.value, r.label) for r in Role]  # caseworker, supervisor, org admin, auditor


def _teams_field(organization):
    from accounts.models import Team

    return forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.filter(organization=organization).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ASSIGNABLE_ROLES)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"] = _teams_field(organization)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ASSIGNABLE_ROLES)


class TeamsForm(forms.Form):
    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"] = _teams_field(organization)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)


class TeamMemberForm(forms.Form):
    def __init__(self, *args, organization, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"] = forms.ModelChoiceField(
            label=_("Person to add"),
            queryset=User.objects.filter(organization=organization, is_active=True, is_service_account=False)
            .exclude(pk__in=[u.pk for u in exclude])
            .order_by("username"),
        )


class AgreementForm(forms.Form):
    def __init__(self, *args, organization, with_recipient=True, **kwargs):
        from accounts.models import Organization
        from sharing.choices import DataCategory, Purpose

        super().__init__(*args, **kwargs)
        if with_recipient:
            self.fields["recipient"] = forms.ModelChoiceField(
                label=_("Recipient organization"),
                queryset=Organization.objects.filter(active=True).exclude(pk=organization.pk),
            )
        self.fields["categories"] = forms.MultipleChoiceField(
            label=_("Data categories"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple
        )
        self.fields["purposes"] = forms.MultipleChoiceField(
            label=_("Purposes"), choices=Purpose.choices, widget=forms.CheckboxSelectMultiple
        )
        self.fields["valid_until"] = forms.DateField(
            label=_("Valid until"),
            required=False,
            help_text=_("Leave empty for no end date."),
            widget=forms.DateInput(attrs={"type": "date"}),
        )

    def valid_until_datetime(self):
        import datetime as dt

        from django.utils import timezone

        day = self.cleaned_data.get("valid_until")
        if not day:
            return None
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _scopes_field():
    from config.scopes import SCOPES

    return forms.MultipleChoiceField(
        label=_("Scopes"), choices=[(s, s) for s in SCOPES], widget=forms.CheckboxSelectMultiple
    )


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("Name of the partner system"), max_length=200)
    role = forms.ChoiceField(
        label=_("Acts as"), choices=[(r.value, r.label) for r in (Role.CASEWORKER, Role.SUPERVISOR, Role.AUDITOR)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"] = _scopes_field()


class ScopesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"] = _scopes_field()


class EndpointForm(forms.Form):
    url = forms.URLField(label=_("Webhook URL"), max_length=500, assume_scheme="https")
