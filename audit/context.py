"""Acting-user context for work that runs outside a request (commands, Celery tasks)."""

import contextlib

from auditlog.context import auditlog_value, set_actor


@contextlib.contextmanager
def acting_as(actor, remote_addr: str | None = None):
    """Every change logged inside the block is attributed to ``actor``.

    Nests safely: auditlog's ``set_actor`` does not restore an enclosing context when an inner
    one ends, which would leave later changes of the outer block without an actor.
    """
    outer = auditlog_value.get(None)
    try:
        with set_actor(actor, remote_addr=remote_addr):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)
