"""Acting-user and correlation-id context for the audit trail (requests, commands, Celery tasks)."""

import contextlib
import uuid
from contextvars import ContextVar

from auditlog.context import auditlog_value, set_actor

_correlation_id: ContextVar[str | None] = ContextVar("casebridge_correlation_id", default=None)


def current_cid() -> str | None:
    """auditlog's ``AUDITLOG_CID_GETTER``: the id of the request or task being served.

    Always generated here, never read from a client header (a caller could otherwise make its
    requests look like someone else's)."""
    return _correlation_id.get()


def new_cid() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def correlation(cid: str | None = None):
    token = _correlation_id.set(cid or new_cid())
    try:
        yield _correlation_id.get()
    finally:
        _correlation_id.reset(token)


@contextlib.contextmanager
def acting_as(actor, remote_addr: str | None = None):
    """Every change logged inside the block is attributed to ``actor``.

    Scoped properly: auditlog's ``set_actor`` leaves its context variable set after the block
    (and does not restore an enclosing one), so a later event in the same thread — the next
    task in a worker — would be attributed to a stale actor. Outside a request the block gets a
    correlation id of its own.
    """
    token = auditlog_value.set(auditlog_value.get(None))
    cid_token = _correlation_id.set(_correlation_id.get() or new_cid())
    try:
        with set_actor(actor, remote_addr=remote_addr):
            yield
    finally:
        _correlation_id.reset(cid_token)
        auditlog_value.reset(token)
