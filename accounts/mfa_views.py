"""The second sign-in step and the user's own security page (thin views over accounts.services)."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import services
from accounts.forms import OneTimeCodeForm
from accounts.mfa import has_second_factor, mfa_required
from audit.choices import EventType
from audit.events import record_event


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@login_required
@sensitive_post_parameters("otp_token")
def mfa_verify(request):
    """ "One-time code": a code from the authenticator app, or an unused recovery code; or a passkey."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp_token"].replace(" ", "")
        device = match_token(user, token)
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                record_event(
                    EventType.RECOVERY_CODE_USED,
                    obj=user,
                    organization=user.organization,
                    actor=user,
                    left=device.token_set.count(),
                )
            return redirect(_next_url(request))
        record_event(EventType.MFA_FAILED, obj=user, organization=user.organization, actor=user)
        form.add_error(
            "otp_token", _("That code is not valid. Try the current code from your app, or a recovery code.")
        )
    return render(
        request,
        "accounts/mfa_verify.html",
        {
            "form": form,
            "next": _next_url(request),
            "has_passkey": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
        },
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
@sensitive_post_parameters("otp_token")
def mfa_setup(request):
    """The user's second factors: set up an authenticator app (with recovery codes) or a passkey."""
    user = request.user
    recovery_codes = None
    form = OneTimeCodeForm(request.POST or None)
    action = request.POST.get("action")
    if request.method == "POST" and action == "confirm-totp" and form.is_valid():
        device = services.totp_start(user=user)
        recovery_codes = services.totp_confirm(user=user, device=device, token=form.cleaned_data["otp_token"])
        if recovery_codes is None:
            form.add_error("otp_token", _("That code is not valid. Check the time on your phone and try again."))
        else:
            otp_login(request, device)
    elif request.method == "POST" and action == "new-recovery-codes" and user.is_verified():
        recovery_codes = services.recovery_codes_new(user=user)
    elif request.method == "POST" and action == "new-recovery-codes":
        messages.error(request, _("Present your second factor first."))
    if recovery_codes is None and request.method == "POST" and not form.errors:
        return redirect("mfa_setup")
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    pending = None
    if totp is None:
        pending = services.totp_start(user=user)
    context = {
        "form": form,
        "totp": totp,
        "pending_secret": base64.b32encode(pending.bin_key).decode() if pending else None,
        "pending_qr": _qr_svg(pending.config_url) if pending else None,
        "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True),
        "recovery_left": sum(d.token_set.count() for d in StaticDevice.objects.filter(user=user)),
        "recovery_codes": recovery_codes,
        "required": mfa_required(user),
        "enrolled": has_second_factor(user),
        "devices": list(devices_for_user(user, confirmed=True)),
        "next": _next_url(request),
    }
    return render(request, "accounts/mfa_setup.html", context)
