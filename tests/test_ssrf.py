"""Webhook SSRF (issue 11, item 7): IPv6 transition forms that embed IPv4 and every special-purpose
range are refused, and the delivery connects to the address that was checked (no DNS rebinding)."""

import socket

import pytest
from django.core.exceptions import ValidationError

from sharing import webhooks
from tests.webhook_receiver import WebhookReceiver

REFUSED = [
    "https://[64:ff9b::7f00:1]/hook",  # NAT64 of 127.0.0.1
    "https://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
    "https://[64:ff9b:1::a9fe:a9fe]/hook",  # local-use NAT64 of 169.254.169.254
    "https://[2002:7f00:1::1]/hook",  # 6to4 of 127.0.0.1
    "https://[2002:c0a8:101::1]/hook",  # 6to4 of 192.168.1.1
    "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",  # Teredo
    "https://[::ffff:10.0.0.1]/hook",  # IPv4-mapped
    "https://[::127.0.0.1]/hook",  # IPv4-compatible
    "https://[fc00::1]/hook",  # unique local
    "https://[fe80::1]/hook",  # link-local
    "https://[ff02::1]/hook",  # multicast
    "https://[2001:db8::1]/hook",  # documentation
    "https://[::]/hook",
    "https://192.0.2.10/hook",  # TEST-NET-1
    "https://198.18.0.1/hook",  # benchmarking
    "https://240.0.0.1/hook",  # reserved
    "https://255.255.255.255/hook",
    "https://224.0.0.1/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_special_purpose_and_ipv4_embedding_addresses_are_refused(settings, url):
    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        webhooks.check_destination(url)


def test_a_public_address_is_accepted_and_returned_for_pinning(settings):
    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = False
    assert webhooks.check_destination("https://[2606:4700::1111]/hook") == "2606:4700::1111"
    assert webhooks.check_destination("https://1.1.1.1/hook") == "1.1.1.1"


@pytest.fixture
def rebinding_dns(monkeypatch):
    """``partner.test`` resolves to the receiver (127.0.0.1) once, then to 127.0.0.2, where
    nothing listens: a second resolution would send the request elsewhere."""
    real = socket.getaddrinfo
    lookups = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "partner.test":
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "127.0.0.2"
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


def test_the_connection_goes_to_the_address_that_was_checked(settings, rebinding_dns):
    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = True  # the receiver lives on the loopback interface
    with WebhookReceiver() as receiver:
        url = f"http://partner.test:{receiver.port}/hook"
        address = webhooks.check_destination(url)
        assert address == "127.0.0.1"
        response = webhooks.post_pinned(url, address, data=b"{}", timeout=5)
        assert response.status_code == 200
        assert len(receiver.requests) == 1
        # The Host header keeps the name; the name was resolved exactly once.
        assert receiver.requests[0].headers["host"] == f"partner.test:{receiver.port}"
    assert rebinding_dns == ["partner.test"]


def test_without_pinning_the_rebinding_would_have_worked(settings, rebinding_dns):
    """The control: resolving again at send time goes to the second answer."""
    import requests

    with WebhookReceiver() as receiver:
        url = f"http://partner.test:{receiver.port}/hook"
        socket.getaddrinfo("partner.test", receiver.port)  # the check's lookup
        with pytest.raises(requests.ConnectionError):
            session = requests.Session()
            session.trust_env = False
            session.post(url, data=b"{}", timeout=5)
        assert receiver.requests == []
