"""The one way to remove audit rows: a privilege the database triggers check (migration 0003).

PostgreSQL: ``SET LOCAL casebridge.audit_retention = 'on'`` lasts until the transaction ends.
SQLite: a row in ``casebridge_audit_privilege`` (not a Django model) inserted and removed inside the
same transaction, so no other connection ever sees it. Either way only DELETE/TRUNCATE are allowed;
UPDATE stays refused.
"""

from __future__ import annotations

import contextlib

from django.db import connections, transaction

PRIVILEGE_TABLE = "casebridge_audit_privilege"


def _grant(cursor, vendor: str, *, local: bool) -> None:
    if vendor == "postgresql":
        cursor.execute(f"SET {'LOCAL ' if local else ''}casebridge.audit_retention = 'on'")
    elif vendor == "sqlite":
        cursor.execute(f"INSERT INTO {PRIVILEGE_TABLE} (granted_at) VALUES (datetime('now'))")  # noqa: S608


def _revoke(cursor, vendor: str) -> None:
    if vendor == "postgresql":
        cursor.execute("RESET casebridge.audit_retention")
    elif vendor == "sqlite":
        cursor.execute(f"DELETE FROM {PRIVILEGE_TABLE}")  # noqa: S608


@contextlib.contextmanager
def removal_allowed(using: str = "default"):
    """Inside the block (one transaction) audit rows may be deleted. Used by retention only."""
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            _grant(cursor, connection.vendor, local=True)
        yield
        with connection.cursor() as cursor:
            _revoke(cursor, connection.vendor)


@contextlib.contextmanager
def flush_allowed(using: str = "default"):
    """For ``manage.py flush`` when ``CASEBRIDGE_AUDIT_ALLOW_FLUSH`` (the test framework's teardown)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        _grant(cursor, connection.vendor, local=False)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            _revoke(cursor, connection.vendor)
