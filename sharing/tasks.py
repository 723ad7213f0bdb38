"""Celery tasks: thin wrappers that take ids, load rows and call a service."""

import logging

from celery import shared_task

from audit.context import acting_as

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver(delivery_id: str) -> str:
    from sharing.services.delivery import deliver as run_delivery

    outcome = run_delivery(delivery_id)
    logger.info("delivery %s: %s", delivery_id, outcome)
    return outcome


@shared_task(ignore_result=True)
def redrive_deliveries() -> int:
    """Re-send every delivery whose time has come: lost messages, retries, dead workers."""
    from sharing.services.delivery import redrive_due
    from sharing.services.outbox import send_to_worker

    due = redrive_due()
    for delivery_id in due:
        send_to_worker(delivery_id)
    return len(due)


@shared_task(ignore_result=True)
def expire_shares() -> int:
    from sharing.services import shares_expire_due

    with acting_as(None):
        return shares_expire_due()
