"""The audit tables are append-only in the database itself.

PostgreSQL: row triggers refuse UPDATE and DELETE, a statement trigger refuses TRUNCATE, unless the
transaction set ``casebridge.audit_retention = 'on'`` (``SET LOCAL``; only ``audit_retention`` and
the test framework's flush do), and then only DELETE and TRUNCATE: an UPDATE is never allowed.

SQLite: triggers refuse UPDATE always and DELETE unless the privilege table (not a Django model,
so never flushed) holds a row, which retention inserts and removes in its own transaction.

Entries written before this migration are linked into their chains first, in id order.
"""

from django.db import migrations

TABLES = [
    "auditlog_logentry",
    "audit_domainevent",
    "audit_chainlink",
    "audit_checkpoint",
    "audit_chainanchor",
    "audit_flag",
    "audit_flagreview",
    "audit_flagentry",
]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION casebridge_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('casebridge.audit_retention', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def install(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION casebridge_audit_append_only()"
                )
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION casebridge_audit_append_only()"
                )
        elif connection.vendor == "sqlite":
            cursor.execute("CREATE TABLE IF NOT EXISTS casebridge_audit_privilege (granted_at TEXT NOT NULL)")
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE refused'); END"
                )
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                    "WHEN NOT EXISTS (SELECT 1 FROM casebridge_audit_privilege) "
                    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE refused'); END"
                )


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS casebridge_audit_append_only()")


def chain_existing_entries(apps, schema_editor):
    # The application's own chain code (the canonical form covers the live models' columns).
    from auditlog.models import LogEntry

    from audit import chain
    from audit.models import ChainLink, DomainEvent

    for kind, model in ((ChainLink.LOG, LogEntry), (ChainLink.EVENT, DomainEvent)):
        linked = ChainLink.objects.filter(kind=kind).values("entry_id")
        batch = list(model.objects.exclude(pk__in=linked).order_by("pk")[:1000])
        while batch:
            chain.append(kind, batch)
            batch = list(model.objects.exclude(pk__in=linked).order_by("pk")[:1000])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_chain_flags_and_actor_protection"),
        ("auditlog", "0017_add_actor_email"),
        ("accounts", "0006_organization_working_hours"),
    ]

    operations = [
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
        migrations.RunPython(install, uninstall),
    ]
