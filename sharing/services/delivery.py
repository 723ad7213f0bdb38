"""Doing a delivery: build the payload at send time, then put it in the recipient's inbox or
POST it to the partner's webhook. Called by the Celery task; safe to run twice for one row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import random
import time

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.chain import linked_at_end
from audit.choices import EventType
from audit.events import record_event
from sharing import webhooks
from sharing.choices import (
    LIVE_SHARE_STATUSES,
    DeliveryChannel,
    DeliveryKind,
    DeliveryStatus,
    RecordStatus,
    ShareStatus,
)
from sharing.models import Delivery, DeliveryAttempt, PartnerEndpoint, Share, SharedRecord
from sharing.payloads import build_for_share, revocation_body
from sharing.services.basis import lock_case, lock_consent, send_time_lapse
from sharing.services.outbox import FAIL_FAST
from sharing.snapshot import CaseData, case_snapshot

logger = logging.getLogger(__name__)

# The part of a payload that identifies its content; a rebuild that differs only in these is the
# same version.
_VOLATILE_KEYS = ("generated_at", "version")


def content_hash(payload: dict) -> str:
    stable = {k: v for k, v in payload.items() if k not in _VOLATILE_KEYS}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()


def retry_delay(attempts: int, retry_after: float | None = None) -> float | None:
    """Seconds until the next try after ``attempts`` tries, or None when retries are exhausted.

    Exponential in the spirit of Standard Webhooks, with ±10 % jitter so that many deliveries that
    failed together do not retry together; a partner's ``Retry-After`` is honoured (up to a day).
    """
    schedule = settings.CASEBRIDGE_RETRY_SCHEDULE
    if attempts > len(schedule):
        return None
    delay = schedule[attempts - 1] * random.uniform(0.9, 1.1)
    if retry_after:
        delay = max(delay, min(retry_after, 86400))
    return delay


def _locked_pending(delivery_id) -> Delivery | None:
    return (
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )


def deliver(delivery_id) -> str:
    """Run one delivery. Returns what happened (for logs and tests).

    Every send of a version (the first, an update, a retry, a re-drive) checks the share's basis
    again here, under the locks of its case, consent and share (taken in the order every sharing
    write takes them, ``sharing.services.basis``). What no longer holds is not sent: the share
    ends at once, expired or revoked, without waiting for beat's expiry sweep.
    """
    from sharing.services.shares import end_share

    # The entries a delivery writes are linked into the audit chains at its end, so that
    # deliveries for one organization queue on its chain head only for the last statements.
    with transaction.atomic(), linked_at_end():
        ref = (
            Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .values("share_id", "share__case_id", "share__consent_id")
            .first()
        )
        if ref is None:
            return "nothing to do"
        case = lock_case(ref["share__case_id"])
        consent = lock_consent(ref["share__consent_id"], case_id=ref["share__case_id"])
        # The agreement is read with the share (not locked: the basis check reads it afresh in this
        # transaction either way); the locked case is kept on the share for what reads it below.
        share = (
            Share.objects.select_for_update(of=("self",))
            .select_related("recipient", "provider", "agreement")
            .get(pk=ref["share_id"])
        )
        if case is not None:
            share.case = case
        delivery = _locked_pending(delivery_id)
        if delivery is None:
            return "nothing to do"
        if delivery.kind == DeliveryKind.VERSION:
            if share.status not in LIVE_SHARE_STATUSES:
                delivery.status = DeliveryStatus.CANCELLED
                delivery.save(update_fields=["status"])
                return "cancelled"
            lapse = send_time_lapse(share, case=case, consent=consent, agreement=share.agreement, at=timezone.now())
            if lapse is not None:
                # Cancels this delivery with the share's other pending versions and erases what
                # the recipient already holds.
                end_share(share, status=lapse.status, reason=lapse.reason)
                return lapse.status
        if delivery.channel == DeliveryChannel.INBOX:
            return _deliver_to_inbox(delivery, share)
        if delivery.leased_until and delivery.leased_until > timezone.now():
            return "in flight elsewhere"
        claimed = _claim_webhook(delivery, share)
        if claimed != "claimed":
            return claimed
    return _post_webhook(delivery.pk)


def _build_next_version(delivery: Delivery, share: Share, snapshot: CaseData) -> dict | None:
    """The payload of the share's next version, or None when nothing the share carries changed."""
    payload = build_for_share(share, version=share.version + 1, generated_at=timezone.now(), snapshot=snapshot)
    digest = content_hash(payload)
    if digest == share.payload_sha256:
        delivery.status = DeliveryStatus.UNCHANGED
        delivery.save(update_fields=["status"])
        return None
    share.version += 1
    share.payload_sha256 = digest
    delivery.version = share.version
    return payload


