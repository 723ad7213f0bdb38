"""Standard Webhooks signing and the address rules for partner endpoints.

The signer is written here rather than taken from the ``standardwebhooks`` package so that the
tests can verify our signatures with that package as an independent implementation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(*, secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` header value: ``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _is_public(address: str) -> bool:
    # is_global, not "not private": shared address space (100.64/10, where some clouds keep
    # their metadata service) is neither.
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def check_destination(url: str) -> None:
    """Refuse URLs that resolve to loopback, private or link-local addresses (SSRF), unless the
    operator allows them for on-premise partners with ``CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE``.

    Checked when a partner registers and again before every delivery (DNS can change).
    """
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError as exc:
        raise ValidationError({"webhook_url": "The URL's port is not a valid port number."}) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"webhook_url": "A webhook URL is an http(s) URL with a host."})
    if not settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE and parts.scheme != "https":
        raise ValidationError({"webhook_url": "Webhook URLs must use https."})
    if settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise ValidationError({"webhook_url": f"Cannot resolve {parts.hostname}."}) from exc
    for info in infos:
        if not _is_public(info[4][0]):
            raise ValidationError({"webhook_url": f"{parts.hostname} resolves to a non-public address; refused."})
