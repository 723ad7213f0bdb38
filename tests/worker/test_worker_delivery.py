"""Push with a real Celery worker process (SPEC, Sharing → Push): nothing is lost if the broker is
down or a worker dies mid-task.

The test process and the worker share the test database (transactional tests: data is committed
so that the worker sees it) and the run's broker (``filesystem://`` on SQLite, Redis on PostgreSQL).
Celery beat is not started: it would only publish ``redrive_deliveries`` every 10 s. The tests
publish that task themselves (``redrive_deliveries.delay()``, exactly what beat sends) at the moment
the lease has run out, which is the same path and deterministic.
"""

import io
import json
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from accounts.models import Organization
from sharing.choices import DeliveryChannel, DeliveryStatus, ShareStatus
from sharing.models import Delivery, DeliveryAttempt, Share, SharedRecord
from sharing.services import share_request
from sharing.tasks import redrive_deliveries
from tests.factories import OrganizationFactory
from tests.sharing_helpers import agreement, consent_for, shareable_case
from tests.worker.conftest import broker_unreachable, wait_for

DELIVERY_TIMEOUT = 30.0


def _share_status(share: Share) -> str:
    return Share.objects.values_list("status", flat=True).get(pk=share.pk)


def _delivered(share: Share) -> bool:
    return _share_status(share) == ShareStatus.DELIVERED


def _wait_past_lease(delivery: Delivery) -> None:
    """Until the row's ``next_attempt_at`` has passed: the re-drive then treats it as due."""
    due_at = Delivery.objects.values_list("next_attempt_at", flat=True).get(pk=delivery.pk)
    wait_for(lambda: timezone.now() > due_at, timeout=10, interval=0.1, what="the delivery's lease to run out")


def _redrive() -> None:
    # What beat publishes every 10 s; the worker runs it and hands the due deliveries back to itself.
    redrive_deliveries.delay()


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_delivers_a_requested_share(org, caseworker, start_worker):
    ngo = OrganizationFactory(slug="river-ngo", name="River NGO", sector="ngo", case_prefix="RN")
    agreement(org, ngo)
    case, survivor = shareable_case(caseworker, minor=False)
    consent = consent_for(caseworker, case, survivor, sectors=["ngo"])
    worker = start_worker()

    share = share_request(
        actor=caseworker, case=case, recipient=ngo, purpose="services", legal_basis="consent", consent=consent
    )

    wait_for(lambda: _delivered(share), timeout=DELIVERY_TIMEOUT, what="delivery by the worker", details=worker.log)
    share.refresh_from_db()
    delivery = Delivery.objects.get(share=share)
    assert delivery.channel == DeliveryChannel.INBOX and delivery.status == DeliveryStatus.DELIVERED
    record = SharedRecord.objects.get(share=share)
    assert record.recipient == ngo and record.version == share.version == 1
    assert record.payload["schema"] == "casebridge.shared-case/v1"
    assert record.payload["case"]["reference"] == case.reference
    attempts = list(DeliveryAttempt.objects.filter(delivery__share=share))
    assert len(attempts) == 1 and attempts[0].succeeded
    # The worker process did it (the test process only published the message).
    assert f"delivery {delivery.pk}: delivered" in worker.log()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_is_replaced_and_the_partner_gets_the_event_once(
    org, caseworker, start_worker, webhook_receiver
):
    out = io.StringIO()
    call_command(
        "register_partner",
        slug="river-watch",
        name="River Watch Police",
        sector="law_enforcement",
        webhook_url=webhook_receiver.url,
        stdout=out,
    )
    secret = json.loads(out.getvalue())["webhook_secret"]
    partner = Organization.objects.get(slug="river-watch")
    agreement(org, partner)
    case, _ = shareable_case(caseworker, minor=True)
    first_worker = start_worker()

    share = share_request(
        actor=caseworker, case=case, recipient=partner, purpose="investigation", legal_basis="mandatory_report"
    )
    delivery = Delivery.objects.get(share=share)
    assert delivery.channel == DeliveryChannel.WEBHOOK

    # The worker is inside the HTTP call: the partner has the request and has not answered.
    if not webhook_receiver.first_received.wait(timeout=DELIVERY_TIMEOUT):
        pytest.fail(f"the partner never got the first request\n{first_worker.log()}")
    first_worker.kill()
    assert not first_worker.alive()
    webhook_receiver.release_first.set()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert not DeliveryAttempt.objects.filter(delivery=delivery).exists(), "the dead worker recorded nothing"

    second_worker = start_worker()
    _wait_past_lease(delivery)
    _redrive()

    wait_for(
        lambda: _delivered(share),
        timeout=DELIVERY_TIMEOUT,
        what="delivery after the re-drive",
        details=second_worker.log,
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    attempts = list(DeliveryAttempt.objects.filter(delivery=delivery))
    assert len(attempts) == 1 and attempts[0].succeeded and attempts[0].status_code == 200
    # Every request carried the same event id and the same bytes, so an idempotent receiver applies
    # it once; each one is validly signed.
    assert webhook_receiver.webhook_ids() == [delivery.event_id, delivery.event_id]
    first, second = webhook_receiver.requests
    assert first["body"] == second["body"]
    for request in webhook_receiver.requests:
        Webhook(secret).verify(request["body"], request["headers"])
    assert json.loads(second["body"])["data"]["share_id"] == str(share.pk)


@pytest.mark.django_db(transaction=True)
def test_a_share_requested_while_the_broker_is_down_is_delivered_by_the_redrive(
    org, other_org, caseworker, start_worker, tmp_path, caplog
):
    agreement(org, other_org)
    case, _ = shareable_case(caseworker, minor=True)

    with broker_unreachable(tmp_path):
        started = time.monotonic()
        share = share_request(
            actor=caseworker, case=case, recipient=other_org, purpose="investigation", legal_basis="mandatory_report"
        )
        took = time.monotonic() - started

    assert took < 3, f"share_request blocked {took:.1f} s on the unreachable broker"
    delivery = Delivery.objects.get(share=share)
    assert f"delivery {delivery.pk} waits for the re-drive" in caplog.text, "the publish did not fail"
    # The request succeeded and the outbox row is committed, waiting.
    assert _share_status(share) == ShareStatus.QUEUED
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    assert not SharedRecord.objects.filter(share=share).exists()

    worker = start_worker()  # the broker is back
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING, "no message reached the broker; only the re-drive sends it"
    _wait_past_lease(delivery)
    _redrive()

    wait_for(
        lambda: _delivered(share), timeout=DELIVERY_TIMEOUT, what="delivery after the re-drive", details=worker.log
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    record = SharedRecord.objects.get(share=share)
    assert record.recipient == other_org and record.payload["case"]["reference"] == case.reference
    attempts = list(DeliveryAttempt.objects.filter(delivery=delivery))
    assert len(attempts) == 1 and attempts[0].succeeded
    assert f"delivery {delivery.pk}: delivered" in worker.log()