def _deliver_to_inbox(delivery: Delivery, share: Share) -> str:
    started = time.monotonic()
    # One snapshot for the payload and for the disclosure ledger's account of it.
    snapshot = case_snapshot(share.case_id, case=share.case)
    payload = _build_next_version(delivery, share, snapshot)
    if payload is None:
        return "unchanged"
    now = timezone.now()
    # The share's row lock, taken in ``deliver``, serialises every writer of its record: a plain
    # look-up then insert cannot race, and needs no savepoint as ``get_or_create`` would take.
    record = SharedRecord.objects.select_for_update().filter(share=share).first()
    if record is None:
        SharedRecord.objects.create(
            share=share,
            recipient=share.recipient,
            source_organization=share.provider,
            version=share.version,
            payload=payload,
            received_at=now,
        )
    else:
        record.version = share.version
        record.payload = payload
        record.save(update_fields=["version", "payload", "updated_at"])
    _mark_delivered(
        delivery,
        share,
        now=now,
        duration=time.monotonic() - started,
        status_code=None,
        payload=payload,
        snapshot=snapshot,
    )
    return "delivered"


def _mark_delivered(
    delivery: Delivery,
    share: Share,
    *,
    now,
    duration: float,
    status_code: int | None,
    payload: dict | None = None,
    snapshot: CaseData | None = None,
) -> None:
    if delivery.kind == DeliveryKind.VERSION:
        # The accounting of disclosures, from the exact bytes delivered (the webhook body is
        # read before it is discarded below).
        from sharing.services.disclosures import disclosure_record

        disclosure_record(delivery=delivery, share=share, delivered_at=now, payload=payload, snapshot=snapshot)
    delivery.status = DeliveryStatus.DELIVERED
    delivery.delivered_at = now
    delivery.body = ""  # the recipient has it; we keep no second copy of case content
    delivery.last_error = ""
    if delivery.attempts == 0:
        delivery.attempts = 1
    delivery.save()
    DeliveryAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        status_code=status_code,
        duration_ms=int(duration * 1000),
        succeeded=True,
    )
    fields = ["version", "payload_sha256", "last_error", "updated_at"]
    share.last_error = ""
    if share.status == ShareStatus.QUEUED and delivery.kind == DeliveryKind.VERSION:
        share.status = ShareStatus.DELIVERED
        fields.append("status")
    share.save(update_fields=fields)
    record_event(
        EventType.SHARE_DELIVERED if delivery.kind == DeliveryKind.VERSION else EventType.SHARE_REVOCATION_DELIVERED,
        obj=share,
        organization=share.provider,
        channel=delivery.channel,
        version=delivery.version,
        event_id=delivery.event_id,
    )


def _claim_webhook(delivery: Delivery, share: Share) -> str:
    """Build the body once (retries resend it byte for byte) and lease the row to this worker."""
    endpoint = PartnerEndpoint.objects.filter(organization=share.recipient_id).first()
    if endpoint is None or not endpoint.active:
        _fail(delivery, share, "The recipient's webhook endpoint is disabled.")
        return "failed"
    if not delivery.body:
        if delivery.kind == DeliveryKind.VERSION:
            payload = _build_next_version(delivery, share, case_snapshot(share.case_id, case=share.case))
            if payload is None:
                return "unchanged"
            share.save(update_fields=["version", "payload_sha256", "updated_at"])
            data = payload
        else:
            data = revocation_body(share)
        envelope = {"type": delivery.kind, "timestamp": timezone.now().isoformat(), "data": data}
        delivery.body = json.dumps(envelope, separators=(",", ":"), sort_keys=True)
    delivery.attempts += 1
    lease_end = timezone.now() + dt.timedelta(seconds=settings.CASEBRIDGE_DELIVERY_LEASE_SECONDS)
    delivery.next_attempt_at = delivery.leased_until = lease_end
    delivery.save()
    return "claimed"


def _post_webhook(delivery_id) -> str:
    """The HTTP call runs outside any transaction; its outcome is recorded in a new one."""
    delivery = Delivery.objects.select_related("share__recipient__endpoint").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        # Revoked (or expired) since the claim committed: the last moment to send nothing.
        return "cancelled"
    endpoint = delivery.share.recipient.endpoint
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": "Casebridge-Webhooks/1",
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhooks.sign(
            secret=endpoint.secret, msg_id=delivery.event_id, timestamp=timestamp, body=delivery.body
        ),
    }
    started = time.monotonic()
    status_code, error, retry_after = None, "", None
    try:
        address = webhooks.check_destination(endpoint.url)  # resolved once, connected to (no rebinding)
        response = webhooks.post_pinned(
            endpoint.url,
            address,
            data=delivery.body.encode(),
            headers=headers,
            timeout=settings.CASEBRIDGE_WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
        status_code = response.status_code
        retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}: {response.text[:200]}"
    except ValidationError as exc:
        error = "; ".join(exc.messages)
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration = time.monotonic() - started
    return _record_webhook_outcome(delivery_id, status_code, error, retry_after, duration)


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, (parsedate_to_datetime(value) - timezone.now()).total_seconds())
        except (TypeError, ValueError):
            return None


