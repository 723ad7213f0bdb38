"""The delivery outbox: work recorded in the transaction that caused it, pushed after commit.

A message lost on the way to the broker (broker down, worker killed) is not a lost delivery:
``redrive_due`` finds the row again when its ``next_attempt_at`` passes.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sharing.choices import UPDATABLE_SHARE_STATUSES, DeliveryChannel, DeliveryKind, DeliveryStatus, ShareStatus
from sharing.models import Delivery, PartnerEndpoint, Share

logger = logging.getLogger(__name__)

# Publishing happens in the web request after commit: when the broker is down it must fail at
# once (the outbox row is the safety net), not after kombu's connection retries (~6 s on Redis;
# ``retry=False`` alone does not stop those).
FAIL_FAST = {"retry": True, "retry_policy": {"max_retries": 0}}


def channel_for(share: Share) -> str:
    """Organizations registered with a webhook receive there; everyone else in their inbox."""
    has_endpoint = PartnerEndpoint.objects.filter(organization=share.recipient_id).exists()
    return DeliveryChannel.WEBHOOK if has_endpoint else DeliveryChannel.INBOX


def _enqueue(share: Share, kind: str) -> Delivery:
    # The message sent after commit is the fast path; the re-drive looks again after a lease.
    lease = dt.timedelta(seconds=settings.CASEBRIDGE_DELIVERY_LEASE_SECONDS)
    delivery = Delivery.objects.create(
        share=share, kind=kind, channel=channel_for(share), next_attempt_at=timezone.now() + lease
    )
    transaction.on_commit(lambda: send_to_worker(delivery.pk), robust=True)
    return delivery


def send_to_worker(delivery_id) -> None:
    """Hand a delivery to Celery. If the broker is unreachable the row waits for the re-drive."""
    from sharing.tasks import deliver

    try:
        deliver.apply_async(args=[str(delivery_id)], **FAIL_FAST)
    except Exception:  # the broker's errors vary by transport; the outbox row is the safety net
        logger.warning("Broker unavailable; delivery %s waits for the re-drive", delivery_id, exc_info=True)


def enqueue_version(share: Share) -> Delivery | None:
    """Push the share's current content unless a push that has not been built yet is waiting
    (it will build from the same, latest state)."""
    waiting = Delivery.objects.filter(
        share=share, kind=DeliveryKind.VERSION, status=DeliveryStatus.PENDING, version__isnull=True
    )
    if waiting.exists():
        return None
    return _enqueue(share, DeliveryKind.VERSION)


def enqueue_revocation(share: Share) -> Delivery | None:
    """External recipients are told; the inbox copy was already erased in the revoking transaction."""
    if channel_for(share) != DeliveryChannel.WEBHOOK:
        return None
    return _enqueue(share, DeliveryKind.REVOCATION)


def cancel_pending(share: Share) -> None:
    Delivery.objects.filter(share=share, kind=DeliveryKind.VERSION, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, body=""
    )


def on_case_changed(sender, *, case_id, **kwargs) -> None:
    """Receiver of ``casework.signals.case_changed``."""
    case_changed(case_id)


def case_changed(case_id) -> None:
    """Queue a new version of every share of the case that the recipient holds.

    Whether anything is actually sent is decided when the payload is built: an unchanged payload
    (the change was in a category this share does not carry) pushes nothing.
    """
    # Queued shares too: a first webhook delivery that is retrying carries a frozen body, so a
    # change made meanwhile needs a version of its own.
    live = (*UPDATABLE_SHARE_STATUSES, ShareStatus.QUEUED)
    for share in Share.objects.filter(case_id=case_id, status__in=live):
        enqueue_version(share)
