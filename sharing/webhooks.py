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

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(*, secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` header value: ``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


# IPv6 ranges that carry (or translate to) an IPv4 address: a filter that looks only at the IPv6
# address would let them reach loopback or private IPv4 hosts through a translator. Refused
# outright: a partner publishes a native address.
_TRANSITION_RANGES = tuple(
    ipaddress.ip_network(net)
    for net in (
        "64:ff9b::/96",  # NAT64, well-known prefix (RFC 6052)
        "64:ff9b:1::/48",  # NAT64, local-use prefix (RFC 8215)
        "2002::/16",  # 6to4 (RFC 3056)
        "2001::/32",  # Teredo (RFC 4380)
        "::ffff:0:0/96",  # IPv4-mapped
        "::/96",  # IPv4-compatible (deprecated)
        "::ffff:0:0:0/96",  # IPv4-translated (RFC 2765)
    )
)


def _is_public(address: str) -> bool:
    """True only for a globally routable unicast address outside every special-purpose range.

    ``is_global``, not "not private": shared address space (100.64/10, where some clouds keep
    their metadata service) is neither."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        if any(ip in net for net in _TRANSITION_RANGES):
            return False
        for embedded in (ip.ipv4_mapped, ip.sixtofour, (ip.teredo or (None, None))[1]):
            if embedded is not None:
                return False
    return not (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (ip.version == 6 and ip.is_site_local)
    )


def check_destination(url: str) -> str | None:
    """Refuse URLs that resolve to loopback, private, link-local or any other special-purpose
    address (SSRF), unless the operator allows them for on-premise partners with
    ``CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE``. Returns the address the host resolved to, which the
    delivery then connects to (``post_pinned``), so that a second resolution (DNS rebinding)
    cannot send the request elsewhere.

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
    try:
        infos = socket.getaddrinfo(parts.hostname, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        if settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE:
            return None  # an on-premise name that resolves later; nothing to protect against
        raise ValidationError({"webhook_url": f"Cannot resolve {parts.hostname}."}) from exc
    if settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE and infos:
        return infos[0][4][0].split("%", 1)[0]
    if not infos:
        raise ValidationError({"webhook_url": f"Cannot resolve {parts.hostname}."})
    for info in infos:
        if not _is_public(info[4][0]):
            raise ValidationError({"webhook_url": f"{parts.hostname} resolves to a non-public address; refused."})
    return infos[0][4][0].split("%", 1)[0]


def _pinned(connection_class, address: str):
    class Pinned(connection_class):
        """Connects to ``address`` whatever the host name resolves to now; the Host header,
        TLS server name (SNI) and certificate check keep the URL's host name."""

        def _new_conn(self):
            original = self._dns_host
            self._dns_host = address
            try:
                return super()._new_conn()
            finally:
                self._dns_host = original

    return Pinned


class PinnedAdapter(HTTPAdapter):
    def __init__(self, address: str, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type(
                "PinnedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": _pinned(HTTPConnection, self.address)}
            ),
            "https": type(
                "PinnedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": _pinned(HTTPSConnection, self.address)}
            ),
        }


def post_pinned(url: str, address: str | None, **kwargs) -> requests.Response:
    """POST ``url``, connecting to ``address`` (from ``check_destination``) when given. No
    environment proxy is used: it would resolve the host again."""
    with requests.Session() as session:
        session.trust_env = False
        if address is not None:
            adapter = PinnedAdapter(address)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        return session.post(url, **kwargs)
