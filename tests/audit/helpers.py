"""What the audit tests share: a small trail, the tables, and editing behind the app's back."""

from __future__ import annotations

import contextlib
import io
import json

from django.core.management import call_command
from django.db import connection

from audit.access import API, record_accesses
from audit.context import acting_as
from casework import services

AUDIT_TABLES = [
    "auditlog_logentry",
    "audit_domainevent",
    "audit_chainlink",
    "audit_checkpoint",
    "audit_chainanchor",
    "audit_flag",
    "audit_flagreview",
    "audit_flagentry",
]


def build_trail(caseworker, *, cases: int = 2):
    with acting_as(caseworker, remote_addr="203.0.113.9"):
        made = [services.case_create(actor=caseworker, title=f"t{i}", case_type="other") for i in range(cases)]
    record_accesses(made, actor=caseworker, channel=API)
    return made


def verify(*args) -> tuple[int, dict]:
    out = io.StringIO()
    code = 0
    try:
        call_command("verify_audit_chain", *args, stdout=out)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue())


@contextlib.contextmanager
def triggers_off(table: str):
    """The database's own guard switched off, as a superuser (or anyone with the file) could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            try:
                yield cursor
            finally:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            names = [
                row[0]
                for row in cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
                ).fetchall()
            ]
            sql = [
                row[0]
                for row in cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
                ).fetchall()
            ]
            for name in names:
                cursor.execute(f"DROP TRIGGER {name}")
            try:
                yield cursor
            finally:
                for statement in sql:
                    cursor.execute(statement)
