"""Celery tasks of casework: thin wrappers that call a service."""

import logging

from celery import shared_task

from audit.context import acting_as

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def create_consent_renewal_tasks() -> int:
    """Beat, hourly: a "renew consent or let it lapse" task for each live consent 14 days from
    expiry. Idempotent: a consent that already has its renewal task gets no second one."""
    from casework.services.tasks import consent_renewal_create, consent_renewals_due

    created = 0
    with acting_as(None):
        for consent in consent_renewals_due():
            if consent_renewal_create(consent=consent) is not None:
                created += 1
    logger.info("consent renewal tasks created: %d", created)
    return created
