"""Normalisation of contact details and technology indicators, and their keyed fingerprints.

Every function is idempotent (normalising a normalised value changes nothing) and raises
``ValidationError`` for input it cannot read, never another exception.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from casework.choices import IndicatorKind

# Parameters that identify the visitor or the campaign, not the ad: two links to the same ad
# with different trackers must match. Hand-written because no maintained library drops
# trackers *and* keeps the rest of the query intact and ordered.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "yclid",
        "_ga",
        "si",
    }
)
TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WHITESPACE = re.compile(r"\s+")


def normalize_phone(value: str, *, region: str | None = None) -> str:
    """A phone number in E.164; numbers without a country code are read in the deployment's region."""
    text = (value or "").strip()
    if not text:
        raise ValidationError("Enter a phone number.", code="invalid_phone")
    try:
        number = phonenumbers.parse(text, region or settings.CASEBRIDGE_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"{text!r} is not a phone number.", code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"{text!r} is not a valid phone number.", code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(value: str) -> str:
    text = (value or "").strip().lower()
    validate_email(text)
    return text


def normalize_handle(value: str) -> str:
    text = _WHITESPACE.sub("", (value or "")).lower().lstrip("@")
    if not text:
        raise ValidationError("Enter a handle.", code="invalid_handle")
    return text


def canonical_url(value: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters."""
    text = (value or "").strip()
    if text and "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(f"{value!r} is not a URL.", code="invalid_url") from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or not host or ("." not in host and ":" not in host and host != "localhost"):
        raise ValidationError(f"{value!r} is not a web address.", code="invalid_url")
    if ":" in host:  # an IPv6 literal keeps its brackets, or the result is not a URL any more
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError as exc:
            raise ValidationError(f"{value!r} has an invalid host name.", code="invalid_url") from exc
    else:
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError as exc:
            raise ValidationError(f"{value!r} has an invalid host name.", code="invalid_url") from exc
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = [
        (key, val)
        for key, val in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMETERS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(sorted(query)), ""))


def normalize_free_text(value: str) -> str:
    text = _WHITESPACE.sub(" ", (value or "")).strip()
    if not text:
        raise ValidationError("Enter a value.", code="required")
    return text


def normalize_indicator(kind: str, value: str) -> str:
    """The canonical form of an indicator's value, so that the same trace matches across orgs."""
    if kind == IndicatorKind.PHONE_NUMBER:
        return normalize_phone(value)
    if kind == IndicatorKind.ONLINE_AD:
        return canonical_url(value)
    if kind == IndicatorKind.SOCIAL_HANDLE:
        return normalize_handle(value)
    if kind == IndicatorKind.EMAIL:
        return normalize_email(value)
    if kind == IndicatorKind.MESSAGING_APP:
        # Messaging accounts are usually phone numbers; when the value is not one, it is a handle.
        try:
            return normalize_phone(value)
        except ValidationError:
            handle = normalize_handle(value)
        # A long or oddly spaced number becomes readable once squeezed into a handle: normalise
        # it to the number, or the same trace would carry two fingerprints.
        try:
            return normalize_phone(handle)
        except ValidationError:
            return handle
    if kind in IndicatorKind.values:
        return normalize_free_text(value)
    raise ValidationError(f"Unknown indicator kind {kind!r}.", code="invalid_kind")


def indicator_fingerprint(kind: str, normalized_value: str) -> str:
    """HMAC-SHA256 of kind and normalised value under the deployment's signing key.

    Lets organizations learn that they hold the same trace without ever revealing it.
    """
    key = settings.CASEBRIDGE_SIGNING_KEY.encode()
    message = f"{kind}\x1f{normalized_value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
