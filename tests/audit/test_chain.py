"""The hash chain: every entry linked, edits and removals behind the app's back found by
``verify_audit_chain``, a cut tail found by the signed checkpoints, concurrent writers kept in one
chain (PostgreSQL)."""

import itertools
import threading

import pytest
from auditlog.models import LogEntry
from django.db import DataError, connection, connections
from django.test.utils import CaptureQueriesContext

from audit import chain
from audit.access import API, record_accesses
from audit.integrity import write_checkpoints
from audit.models import ChainHead, ChainLink, DomainEvent
from casework import services
from tests.audit.helpers import build_trail, triggers_off, verify


@pytest.fixture
def trail(caseworker):
    return build_trail(caseworker, cases=3)


@pytest.mark.django_db
def test_every_entry_is_linked_and_the_chain_verifies(trail, org):
    assert not LogEntry.objects.exclude(pk__in=ChainLink.objects.filter(kind="log").values("entry_id")).exists()
    assert not DomainEvent.objects.exclude(pk__in=ChainLink.objects.filter(kind="event").values("entry_id")).exists()
    links = list(ChainLink.objects.filter(chain=chain.chain_for(org.pk)).order_by("seq"))
    assert [link.seq for link in links] == list(range(1, len(links) + 1))
    assert links[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(links))
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report
    code, report = verify("--org", org.slug)
    assert code == 0 and report["chains"][0]["links"] == len(links)


@pytest.mark.django_db
def test_access_logging_is_a_constant_number_of_statements(trail, caseworker, django_assert_max_num_queries):
    record_accesses(trail[:1], actor=caseworker, channel=API)  # warm the content-type cache
    with django_assert_max_num_queries(8) as one:
        record_accesses(trail[:1], actor=caseworker, channel=API)
    with django_assert_max_num_queries(8) as many:
        record_accesses(trail * 10, actor=caseworker, channel=API)  # SQLite batches past 999 parameters
    assert len(one.captured_queries) == len(many.captured_queries), [q["sql"][:60] for q in many.captured_queries]
    statements = [q["sql"] for q in many.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]
    if connection.vendor == "postgresql":
        # The entries with the chain's reservation, then the links with the head's new hash.
        assert len(statements) == 2, statements
        assert all(sql.startswith("WITH ") and "INSERT INTO" in sql for sql in statements), statements
    else:
        inserts = [sql for sql in statements if sql.lstrip().upper().startswith("INSERT")]
        assert len(inserts) == 2  # the entries, then their links: one statement each
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report


@pytest.mark.django_db
def test_the_first_access_entry_of_a_new_chain_creates_its_head(trail, caseworker):
    # An organization written without the services (no entry yet, so no chain head).
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import Organization

    group = Group.objects.create(name="quiet-supervisors")
    [quiet] = Organization.objects.bulk_create(
        [Organization(slug="quiet", name="Quiet", sector="ngo", case_prefix="Q", supervisors_group=group)]
    )
    assert not ChainHead.objects.filter(chain=chain.chain_for(quiet.pk)).exists()
    entries = [
        LogEntry(content_type=ContentType.objects.get_for_model(Organization), object_pk=str(quiet.pk), action=3)
        for n in range(3)
    ]
    links = chain.save_and_append(ChainLink.LOG, entries, organization_id=quiet.pk)
    assert [link.seq for link in links] == [1, 2, 3]
    assert links[0].prev_hash == chain.GENESIS
    assert [link.entry_id for link in links] == [entry.pk for entry in entries]
    assert sorted(entry.pk for entry in entries) == [entry.pk for entry in entries]
    head = ChainHead.objects.get(chain=chain.chain_for(quiet.pk))
    assert (head.seq, head.hash) == (3, links[-1].hash)
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report


def _edit_first_access(cursor):
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("pk").first()
    cursor.execute("UPDATE auditlog_logentry SET remote_addr = %s WHERE id = %s", ["198.51.100.66", entry.pk])
    return entry


@pytest.mark.django_db
def test_a_row_edited_behind_the_apps_back_is_named(trail):
    with triggers_off("auditlog_logentry") as cursor:
        edited = _edit_first_access(cursor)
    code, report = verify()
    assert code == 1
    assert report["first_broken"]["entry_id"] == edited.pk
    assert report["first_broken"]["kind"] == "log"
    assert "altered" in report["first_broken"]["reason"]


