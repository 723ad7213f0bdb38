"""Withdrawal, revocation, sends and share requests serialise on the case and consent rows
(PostgreSQL): a live share on a withdrawn consent never exists at any commit, and a send never
goes out past a revocation it raced."""

from __future__ import annotations

import queue
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from accounts.choices import Sector
from casework import services as casework
from sharing.choices import LIVE_SHARE_STATUSES, DeliveryStatus, ShareStatus
from sharing.models import Delivery, Share, SharedRecord
from sharing.services import share_request, share_revoke
from sharing.services.delivery import deliver
from tests.factories import OrganizationFactory
from tests.sharing_helpers import agreement, consent_for, run_outbox, shareable_case

ROUNDS = 250

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers (CI runs this on PostgreSQL)")


@pytest.fixture
def partner(db):
    return OrganizationFactory(slug="county-cws", name="County CWS", sector=Sector.CHILD_WELFARE, case_prefix="CWS")


class Worker(threading.Thread):
    """A thread with its own database connection that runs one job per round, started by a barrier
    shared with the other worker so that both jobs begin at the same moment."""

    def __init__(self, barrier: threading.Barrier):
        super().__init__(daemon=True)
        self.barrier = barrier
        self.jobs: queue.Queue = queue.Queue()
        self.results: queue.Queue = queue.Queue()

    def run(self):
        try:
            while (job := self.jobs.get()) is not None:
                self.barrier.wait(timeout=30)
                try:
                    self.results.put(("ok", job()))
                except Exception as exc:  # reported to the test, which decides what is expected
                    self.results.put(("error", exc))
        finally:
            connections.close_all()

    def stop(self):
        self.jobs.put(None)
        self.join(timeout=30)


def _wait_until_blocked(other: threading.Thread, timeout: float = 20.0) -> None:
    """Until another connection of this database waits on a row lock (or ``other`` is done: then
    it did not need to wait, and the test judges what it did)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and other.is_alive():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= 1:
                return
            time.sleep(0.005)
    assert not other.is_alive(), "the other transaction neither waited for a lock nor finished"


def test_withdrawal_racing_a_share_request_never_leaves_a_live_share(org, caseworker, partner):
    agreement(org, partner)
    barrier = threading.Barrier(2)
    withdrawer, requester = Worker(barrier), Worker(barrier)
    withdrawer.start()
    requester.start()
    outcomes = {"refused": 0, "revoked": 0}
    consents = []
    try:
        for i in range(ROUNDS):
            case = casework.case_create(actor=caseworker, title=f"race {i}", case_type="other")
            survivor = casework.person_add(actor=caseworker, case=case, role="survivor", estimated_age=30)
            consent = consent_for(caseworker, case, survivor, sectors=["child_welfare"])
            consents.append(consent.pk)
            withdrawer.jobs.put(lambda c=consent: casework.consent_withdraw(actor=caseworker, consent=c))
            requester.jobs.put(
                lambda case=case, c=consent: share_request(
                    actor=caseworker,
                    case=case,
                    recipient=partner,
                    purpose="services",
                    legal_basis="consent",
                    consent=c,
                )
            )
            withdrawn, requested = withdrawer.results.get(timeout=60), requester.results.get(timeout=60)
            assert withdrawn[0] == "ok", withdrawn
            if requested[0] == "error":
                assert isinstance(requested[1], ValidationError), requested
                assert "consent" in requested[1].message_dict
                outcomes["refused"] += 1
            else:
                share = Share.objects.get(pk=requested[1].pk)
                assert share.status == ShareStatus.REVOKED, f"round {i}: a {share.status} share on a withdrawn consent"
                outcomes["revoked"] += 1
    finally:
        withdrawer.stop()
        requester.stop()
    live = Share.objects.filter(consent__in=consents, status__in=LIVE_SHARE_STATUSES)
    assert not live.exists()
    run_outbox(limit=5)
    assert not SharedRecord.objects.filter(payload__isnull=False).exists()
    assert sum(outcomes.values()) == ROUNDS


def _queued_share(caseworker, partner):
    case, survivor = shareable_case(caseworker, minor=False)
    consent = consent_for(caseworker, case, survivor, sectors=["child_welfare"])
    share = share_request(
        actor=caseworker, case=case, recipient=partner, purpose="services", legal_basis="consent", consent=consent
    )
    return share, consent, share.deliveries.get()


def test_a_delivery_waits_for_a_revocation_in_progress_and_sends_nothing(org, caseworker, partner):
    agreement(org, partner)
    share, _, delivery = _queued_share(caseworker, partner)
    revoked_uncommitted, release = threading.Event(), threading.Event()
    outcome = {}

    def revoke_and_hold():
        try:
            with transaction.atomic():
                share_revoke(actor=caseworker, share=share, reason="shared by mistake")
                revoked_uncommitted.set()
                assert release.wait(timeout=30)
        finally:
            connections.close_all()

    def send():
        try:
            outcome["deliver"] = deliver(delivery.pk)
        finally:
            connections.close_all()

    revoker = threading.Thread(target=revoke_and_hold)
    revoker.start()
    assert revoked_uncommitted.wait(timeout=30)
    sender = threading.Thread(target=send)
    sender.start()
    _wait_until_blocked(sender)
    release.set()
    revoker.join(timeout=30)
    sender.join(timeout=30)

    assert outcome["deliver"] in ("cancelled", "nothing to do")
    share.refresh_from_db()
    assert share.status == ShareStatus.REVOKED and share.version == 0
    assert not SharedRecord.objects.exists(), "nothing reached the recipient"
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.CANCELLED


def test_a_withdrawal_during_a_send_erases_what_the_send_delivered(org, caseworker, partner):
    agreement(org, partner)
    share, consent, delivery = _queued_share(caseworker, partner)
    delivered_uncommitted, release = threading.Event(), threading.Event()
    outcome = {}

    def send_and_hold():
        try:
            with transaction.atomic():
                outcome["deliver"] = deliver(delivery.pk)
                delivered_uncommitted.set()
                assert release.wait(timeout=30)
        finally:
            connections.close_all()

    def withdraw():
        try:
            casework.consent_withdraw(actor=caseworker, consent=consent)
        finally:
            connections.close_all()

    sender = threading.Thread(target=send_and_hold)
    sender.start()
    assert delivered_uncommitted.wait(timeout=30)
    withdrawer = threading.Thread(target=withdraw)
    withdrawer.start()
    _wait_until_blocked(withdrawer)
    release.set()
    sender.join(timeout=30)
    withdrawer.join(timeout=30)

    assert outcome["deliver"] == "delivered"
    share.refresh_from_db()
    assert share.status == ShareStatus.REVOKED and share.ended_reason == "consent withdrawn"
    record = SharedRecord.objects.get(share=share)
    assert record.payload is None and record.erased_at is not None