def _record_webhook_outcome(delivery_id, status_code, error, retry_after, duration) -> str:
    with transaction.atomic(), linked_at_end():
        return _record_webhook_outcome_locked(delivery_id, status_code, error, retry_after, duration)


def _record_webhook_outcome_locked(delivery_id, status_code, error, retry_after, duration) -> str:
    # Share before delivery, the lock order of every sharing write: a revocation holds the share
    # and then cancels the delivery.
    share_id = Delivery.objects.filter(pk=delivery_id).values_list("share_id", flat=True).get()
    share = (
        Share.objects.select_for_update(of=("self",)).select_related("case", "recipient", "provider").get(pk=share_id)
    )
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return "already recorded"
    delivery.leased_until = None
    now = timezone.now()
    if not error:
        _mark_delivered(delivery, share, now=now, duration=duration, status_code=status_code)
        return "delivered"
    DeliveryAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        status_code=status_code,
        error=error,
        duration_ms=int(duration * 1000),
    )
    record_event(
        EventType.SHARE_DELIVERY_FAILED,
        obj=share,
        organization=share.provider,
        attempt=delivery.attempts,
        status_code=status_code,
        error=error[:200],
        event_id=delivery.event_id,
    )
    if status_code == 410:
        PartnerEndpoint.objects.filter(organization=share.recipient_id).update(
            active=False, disabled_at=now, disabled_reason="The partner answered 410 Gone."
        )
        _fail(delivery, share, "The partner's endpoint is gone (HTTP 410); it has been disabled.")
        return "failed"
    delay = retry_delay(delivery.attempts, retry_after)
    if delay is None:
        _fail(delivery, share, f"Gave up after {delivery.attempts} attempts: {error}")
        return "failed"
    delivery.last_error = error
    delivery.next_attempt_at = now + dt.timedelta(seconds=delay)
    delivery.save(update_fields=["last_error", "next_attempt_at", "leased_until"])
    share.last_error = error
    share.save(update_fields=["last_error", "updated_at"])
    if delay <= 60:
        # Short waits ride on the broker; long ones are left to the re-drive (a countdown longer
        # than the broker's visibility timeout would be redelivered over and over).
        from sharing.tasks import deliver as deliver_task

        pk = str(delivery.pk)
        transaction.on_commit(lambda: _schedule_soon(deliver_task, pk, delay), robust=True)
    return "retry scheduled"


def _schedule_soon(task, delivery_id: str, delay: float) -> None:
    try:
        task.apply_async(args=[delivery_id], countdown=delay, **FAIL_FAST)
    except Exception:  # the re-drive picks it up
        logger.warning("Broker unavailable; retry of %s waits for the re-drive", delivery_id, exc_info=True)


def _fail(delivery: Delivery, share: Share, error: str) -> None:
    delivery.status = DeliveryStatus.FAILED
    delivery.last_error = error
    delivery.body = ""
    delivery.leased_until = None
    delivery.save(update_fields=["status", "last_error", "body", "leased_until"])
    share.last_error = error
    fields = ["last_error", "updated_at"]
    if delivery.kind == DeliveryKind.VERSION and delivery.version is not None:
        # The recipient never got this content: the next change must not count it as sent.
        share.payload_sha256 = ""
        fields.append("payload_sha256")
    if share.status == ShareStatus.QUEUED:
        share.status = ShareStatus.FAILED
        fields.append("status")
    share.save(update_fields=fields)
    record_event(EventType.SHARE_FAILED, obj=share, organization=share.provider, error=error[:200])


def redrive_due(*, now=None, limit: int = 500) -> list[str]:
    """Pending deliveries whose time has come (new, retrying, or leased by a worker that died).

    Each is pushed back a lease so that the next sweep does not enqueue it again while it waits
    in the broker; if that message is lost too, the sweep after the lease finds it again.
    """
    now = now or timezone.now()
    lease = dt.timedelta(seconds=settings.CASEBRIDGE_DELIVERY_LEASE_SECONDS)
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=due).update(next_attempt_at=now + lease)
    return [str(pk) for pk in due]


def erase_record_payload(record: SharedRecord, reason: str, status: str = RecordStatus.REVOKED) -> None:
    record.payload = None
    record.erased_at = timezone.now()
    record.tombstone_reason = reason
    record.status = status
    record.save(update_fields=["payload", "erased_at", "tombstone_reason", "status", "updated_at"])
    record.views.all().delete()  # the digests of what readers opened go with the payload