@pytest.mark.django_db
def test_a_removed_entry_and_a_removed_link_are_named(trail):
    victim = ChainLink.objects.filter(kind="log").order_by("seq")[2]
    with triggers_off("auditlog_logentry") as cursor:
        cursor.execute("DELETE FROM auditlog_logentry WHERE id = %s", [victim.entry_id])
    code, report = verify()
    assert code == 1 and report["first_broken"]["entry_id"] == victim.entry_id
    assert report["first_broken"]["reason"] == "entry removed"


@pytest.mark.django_db
def test_a_removed_middle_link_is_named(trail):
    victim = ChainLink.objects.order_by("seq")[3]
    with triggers_off("audit_chainlink") as cursor:
        cursor.execute("DELETE FROM audit_chainlink WHERE id = %s", [victim.pk])
    code, report = verify()
    assert code == 1 and report["first_broken"]["seq"] == victim.seq + 1
    assert "missing" in report["first_broken"]["reason"]


@pytest.mark.django_db
def test_a_truncated_tail_is_caught_by_the_signed_checkpoint(trail, org):
    write_checkpoints()
    name = chain.chain_for(org.pk)
    tail = list(ChainLink.objects.filter(chain=name).order_by("-seq")[:3])
    with triggers_off("audit_chainlink") as cursor, triggers_off("auditlog_logentry") as cursor2:
        for link in tail:
            cursor.execute("DELETE FROM audit_chainlink WHERE id = %s", [link.pk])
            cursor2.execute("DELETE FROM auditlog_logentry WHERE id = %s", [link.entry_id])
        # A careful attacker also rewinds the head row.
        ChainHead.objects.filter(chain=name).update(seq=tail[-1].seq - 1, hash=tail[-1].prev_hash)
    code, report = verify()
    assert code == 1
    assert "tail truncated" in report["first_broken"]["reason"]
    assert report["first_broken"]["seq"] == tail[-1].seq


@pytest.mark.django_db
def test_a_forged_checkpoint_is_refused(trail, org):
    write_checkpoints()
    with triggers_off("audit_checkpoint") as cursor:
        cursor.execute("UPDATE audit_checkpoint SET seq = seq - 1")
    code, report = verify()
    assert code == 1 and "signature" in report["first_broken"]["reason"]


@pytest.mark.django_db
def test_an_entry_inserted_behind_the_apps_back_is_unchained(trail):
    entry = LogEntry.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auditlog_logentry (content_type_id, object_pk, object_repr, action, changes_text, timestamp, "
            "additional_data) SELECT content_type_id, object_pk, 'forged', action, '', timestamp, additional_data "
            "FROM auditlog_logentry WHERE id = %s",
            [entry.pk],
        )
    code, report = verify()
    assert code == 1 and report["first_broken"]["reason"] == "entry not in any chain"


WRITERS = 6
EACH = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_valid_chain(org, caseworker):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers (CI runs this on PostgreSQL)")
    case = services.case_create(actor=caseworker, title="shared", case_type="other")
    start = threading.Barrier(WRITERS)
    errors = []

    def write():
        try:
            start.wait()
            for _ in range(EACH):
                record_accesses([case, case], actor=caseworker, channel=API)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    name = chain.chain_for(org.pk)
    seqs = list(ChainLink.objects.filter(chain=name).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert ChainLink.objects.filter(kind="log", action="access").count() == WRITERS * EACH * 2
    code, report = verify()
    assert code == 0, report


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="psycopg pipelines are PostgreSQL's (CI runs this on PostgreSQL)"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_an_access_entry_is_two_statements_in_one_pipeline(caseworker):
    case = services.case_create(actor=caseworker, title="Depot", case_type="labor_trafficking")
    with CaptureQueriesContext(connection) as queries:
        record_accesses([case], actor=caseworker, channel=API)
    statements = [q["sql"] for q in queries.captured_queries]
    # Only the two statements go through Django: BEGIN and COMMIT travel with them in the pipeline.
    assert [sql.split(" AS ")[0] for sql in statements] == ["WITH entry", "WITH head_0"], statements
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).get()
    assert ChainLink.objects.filter(kind=ChainLink.LOG, entry_id=entry.pk).exists()
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report


