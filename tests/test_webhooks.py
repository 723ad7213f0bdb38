"""Shares pushed to a partner's webhook (SPEC, Sharing → Push), against a real HTTP receiver.

Signatures are checked with the ``standardwebhooks`` package, an implementation independent of
``sharing.webhooks.sign``. Deliveries are driven by calling ``deliver`` as the Celery task would;
"time passing" between retries is simply calling it again (``deliver`` does not look at
``next_attempt_at``; the re-drive does, and is tested on its own).
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from accounts.models import Organization
from audit.models import DomainEvent
from casework import services as casework
from sharing import webhooks
from sharing.choices import DeliveryChannel, DeliveryKind, DeliveryStatus, ShareStatus
from sharing.models import Delivery, DeliveryAttempt, PartnerEndpoint, Share
from sharing.redaction import validate_payload, validate_revocation
from sharing.services import share_request, share_revoke
from sharing.services.delivery import deliver, redrive_due, retry_delay
from tests.sharing_helpers import agreement, shareable_case
from tests.webhook_receiver import ReceivedRequest, WebhookReceiver

SCHEMA = "casebridge.shared-case/v1"
OK = (200, {}, b"ok")
FAIL = (500, {}, b"upstream exploded")


# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def webhook_settings(settings, monkeypatch):
    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on 127.0.0.1
    settings.CASEBRIDGE_RETRY_SCHEDULE = [1, 2, 3]
    settings.CASEBRIDGE_WEBHOOK_TIMEOUT = 5.0
    settings.CASEBRIDGE_DELIVERY_LEASE_SECONDS = 60
    # A proxy from the environment must not swallow requests meant for the local receiver.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return settings


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server


def register(slug: str, url: str, sector: str = "child_welfare") -> dict:
    out = io.StringIO()
    call_command(
        "register_partner",
        "--slug",
        slug,
        "--name",
        f"{slug} (external)",
        "--sector",
        sector,
        "--webhook-url",
        url,
        stdout=out,
    )
    return json.loads(out.getvalue())


@pytest.fixture
def partner(org, receiver):
    """An external child-welfare partner whose webhook is the receiver, with an agreement from ``org``."""
    registered = register("ext-cws", receiver.url)
    assert registered["slug"] == "ext-cws"
    assert registered["webhook_secret"].startswith("whsec_")
    recipient = Organization.objects.get(slug="ext-cws")
    agreement(org, recipient)
    return recipient, registered["webhook_secret"]


def request_share(actor, recipient) -> tuple[Share, Delivery]:
    """A mandatory report about a minor to the partner, and its (pending, webhook) delivery."""
    case, _ = shareable_case(actor, minor=True)
    share = share_request(
        actor=actor, case=case, recipient=recipient, purpose="child_protection", legal_basis="mandatory_report"
    )
    delivery = share.deliveries.get()
    assert delivery.channel == DeliveryChannel.WEBHOOK and delivery.kind == DeliveryKind.VERSION
    assert delivery.status == DeliveryStatus.PENDING
    return share, delivery


@pytest.fixture
def shared(caseworker, partner):
    recipient, secret = partner
    share, delivery = request_share(caseworker, recipient)
    return share, delivery, secret


def verify(secret: str, request: ReceivedRequest) -> dict:
    return Webhook(secret).verify(request.body, request.headers)


def events(share) -> list[str]:
    return list(
        DomainEvent.objects.filter(object_id=str(share.pk))
        .order_by("occurred_at", "id")
        .values_list("event_type", flat=True)
    )


def refresh(*objs):
    for obj in objs:
        obj.refresh_from_db()


# --- 1. fail, then succeed ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_attempt_is_retried_with_the_same_event_id_and_body(shared, receiver):
    share, delivery, secret = shared
    receiver.respond_with(FAIL, OK)

    assert deliver(delivery.pk) == "retry scheduled"
    refresh(share, delivery)
    assert share.status == ShareStatus.QUEUED, "one failed attempt does not fail the share"
    assert "500" in share.last_error and "500" in delivery.last_error
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now(), "the retry waits for its turn"
    failed_event = DomainEvent.objects.get(object_id=str(share.pk), event_type="share.delivery_failed")
    assert failed_event.data["attempt"] == 1 and failed_event.data["status_code"] == 500
    assert failed_event.data["event_id"] == delivery.event_id
    assert "share.delivered" not in events(share)

    assert deliver(delivery.pk) == "delivered"
    refresh(share, delivery)
    assert share.status == ShareStatus.DELIVERED and share.last_error == "" and share.version == 1
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert delivery.delivered_at is not None
    assert delivery.body == "", "no second copy of case content is kept once delivered"

    first, second = receiver.requests
    assert first.method == second.method == "POST" and first.path == "/hook"
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.event_id
    assert first.headers["webhook-id"] == f"msg_{delivery.pk.hex}"
    assert first.body == second.body, "a retry resends the event byte for byte"
    assert first.headers["content-type"] == "application/json"
    for request in (first, second):
        assert verify(secret, request)["data"]["share_id"] == str(share.pk)

    attempts = list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("attempted_at", "id"))
    assert [(a.status_code, a.succeeded) for a in attempts] == [(500, False), (200, True)]
    assert "500" in attempts[0].error and "upstream exploded" in attempts[0].error
    assert attempts[1].error == ""
    assert events(share) == ["share.requested", "share.delivery_failed", "share.delivered"]


@pytest.mark.django_db
def test_a_retry_resends_the_frozen_body_even_if_the_case_changed_meanwhile(shared, receiver, caseworker):
    share, delivery, _ = shared
    receiver.respond_with(FAIL, OK)
    deliver(delivery.pk)
    casework.note_add(actor=caseworker, case=share.case, body="written between attempts")
    assert deliver(delivery.pk) == "delivered"
    first, second = receiver.requests
    assert first.body == second.body
    assert b"written between attempts" not in second.body


@pytest.mark.django_db
def test_a_change_made_while_the_first_delivery_is_retrying_is_pushed_after_it(shared, receiver, caseworker):
    share, delivery, secret = shared
    receiver.respond_with(FAIL, OK)
    deliver(delivery.pk)
    casework.note_add(actor=caseworker, case=share.case, body="written between attempts")
    deliver(delivery.pk)
    later = share.deliveries.get(status=DeliveryStatus.PENDING)
    assert deliver(later.pk) == "delivered"
    third = receiver.requests[2]
    assert third.headers["webhook-id"] != receiver.requests[0].headers["webhook-id"]
    data = verify(secret, third)["data"]
    assert data["version"] == 2 and "written between attempts" in json.dumps(data)


# --- 2. signatures ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tampered_body_or_a_wrong_secret_fails_verification(shared, receiver):
    _, delivery, secret = shared
    deliver(delivery.pk)
    (request,) = receiver.requests
    verify(secret, request)  # the genuine article passes

    flipped = bytearray(request.body)
    flipped[len(flipped) // 2] ^= 0x01
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(bytes(flipped), request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request.body, {**request.headers, "webhook-id": "msg_someone_else"})
    stale = str(int(request.headers["webhook-timestamp"]) - 1)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request.body, {**request.headers, "webhook-timestamp": stale})


def test_sign_matches_the_reference_implementation():
    secret = webhooks.new_secret()
    now = int(timezone.now().timestamp())
    body = '{"data":{"name":"Zoë"},"type":"share.version"}'
    signature = webhooks.sign(secret=secret, msg_id="msg_1", timestamp=now, body=body)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(now), "webhook-signature": signature}
    assert Webhook(secret).verify(body.encode(), headers) == json.loads(body)


# --- 3. the envelope -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_body_is_an_envelope_around_a_schema_valid_payload(shared, receiver):
    share, delivery, secret = shared
    deliver(delivery.pk)
    (request,) = receiver.requests
    envelope = verify(secret, request)
    assert set(envelope) == {"type", "timestamp", "data"}
    assert envelope["type"] == "share.version"
    assert dt.datetime.fromisoformat(envelope["timestamp"]).tzinfo is not None
    data = envelope["data"]
    validate_payload(data)
    assert data["schema"] == SCHEMA
    assert data["share_id"] == str(share.pk) and data["version"] == 1
    assert data["legal_basis"] == "mandatory_report" and data["purpose"] == "child_protection"
    assert data["case"]["reference"] == share.case.reference
    assert "restricted note body" not in request.body.decode(), "restricted notes never leave"
    timestamp = int(request.headers["webhook-timestamp"])
    assert abs(timestamp - timezone.now().timestamp()) < 60


# --- 4. Retry-After --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(shared, receiver, settings, status):
    settings.CASEBRIDGE_RETRY_SCHEDULE = [1, 1, 1]
    _, delivery, _ = shared
    receiver.respond_with((status, {"Retry-After": "120"}, b"slow down"))
    before = timezone.now()
    assert deliver(delivery.pk) == "retry scheduled"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at >= before + dt.timedelta(seconds=119)
    assert delivery.next_attempt_at <= timezone.now() + dt.timedelta(seconds=121)
    assert DeliveryAttempt.objects.get(delivery=delivery).status_code == status


@pytest.mark.django_db
def test_without_retry_after_the_first_retry_comes_within_seconds(shared, receiver):
    _, delivery, _ = shared
    receiver.respond_with(FAIL)
    before = timezone.now()
    deliver(delivery.pk)
    delivery.refresh_from_db()
    # Schedule step 1 s, ±10 % jitter.
    assert before + dt.timedelta(seconds=0.8) <= delivery.next_attempt_at <= timezone.now() + dt.timedelta(seconds=1.2)


def test_retry_delay_follows_the_schedule_with_jitter_and_a_cap(settings):
    settings.CASEBRIDGE_RETRY_SCHEDULE = [5, 300]
    for _ in range(50):
        assert 4.5 <= retry_delay(1) <= 5.5
        assert 270 <= retry_delay(2) <= 330
    assert retry_delay(3) is None, "retries exhausted"
    assert retry_delay(3, retry_after=10) is None, "Retry-After does not buy extra attempts"
    assert retry_delay(1, retry_after=120) >= 120
    assert retry_delay(1, retry_after=10 * 86400) <= 86400, "a partner cannot park a delivery for weeks"


# --- 5. exhausting retries -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_delivery_that_exhausts_its_retries_fails_the_share(shared, receiver, settings):
    settings.CASEBRIDGE_RETRY_SCHEDULE = [1, 1]
    share, delivery, _ = shared
    receiver.respond_with(default=FAIL)

    assert [deliver(delivery.pk) for _ in range(3)] == ["retry scheduled", "retry scheduled", "failed"]
    refresh(share, delivery)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    assert delivery.body == ""
    assert share.status == ShareStatus.FAILED
    assert "3 attempts" in share.last_error and "500" in share.last_error
    assert events(share).count("share.delivery_failed") == 3
    assert events(share)[-1] == "share.failed"
    assert len(receiver.requests) == 3
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1

    assert deliver(delivery.pk) == "nothing to do"
    assert len(receiver.requests) == 3, "a failed delivery is not attempted again"
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 3


# --- 6. 410 Gone -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_410_gone_disables_the_endpoint(shared, receiver, caseworker, partner):
    recipient, _ = partner
    share, delivery, _ = shared
    receiver.respond_with((410, {}, b"gone"))

    assert deliver(delivery.pk) == "failed"
    refresh(share, delivery)
    endpoint = PartnerEndpoint.objects.get(organization=recipient)
    assert endpoint.active is False and endpoint.disabled_reason and endpoint.disabled_at is not None
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert share.status == ShareStatus.FAILED and "410" in share.last_error
    assert events(share)[-2:] == ["share.delivery_failed", "share.failed"]

    later, later_delivery = request_share(caseworker, recipient)
    assert deliver(later_delivery.pk) == "failed"
    refresh(later, later_delivery)
    assert later.status == ShareStatus.FAILED and "disabled" in later.last_error
    assert later_delivery.status == DeliveryStatus.FAILED
    assert len(receiver.requests) == 1 and receiver.connections == 1, "a disabled endpoint is not called"


# --- 7. revocation ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_revoking_a_delivered_share_sends_a_signed_revocation_event(shared, receiver, caseworker):
    share, delivery, secret = shared
    assert deliver(delivery.pk) == "delivered"

    share_revoke(actor=caseworker, share=share, reason="consent to disclose withdrawn")
    revocation = share.deliveries.get(kind=DeliveryKind.REVOCATION)
    assert revocation.status == DeliveryStatus.PENDING and revocation.channel == DeliveryChannel.WEBHOOK
    assert deliver(revocation.pk) == "delivered"

    first, second = receiver.requests
    assert second.headers["webhook-id"] == revocation.event_id != first.headers["webhook-id"]
    envelope = verify(secret, second)
    assert envelope["type"] == "share.revoked"
    validate_revocation(envelope["data"])
    assert envelope["data"]["share_id"] == str(share.pk)
    assert envelope["data"]["version"] == 1
    assert envelope["data"]["reason"] == "consent to disclose withdrawn"
    assert "Testfield" not in second.body.decode() and "reference" not in envelope["data"]

    refresh(share, revocation)
    assert share.status == ShareStatus.REVOKED, "delivering the revocation does not resurrect the share"
    assert revocation.status == DeliveryStatus.DELIVERED
    assert events(share)[-1] == "share.revocation_delivered"


@pytest.mark.django_db
def test_revoking_cancels_a_pending_version_and_nothing_is_sent(shared, receiver, caseworker):
    share, delivery, _ = shared
    receiver.respond_with(FAIL)
    deliver(delivery.pk)  # first attempt fails; a retry is pending
    share_revoke(actor=caseworker, share=share)
    assert deliver(delivery.pk) == "nothing to do"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CANCELLED and delivery.body == ""
    assert len(receiver.requests) == 1


# --- 8. updates ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_case_change_pushes_a_new_version_and_no_change_pushes_nothing(shared, receiver, caseworker):
    share, delivery, secret = shared
    assert deliver(delivery.pk) == "delivered"

    casework.note_add(actor=caseworker, case=share.case, body="moved to a foster placement")
    update = share.deliveries.get(status=DeliveryStatus.PENDING)
    assert update.kind == DeliveryKind.VERSION
    assert deliver(update.pk) == "delivered"
    first, second = receiver.requests
    assert second.headers["webhook-id"] == update.event_id != first.headers["webhook-id"]
    data = verify(secret, second)["data"]
    validate_payload(data)
    assert data["version"] == 2 and data["share_id"] == str(share.pk)
    assert "moved to a foster placement" in json.dumps(data)
    share.refresh_from_db()
    assert share.version == 2 and share.status == ShareStatus.DELIVERED

    # A restricted note never leaves the organization: the rebuilt payload is the same.
    casework.note_add(actor=caseworker, case=share.case, body="for our eyes only", sensitivity="restricted")
    same = share.deliveries.get(status=DeliveryStatus.PENDING)
    assert deliver(same.pk) == "unchanged"
    same.refresh_from_db()
    share.refresh_from_db()
    assert same.status == DeliveryStatus.UNCHANGED and same.version is None
    assert share.version == 2
    assert len(receiver.requests) == 2, "nothing new, nothing sent"
    assert not DeliveryAttempt.objects.filter(delivery=same).exists()


@pytest.mark.django_db
def test_an_update_that_failed_for_good_is_sent_with_the_next_change(shared, receiver, caseworker, settings):
    settings.CASEBRIDGE_RETRY_SCHEDULE = [1]
    share, delivery, secret = shared
    assert deliver(delivery.pk) == "delivered"
    casework.note_add(actor=caseworker, case=share.case, body="moved to a foster placement")
    update = share.deliveries.get(status=DeliveryStatus.PENDING)
    receiver.respond_with(FAIL, FAIL)
    assert [deliver(update.pk), deliver(update.pk)] == ["retry scheduled", "failed"]
    share.refresh_from_db()
    assert share.status == ShareStatus.DELIVERED, "the partner still holds version 1"

    # The next change, even one the partner does not see, must carry the note it never got.
    casework.note_add(actor=caseworker, case=share.case, body="for our eyes only", sensitivity="restricted")
    retry = share.deliveries.get(status=DeliveryStatus.PENDING)
    assert deliver(retry.pk) == "delivered"
    assert "moved to a foster placement" in json.dumps(verify(secret, receiver.requests[-1])["data"])


# --- 9. SSRF ---------------------------------------------------------------------------------

FORBIDDEN_URLS = [
    "http://127.0.0.1:8000/hook",
    "https://127.0.0.1/hook",
    "https://10.0.0.5/hook",
    "https://169.254.169.254/",
    "https://localhost/",
    "https://[::1]/hook",
    "https://0.0.0.0/",
    "https://[::ffff:127.0.0.1]/",
    "https://2130706433/",  # 127.0.0.1 in decimal
    "https://192.168.1.20:8443/hook",
    "ftp://10.0.0.5/",
    "https:///nohost",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", FORBIDDEN_URLS)
def test_private_destinations_are_refused_at_registration(settings, url):
    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        webhooks.check_destination(url)
    with pytest.raises(CommandError, match="Partner not registered"):
        register("sneaky", url)
    assert not Organization.objects.filter(slug="sneaky").exists()
    assert not PartnerEndpoint.objects.exists()


def test_plain_http_is_refused_unless_private_destinations_are_allowed(settings):
    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError, match="https"):
        webhooks.check_destination("http://127.0.0.1:8000/hook")
    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = True
    webhooks.check_destination("http://127.0.0.1:8000/hook")  # on-premise partners


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_delivery_to_a_private_address_is_refused_when_no_longer_allowed(shared, receiver, partner, settings, scheme):
    recipient, _ = partner
    share, delivery, _ = shared
    # Registered while allowed; the https variant gets past the scheme rule to the address rule.
    PartnerEndpoint.objects.filter(organization=recipient).update(url=f"{scheme}://127.0.0.1:{receiver.port}/hook")
    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = False

    assert deliver(delivery.pk) == "retry scheduled"
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None and not attempt.succeeded
    assert ("https" if scheme == "http" else "non-public") in attempt.error
    refresh(share, delivery)
    assert share.status == ShareStatus.QUEUED and share.last_error == attempt.error
    assert delivery.status == DeliveryStatus.PENDING
    assert receiver.connections == 0 and receiver.requests == [], "nothing reached the receiver"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["https://100.100.100.200/latest/meta-data/", "https://100.64.0.1/hook"])
def test_shared_address_space_is_refused(settings, url):
    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        webhooks.check_destination(url)


@pytest.mark.django_db
def test_an_out_of_range_port_is_a_clean_refusal(settings):
    settings.CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(CommandError):
        register("bad-port", "https://10.0.0.5:99999/hook")
    assert not Organization.objects.filter(slug="bad-port").exists()


@pytest.mark.django_db
def test_redirects_are_not_followed(shared, receiver):
    _, delivery, _ = shared
    receiver.respond_with((307, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""))
    assert deliver(delivery.pk) == "retry scheduled"
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert attempt.status_code == 307 and not attempt.succeeded
    assert len(receiver.requests) == 1


# --- 10. duplicates --------------------------------------------------------------------------


@pytest.mark.django_db
def test_delivering_an_already_delivered_event_sends_nothing(shared, receiver):
    share, delivery, _ = shared
    assert deliver(delivery.pk) == "delivered"
    assert deliver(delivery.pk) == "nothing to do"
    assert deliver(delivery.pk) == "nothing to do"
    assert len(receiver.requests) == 1
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 1
    share.refresh_from_db()
    assert share.version == 1 and events(share).count("share.delivered") == 1


# --- the re-drive ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_redrive_returns_due_pending_deliveries_only(shared, caseworker, partner, settings):
    recipient, _ = partner
    _, due, _ = shared
    _, not_yet = request_share(caseworker, recipient)
    _, done = request_share(caseworker, recipient)
    now = timezone.now()
    Delivery.objects.filter(pk=due.pk).update(next_attempt_at=now - dt.timedelta(seconds=5))
    Delivery.objects.filter(pk=not_yet.pk).update(next_attempt_at=now + dt.timedelta(seconds=30))
    Delivery.objects.filter(pk=done.pk).update(
        next_attempt_at=now - dt.timedelta(seconds=5), status=DeliveryStatus.DELIVERED
    )

    assert redrive_due(now=now) == [str(due.pk)]
    due.refresh_from_db()
    assert due.next_attempt_at == now + dt.timedelta(seconds=settings.CASEBRIDGE_DELIVERY_LEASE_SECONDS)
    assert redrive_due(now=now) == [], "a re-driven delivery is leased, not enqueued again at once"
    later = now + dt.timedelta(seconds=settings.CASEBRIDGE_DELIVERY_LEASE_SECONDS + 1)
    assert set(redrive_due(now=later)) == {str(due.pk), str(not_yet.pk)}


@pytest.mark.django_db
def test_a_new_delivery_waits_a_lease_before_the_redrive_picks_it_up(shared, settings):
    _, delivery, _ = shared
    assert redrive_due() == [], "the after-commit message is the fast path"
    lease = dt.timedelta(seconds=settings.CASEBRIDGE_DELIVERY_LEASE_SECONDS)
    assert redrive_due(now=timezone.now() + lease + dt.timedelta(seconds=1)) == [str(delivery.pk)]


@pytest.mark.django_db
def test_a_failed_attempt_is_found_again_by_the_redrive_when_due(shared, receiver):
    _, delivery, _ = shared
    receiver.respond_with(FAIL)
    deliver(delivery.pk)
    delivery.refresh_from_db()
    assert str(delivery.pk) not in redrive_due(now=delivery.next_attempt_at - dt.timedelta(milliseconds=1))
    assert redrive_due(now=delivery.next_attempt_at) == [str(delivery.pk)]
