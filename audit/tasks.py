"""Beat tasks of the audit trail: signed checkpoints (daily) and unusual-access flags."""

from celery import shared_task

from audit.context import acting_as


@shared_task
def write_checkpoints() -> int:
    from audit.integrity import write_checkpoints as write

    with acting_as(None):
        return len(write())


@shared_task
def compute_flags() -> int:
    from audit.flags import compute_flags as compute

    with acting_as(None):
        return compute()
