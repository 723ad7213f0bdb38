"""Acting-user context for work that runs outside a request (commands, Celery tasks)."""

import contextlib

from auditlog.context import auditlog_value, set_actor


@contextlib.contextmanager
def acting_as(actor, remote_addr: str | None = None):
    """Every change logged inside the block is attributed to ``actor``.

    Scoped properly: auditlog's ``set_actor`` leaves its context variable set after the block
    (and does not restore an enclosing one), so a later event in the same thread — the next
    task in a worker — would be attributed to a stale actor.
    """
    token = auditlog_value.set(auditlog_value.get(None))
    try:
        with set_actor(actor, remote_addr=remote_addr):
            yield
    finally:
        auditlog_value.reset(token)
