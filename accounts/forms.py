"""Sign-in forms: the password step (username or email) and the second factor."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

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