def _failing_statement(links, heads):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")


def _failing_in_python(links, heads):
    raise RuntimeError("the process failed between the two statements")


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("failing_write", "error"), [(_failing_statement, DataError), (_failing_in_python, RuntimeError)]
)
def test_when_the_links_cannot_be_written_the_entries_are_not_kept_either(
    caseworker, monkeypatch, failing_write, error
):
    case = services.case_create(actor=caseworker, title="Depot", case_type="labor_trafficking")
    head = ChainHead.objects.get(chain=chain.chain_for(case.organization_id))
    entries_before = LogEntry.objects.count()
    monkeypatch.setattr(chain, "_write_links", failing_write)
    with pytest.raises(error):
        record_accesses([case], actor=caseworker, channel=API)
    # The entry written by the first statement was rolled back with the failed second one.
    assert LogEntry.objects.count() == entries_before
    assert ChainHead.objects.get(pk=head.pk).seq == head.seq
    monkeypatch.undo()
    record_accesses([case], actor=caseworker, channel=API)  # the connection is usable again
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report


def _sample_rows(caseworker, org):
    """Entries and links with every kind of value their columns hold: JSON with non-ASCII text and
    nesting, IPv4 and IPv6 addresses, NULLs, a UUID, times with microseconds in another zone."""
    import datetime as dt
    import uuid
    import zoneinfo

    from django.contrib.contenttypes.models import ContentType

    from casework.models import Case

    case_type = ContentType.objects.get_for_model(Case)
    when = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=zoneinfo.ZoneInfo("America/Bogota"))
    entries = [
        LogEntry(
            content_type=case_type,
            object_pk=str(uuid.uuid4()),
            object_repr="Caso «Niña» 7",
            action=LogEntry.Action.ACCESS,
            changes={"status": ["intake", "open"], "note": {"é": [1, None, True]}},
            actor=caseworker if n % 2 else None,
            actor_email="cw@example.org" if n % 2 else None,
            remote_addr=["203.0.113.9", "2001:db8::7", None][n % 3],
            remote_port=[None, 443][n % 2],
            cid=f"cid-{n}",
            timestamp=when + dt.timedelta(seconds=n),
            additional_data={"channel": "api", "organization": org.slug, "n": n},
        )
        for n in range(4)
    ]
    events = [
        DomainEvent(
            occurred_at=when,
            event_type="share.approved",
            actor=caseworker if n else None,
            organization=org,
            object_type="sharing.share",
            object_id=str(n),
            data={"case_id": str(uuid.uuid4()), "ñ": n},
            remote_addr=["2001:db8::1", None][n % 2],
        )
        for n in range(3)
    ]
    links = [
        ChainLink(
            chain=f"test-{n}",
            seq=n + 1,
            kind=ChainLink.EVENT,
            entry_id=10_000 + n,
            prev_hash="a" * 64,
            hash=f"{n:064x}",
            organization=org,
            actor=caseworker if n else None,
            occurred_at=when,
            action="access",
            object_type="casework.case",
            object_id=str(n),
            case_id=uuid.uuid4() if n else None,
            channel="api",
        )
        for n in range(3)
    ]
    return {LogEntry: entries, DomainEvent: events, ChainLink: links}


def _stored(model, ids):
    rows = {row.pop("id"): row for row in model.objects.filter(pk__in=ids).values()}
    return [rows[i] for i in ids]


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 3], ids=["one row", "several rows"])
@pytest.mark.parametrize("prepared", [True, False], ids=["prepared, binary arrays", "client-side binding"])
def test_the_audit_insert_stores_what_the_orms_insert_stores(caseworker, org, rows, prepared, monkeypatch):
    import copy

    connection.ensure_connection()
    if not prepared:  # CASEBRIDGE_DB_PREPARED_STATEMENTS=0
        monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    for model, objects in _sample_rows(caseworker, org).items():
        objects = objects[:rows]
        by_orm = model.objects.bulk_create(copy.deepcopy(objects))
        if model is ChainLink:  # the same chains and entries may not be linked twice
            for link in objects:
                link.chain, link.entry_id = link.chain + "-b", link.entry_id + 1000
        insert_sql, params = chain._insert_sql(model, objects)
        with chain._audit_cursor() as cursor:
            statement = f"WITH row AS ({insert_sql} RETURNING id) SELECT array_agg(id ORDER BY id) FROM row"  # noqa: S608
            cursor.execute(statement, params)
            [ids] = cursor.fetchone()
        ours = _stored(model, ids)
        theirs = _stored(model, [o.pk for o in by_orm])
        if model is ChainLink:
            for row in ours:
                row["chain"], row["entry_id"] = row["chain"].removesuffix("-b"), row["entry_id"] - 1000
        assert ours == theirs, model.__name__


