"""The trail is append-only: the ORM refuses, and the database refuses raw SQL too (both engines);
only retention's privileged transaction may delete; the test framework's flush still works."""

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.integrity import parse_horizon
from audit.models import AppendOnlyError, ChainLink, Checkpoint, DomainEvent, Flag
from audit.privilege import removal_allowed
from tests.audit.helpers import AUDIT_TABLES, build_trail


@pytest.fixture
def trail(org, caseworker, make_user):
    """At least one row in every audit table."""
    from django.utils import timezone

    from accounts.choices import Role
    from audit.choices import EventType
    from audit.events import record_event
    from audit.integrity import write_checkpoints
    from audit.models import ChainAnchor, FlagEntry, FlagReview

    build_trail(caseworker)
    record_event(EventType.CONSENT_WITHDRAWN, obj=org, organization=org, actor=caseworker)
    write_checkpoints()
    now = timezone.now()
    flag = Flag.objects.create(organization=org, kind="burst", key="k", window_start=now, window_end=now)
    FlagEntry.objects.create(flag=flag, link=ChainLink.objects.first())
    FlagReview.objects.create(flag=flag, reviewed_by=make_user(org, Role.AUDITOR), comment="fine")
    ChainAnchor.objects.create(chain="test", seq=0, hash="0" * 64, cutoff=now, signature="-")


def _refused(sql: str):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.mark.django_db
@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_raw_update_delete_and_truncate_are_refused_by_the_database(table, trail):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        assert cursor.fetchone()[0], f"{table} has no row to protect"
    _refused(f"UPDATE {table} SET id = id")  # noqa: S608
    _refused(f"DELETE FROM {table}")  # noqa: S608
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred check
        _refused(f"TRUNCATE {table} CASCADE")


def _orm_refused(operation):
    with pytest.raises(AppendOnlyError), transaction.atomic():
        operation()


@pytest.mark.django_db
def test_the_orm_refuses_before_the_database(trail):
    entry = LogEntry.objects.first()
    entry.object_repr = "changed"
    _orm_refused(entry.save)
    _orm_refused(entry.delete)
    event = DomainEvent.objects.first()
    _orm_refused(event.save)
    _orm_refused(event.delete)
    for model in (DomainEvent, ChainLink, Checkpoint, Flag):
        _orm_refused(lambda model=model: model.objects.filter(pk__gt=0).update(id=0))
        _orm_refused(lambda model=model: model.objects.all().delete())
        _orm_refused(lambda model=model: model.objects.first().delete())
    assert LogEntry.objects.filter(object_repr="changed").count() == 0


@pytest.mark.django_db
def test_only_the_retention_privilege_deletes_and_never_updates(trail):
    entry_id = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    _refused(f"DELETE FROM auditlog_logentry WHERE id = {entry_id}")  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"):
        with removal_allowed(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE auditlog_logentry SET object_repr = 'x' WHERE id = {entry_id}")  # noqa: S608
    with removal_allowed(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_chainlink WHERE kind = 'log' AND entry_id = %s", [entry_id])
        cursor.execute("DELETE FROM auditlog_logentry WHERE id = %s", [entry_id])
    assert not LogEntry.objects.filter(pk=entry_id).exists()
    # The privilege ended with its transaction.
    _refused("DELETE FROM auditlog_logentry")


@pytest.mark.django_db
def test_auditlogflush_and_a_production_flush_are_refused(trail, settings):
    with pytest.raises(CommandError, match="disabled"):
        call_command("auditlogflush", "--yes")
    settings.CASEBRIDGE_AUDIT_ALLOW_FLUSH = False
    with pytest.raises(CommandError, match="append-only"):
        call_command("flush", interactive=False, verbosity=0)
    assert LogEntry.objects.exists()


def test_retention_horizons_parse():
    assert parse_horizon("7y").days == 2557
    assert parse_horizon("30d").days == 30
    with pytest.raises(ValueError):
        parse_horizon("seven years")


@pytest.mark.django_db(transaction=True)
def test_the_test_frameworks_flush_still_empties_the_audit_tables(caseworker):
    build_trail(caseworker, cases=1)
    call_command("flush", interactive=False, verbosity=0)
    assert not LogEntry.objects.exists() and not ChainLink.objects.exists()
    from tests.factories import OrganizationFactory, UserFactory

    build_trail(UserFactory(organization=OrganizationFactory(), role="caseworker"), cases=1)
    _refused("DELETE FROM auditlog_logentry")  # the privilege ended with the flush