@postgresql_only
@pytest.mark.django_db
def test_the_audit_insert_is_one_statement_text_whatever_the_number_of_rows(caseworker, org):
    # psycopg parses a statement's placeholders once per text: a page of 50 entries must not be
    # a new text with 750 placeholders on every read (UNNEST sends one array per column).
    entries = _sample_rows(caseworker, org)[LogEntry]
    two, _ = chain._insert_sql(LogEntry, entries[:2])
    four, params = chain._insert_sql(LogEntry, entries)
    assert two == four and "UNNEST" in four
    assert all(len(column) == 4 for column in params)


def _prepared_audit_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE from_sql IS FALSE")
        return [row[0] for row in cursor.fetchall()]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_audit_statements_are_prepared_once_per_connection(caseworker):
    case = services.case_create(actor=caseworker, title="Depot", case_type="labor_trafficking")
    for _ in range(3):
        record_accesses([case], actor=caseworker, channel=API)
    prepared = _prepared_audit_statements()
    # The entry with the reservation, the links with the head's hash; once per shape of values
    # (a NULL or not), not once per read: the statement's text does not carry the values.
    assert any(sql.startswith('WITH entry AS (INSERT INTO "auditlog_logentry"') for sql in prepared), prepared
    assert any(sql.startswith('WITH head_0 AS (UPDATE "audit_chainhead"') for sql in prepared), prepared
    with CaptureQueriesContext(connection) as queries:  # still Django's statements: counted, logged
        record_accesses([case], actor=caseworker, channel=API)
    assert [sql.split(" AS ")[0] for sql in (q["sql"] for q in queries.captured_queries)] == [
        "WITH entry",
        "WITH head_0",
    ]
    assert len(_prepared_audit_statements()) == len(prepared)
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_without_prepared_statements_the_audit_trail_is_written_the_same(caseworker, monkeypatch):
    # CASEBRIDGE_DB_PREPARED_STATEMENTS=0 (a pooler that cannot keep them): Django's own cursor.
    case = services.case_create(actor=caseworker, title="Depot", case_type="labor_trafficking")
    connection.close()  # a new session, with no statement prepared yet
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    for _ in range(3):
        record_accesses([case], actor=caseworker, channel=API)
    record_accesses([case] * 5, actor=caseworker, channel=API)
    assert _prepared_audit_statements() == []
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 8
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_prepared_audit_statement_that_fails_leaves_the_trail_and_the_connection_sound(caseworker):
    from django.db import IntegrityError

    case = services.case_create(actor=caseworker, title="Depot", case_type="labor_trafficking")
    head = ChainHead.objects.get(chain=chain.chain_for(case.organization_id))
    taken = ChainLink.objects.filter(chain=head.chain).order_by("seq").last()
    # A link behind the app's back at the next number: the links' statement fails on it.
    squatter = ChainLink.objects.create(
        **{f.attname: getattr(taken, f.attname) for f in ChainLink._meta.concrete_fields if not f.primary_key}
        | {"seq": head.seq + 1, "entry_id": 10**9}
    )
    connection.close()  # a new session: the failing executions are the ones that prepare
    entries_before = LogEntry.objects.count()
    for _ in range(2):
        with pytest.raises(IntegrityError):
            record_accesses([case], actor=caseworker, channel=API)
    assert LogEntry.objects.count() == entries_before
    assert ChainHead.objects.get(pk=head.pk).seq == head.seq
    with triggers_off("audit_chainlink") as cursor:
        cursor.execute("DELETE FROM audit_chainlink WHERE id = %s", [squatter.pk])
    for _ in range(3):  # the same prepared statements, or new ones: either way they work
        record_accesses([case], actor=caseworker, channel=API)
    assert LogEntry.objects.count() == entries_before + 3
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report
