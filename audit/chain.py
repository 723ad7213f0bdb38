"""The hash chain: every audit entry linked to the previous entry of its organization's chain.

One chain per organization (``org-<id>``) and one for entries of no organization (``platform``).
A link's hash covers the previous link's hash, the chain, the sequence number, the entry kind and a
canonical JSON of **every stored column** of the entry, so editing any value of an entry, removing
or inserting one breaks the chain from there on; the signed checkpoints (``audit.checkpoints``)
catch a cut tail.

Appends to one chain are serialised by the chain's ``ChainHead`` row: ``UPDATE … SET seq = seq + n
… RETURNING`` takes the row lock (PostgreSQL) or the write lock (SQLite) before the previous hash is
read, so concurrent writers queue there. It runs in the entry's transaction, with a constant number
of statements however many entries are appended (one UPDATE, one bulk INSERT, one UPDATE).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import hashlib
import hmac
import json
import uuid
from collections import defaultdict
from contextvars import ContextVar
from typing import NamedTuple

import psycopg
from auditlog.models import LogEntry
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.utils.ipv6 import clean_ipv6_address

from audit.models import ChainHead, ChainLink, DomainEvent

GENESIS = "0" * 64
PLATFORM = "platform"
LOG_ACTIONS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}
MODELS = {ChainLink.LOG: LogEntry, ChainLink.EVENT: DomainEvent}


def chain_for(organization_id: int | None) -> str:
    return f"org-{organization_id}" if organization_id else PLATFORM


# --- canonical form ------------------------------------------------------------------------


def _normalise(field: models.Field, value):
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        # What the database holds: the value as its encoder wrote it, read back.
        return json.loads(json.dumps(value, cls=field.encoder))
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(field, models.GenericIPAddressField) and ":" in value:
        return clean_ipv6_address(value, field.unpack_ipv4)
    if isinstance(field, models.CharField | models.TextField):
        return str(value)  # auditlog hands an integer pk to its CharField object_pk
    return value


def canonical(entry: models.Model) -> str:
    """Every concrete column of ``entry`` as stored, as sorted compact JSON."""
    row = {f.attname: _normalise(f, getattr(entry, f.attname)) for f in entry._meta.concrete_fields}
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def link_hash(prev_hash: str, chain: str, seq: int, kind: str, entry: models.Model) -> str:
    material = f"{prev_hash}|{chain}|{seq}|{kind}|{canonical(entry)}"
    return hashlib.sha256(material.encode()).hexdigest()


def sign(*parts) -> str:
    """HMAC-SHA256 of ``parts`` with the deployment's signing key (checkpoints, retention anchors)."""
    message = "|".join(str(p) for p in parts).encode()
    return hmac.new(settings.CASEBRIDGE_SIGNING_KEY.encode(), message, hashlib.sha256).hexdigest()


# --- what a link indexes ---------------------------------------------------------------------


def _organization_ids_by_slug(items: list[tuple]) -> dict:
    """The organizations the change entries name (those whose caller did not say), in one
    indexed query however many entries; none when the callers named them all (access logging)."""
    slugs = {
        (entry.additional_data or {}).get("organization")
        for kind, entry, organization_id in items
        if kind == ChainLink.LOG and organization_id is None
    } - {None}
    if not slugs:
        return {}
    from accounts.models import Organization

    return dict(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk"))


def _actor_organization_id(entry) -> int | None:
    if not entry.actor_id:
        return None
    actor = entry._state.fields_cache.get("actor")
    if actor is None:
        from accounts.models import User

        return User.objects.filter(pk=entry.actor_id).values_list("organization_id", flat=True).first()
    return actor.organization_id


def _describe_log(entry: LogEntry, organization_id: int | None, organization_ids: dict) -> dict:
    data = entry.additional_data or {}
    content_type = entry.content_type  # ContentType's manager caches these per process
    object_type = f"{content_type.app_label}.{content_type.model}"
    case_id = data.get("case_id") or (entry.object_pk if object_type == "casework.case" else None)
    if organization_id is None:
        organization_id = organization_ids.get(data.get("organization")) or _actor_organization_id(entry)
    return {
        "organization_id": organization_id,
        "occurred_at": entry.timestamp,
        "actor_id": entry.actor_id,
        "action": LOG_ACTIONS.get(entry.action, str(entry.action)),
        "object_type": object_type,
        "object_id": str(entry.object_pk)[:64],
        "case_id": case_id,
        "channel": (data.get("channel") or "")[:8],
    }


def _describe_event(event: DomainEvent) -> dict:
    data = event.data or {}
    case_id = data.get("case_id") or (event.object_id if event.object_type == "casework.case" else None)
    return {
        "organization_id": event.organization_id,
        "occurred_at": event.occurred_at,
        "actor_id": event.actor_id,
        "action": event.event_type,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": case_id,
        "channel": (data.get("channel") or "")[:8],
    }


# --- appending -------------------------------------------------------------------------------


def _reserve(chain: str, count: int) -> tuple[int, str]:
    """Lock ``chain``'s head and take ``count`` sequence numbers; the first one and the previous hash."""
    table = ChainHead._meta.db_table
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(f"UPDATE {table} SET seq = seq + %s WHERE chain = %s RETURNING seq, hash", [count, chain])  # noqa: S608
            row = cursor.fetchone()
            if row is not None:
                last, prev_hash = row
                return last - count + 1, prev_hash
            cursor.execute(
                f"INSERT INTO {table} (chain, seq, hash) VALUES (%s, 0, %s) ON CONFLICT (chain) DO NOTHING",  # noqa: S608
                [chain, GENESIS],
            )
    raise RuntimeError(f"chain head {chain} could not be created")


def _set_head_hash(chain: str, head_hash: str) -> None:
    # Plain SQL like ``_reserve``: every audited request runs it, and the ORM's UPDATE compiler
    # cost more than the statement.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {ChainHead._meta.db_table} SET hash = %s WHERE chain = %s", [head_hash, chain])  # noqa: S608


def append(kind: str, entries: list, *, organization_id: int | None = None) -> list[ChainLink]:
    """Link ``entries`` (saved rows of one kind) into their chains, in the caller's transaction.

    ``organization_id`` names the chain when the caller knows it (access logging), saving a lookup.
    Inside ``linked_at_end()`` the entries wait for the end of that block instead (and nothing is
    returned).
    """
    if not entries:
        return []
    pending = _pending.get()
    if pending is not None:
        pending.add(kind, entries, organization_id)
        return []
    return _link([(kind, entry, organization_id) for entry in entries])


@contextlib.contextmanager
def linked_at_end():
    """Link every audit entry written inside the block at its end, in one append per chain.

    For a transaction that writes several entries (a delivery writes half a dozen): each append
    otherwise takes its chain's head lock at once and holds it to the commit, so two workers
    writing for one organization queue behind each other for the whole transaction, and pay four
    statements per entry. Use it inside the transaction, ``with transaction.atomic(),
    linked_at_end():``, so the links are written before the commit; when the block raises nothing
    is linked (the transaction rolls back). An entry rolled back with a savepoint inside the block
    is skipped. Nested blocks link at the outermost one's end.
    """
    if _pending.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("linked_at_end() must run inside transaction.atomic(), or entries could go unlinked")
    pending = _Pending(depth=len(connection.savepoint_ids))
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    _link(pending.still_stored())


class _Pending:
    """The entries a ``linked_at_end()`` block has written, in order, each marked with whether it
    was written under a savepoint opened inside the block: only those can have been rolled back
    without the block's own transaction, so only those are looked up again at the end."""

    def __init__(self, depth: int):
        self.depth = depth
        self.items: list[tuple] = []
        self.uncertain: set[int] = set()

    def add(self, kind: str, entries: list, organization_id: int | None) -> None:
        # Savepoints as ``transaction.atomic`` records them (None for a block that opened none,
        # savepoint=False); one opened by hand with ``transaction.savepoint()`` is not recorded,
        # and no code of ours writes audit entries under one.
        under_savepoint = any(sid is not None for sid in connection.savepoint_ids[self.depth :])
        for entry in entries:
            if under_savepoint:
                self.uncertain.add(len(self.items))
            self.items.append((kind, entry, organization_id))

    def still_stored(self) -> list[tuple]:
        """The items without the entries a rolled-back savepoint removed (one query per kind
        that has entries to look up; none when no entry was written under a savepoint)."""
        stored = {}
        for kind, model in MODELS.items():
            ids = [self.items[i][1].pk for i in self.uncertain if self.items[i][0] == kind]
            if ids:
                stored[kind] = set(model.objects.filter(pk__in=ids).order_by().values_list("pk", flat=True))
        return [item for i, item in enumerate(self.items) if i not in self.uncertain or item[1].pk in stored[item[0]]]


_pending: ContextVar[_Pending | None] = ContextVar("casebridge_chain_pending", default=None)


def _link(items: list[tuple]) -> list[ChainLink]:
    """One reserve per chain for ``items`` (kind, entry, organization id or None), in their order."""
    if not items:
        return []
    with transaction.atomic(savepoint=False):
        return _link_in_transaction(items)


def _link_in_transaction(items: list[tuple], reserved: dict[str, tuple[int, str]] | None = None) -> list[ChainLink]:
    """``_link``'s work, in the transaction the caller holds. ``reserved`` holds the chains whose
    numbers the caller has already taken (``save_and_append``)."""
    by_chain: dict[str, list[tuple]] = defaultdict(list)
    organization_ids = _organization_ids_by_slug(items)
    for kind, entry, organization_id in items:
        if kind == ChainLink.LOG:
            description = _describe_log(entry, organization_id, organization_ids)
        else:
            description = _describe_event(entry)
        by_chain[chain_for(description["organization_id"])].append((kind, entry, description))
    links = []
    heads = {}
    for chain in sorted(by_chain):  # one lock order for every writer: no deadlock between chains
        chain_items = by_chain[chain]
        if reserved and chain in reserved:
            seq, prev_hash = reserved[chain]
        else:
            seq, prev_hash = _reserve(chain, len(chain_items))
        for kind, entry, description in chain_items:
            digest = link_hash(prev_hash, chain, seq, kind, entry)
            links.append(
                ChainLink(
                    chain=chain,
                    seq=seq,
                    kind=kind,
                    entry_id=entry.pk,
                    prev_hash=prev_hash,
                    hash=digest,
                    **description,
                )
            )
            prev_hash, seq = digest, seq + 1
        heads[chain] = prev_hash
    _write_links(links, heads)
    return links


_NOTHING = object()  # no value seen yet in a column (None is a value)

# Rows per single-statement write: far below PostgreSQL's 65,535 parameters for the widest rows;
# larger batches (the bench's generator, the migration that links old entries) take the ORM's path.
_ONE_STATEMENT_ROWS = 500


def _insert_sql(model, objects: list) -> tuple[str, list]:
    """A multi-row INSERT of ``objects`` as SQL to embed in a larger statement, each value prepared
    as the ORM's own INSERT prepares it (``pre_save``, then ``get_db_prep_save``), and several rows
    sent as one array per column through ``UNNEST``, as the ORM sends them.

    Written here rather than compiled by ``InsertQuery``: every audited request runs two of these,
    and the compiler's generic path (placeholders, expressions, the proxy's context-local lookups)
    cost as much as the statements. The ``UNNEST`` form keeps the SQL the same whatever the number of
    rows, so psycopg parses its placeholders once (a ``VALUES`` list of 50 rows is reparsed each time)
    and the statement can be prepared. The arrays are binary parameters (``%b``): bound on the server
    they travel as binary (the text form escapes every element with a regular expression: 13.9 ->
    11.4 ms for 50 entries); a cursor that binds on the client quotes them as text as ever."""
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: every attribute read through the proxy is a lookup
    shape = _insert_shape(model)
    rows = []
    # The entries of one read share most of their values (actor, time, content type, address,
    # chain, organization): the very same objects, row after row. A column whose value is the
    # object the previous row had is given that row's prepared value (preparing is a function of
    # the value), which spares most of a page's 1,350 field preparations.
    previous = [(_NOTHING, None)] * len(shape.fields)
    for obj in objects:
        row = []
        for i, field in enumerate(shape.fields):
            value = field.pre_save(obj, True)
            raw, prepared = previous[i]
            if value is not raw:
                if hasattr(value, "resolve_expression"):
                    raise TypeError(f"{model.__name__}.{field.name}: an audit entry's values are plain values")
                prepared = field.get_db_prep_save(value, connection=db)
                previous[i] = (value, prepared)
            row.append(prepared)
        rows.append(row)
    if len(rows) == 1:
        return shape.one_row, rows[0]
    return shape.unnest, [list(column) for column in zip(*rows, strict=True)]


class _InsertShape(NamedTuple):
    fields: list
    one_row: str  # INSERT … VALUES (%s, …)
    unnest: str  # INSERT … SELECT * FROM UNNEST((%b)::type[], …)


@functools.cache
def _insert_shape(model) -> _InsertShape:
    """The two INSERTs of ``model``'s columns (all but the generated ones and the id), on PostgreSQL."""
    db = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if not f.generated and not isinstance(f, models.AutoField)]
    if any(hasattr(f, "get_placeholder") for f in fields):
        raise TypeError(f"{model.__name__} has a field whose placeholder depends on its value")
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    head = f"INSERT INTO {db.ops.quote_name(model._meta.db_table)} ({columns})"
    # As the ORM's own UNNEST: the type without its length (varchar[], not varchar(64)[]).
    arrays = ", ".join(f"(%b)::{f.db_type(db).split('(')[0]}[]" for f in fields)
    return _InsertShape(
        fields,
        f"{head} VALUES ({', '.join(['%s'] * len(fields))})",
        f"{head} SELECT * FROM UNNEST({arrays})",  # noqa: S608
    )


def _write_links(links: list[ChainLink], heads: dict[str, str]) -> None:
    """Insert ``links`` and set each chain head's new hash. On PostgreSQL one statement (the head
    updates as data-modifying CTEs): every audited transaction runs this, and each statement is a
    round trip plus the ORM's compilation of it."""
    if connection.vendor != "postgresql" or len(links) > _ONE_STATEMENT_ROWS:
        for chain, head_hash in heads.items():
            _set_head_hash(chain, head_hash)
        ChainLink.objects.bulk_create(links)
        return
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    ctes, params = [], []
    for number, (chain, head_hash) in enumerate(sorted(heads.items())):
        ctes.append(f"head_{number} AS (UPDATE {table} SET hash = %s WHERE chain = %s)")  # noqa: S608
        params += [head_hash, chain]
    insert_sql, insert_params = _insert_sql(ChainLink, links)
    with _audit_cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} {insert_sql}", params + insert_params)


class _PreparingCursor(psycopg.Cursor):
    """Binds on the server and prepares every statement it runs (Django's cursors bind on the
    client, and never prepare)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


def _audit_cursor():
    """The cursor for the two statements every audited request runs (``_save_and_link``,
    ``_write_links``): a prepared statement, parsed and planned once per connection instead of on
    every request (0.5 ms of a single access entry's 2.2 ms, interleaved A/B at 100,000 cases).
    Their text does not depend on the values (``_insert_sql``). Behind a pooler that cannot keep
    prepared statements, settings turn them off (``CASEBRIDGE_DB_PREPARED_STATEMENTS``), and this
    is Django's own cursor. Either way a Django cursor wrapper: execute wrappers and query capture
    see the statements."""
    db = connections[DEFAULT_DB_ALIAS]
    db.ensure_connection()
    if db.connection.prepare_threshold is None:
        return db.cursor()
    raw = _PreparingCursor(db.connection)
    return _LoggedAuditCursor(raw, db) if db.queries_logged else db.make_cursor(raw)


class _LoggedAuditCursor(CursorDebugWrapper):
    """When statements are logged (``DEBUG``, captured queries), log this one as its text: Django
    reads a logged statement back from a client-binding cursor, which this is not."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)  # with the execute wrappers, as ever


def save_and_append(kind: str, entries: list, *, organization_id: int | None) -> list[ChainLink]:
    """Save ``entries`` (new, unsaved rows of one kind) and link them into their chain, atomically.

    Access logging writes on every read. On PostgreSQL, when the chain is known and the links are
    not deferred, the entries' INSERT and the chain's reservation are one statement, and the links'
    INSERT and the head's new hash another (``_save_and_link``). Outside a transaction both run in
    one transaction sent as a pipeline (``_in_one_pipeline``): two round trips in all, instead of
    six (BEGIN, four statements, COMMIT). Otherwise: the ORM's bulk insert, then ``append``, in a transaction.
    """
    model = MODELS[kind]
    if (
        connection.vendor != "postgresql"
        or organization_id is None
        or _pending.get() is not None
        or not entries
        or len(entries) > _ONE_STATEMENT_ROWS
    ):
        with transaction.atomic():
            model.objects.bulk_create(entries)
            return append(kind, entries, organization_id=organization_id)
    if connection.in_atomic_block:
        with transaction.atomic():
            return _save_and_link(kind, entries, organization_id)
    return _in_one_pipeline(lambda: _save_and_link(kind, entries, organization_id))


def _in_one_pipeline(work):
    """Run ``work`` (statements without transaction control) in one transaction sent as a psycopg
    pipeline: BEGIN is queued with the first statement and COMMIT with the last, so the whole
    transaction costs the round trips of its reads (one here) and its final Sync, not two more for
    BEGIN and COMMIT.

    The transaction is explicit, not the implicit one PostgreSQL opens for a pipeline: a pipeline
    always ends with a Sync, even when the block raises, and an implicit transaction would commit
    at that Sync whatever had succeeded (an entry without its link). With BEGIN and no COMMIT the
    Sync commits nothing, and anything that went wrong, in the database or in Python, is rolled
    back here."""
    with connection.cursor():
        pass  # connects, and runs the health check outside the pipeline
    psycopg_connection = connection.connection
    with connection.wrap_database_errors:
        try:
            with psycopg_connection.pipeline(), psycopg_connection.cursor() as cursor:
                cursor.execute("BEGIN")
                result = work()
                cursor.execute("COMMIT")
        except BaseException:
            psycopg_connection.rollback()  # nothing to do when the COMMIT itself failed
            raise
    return result


def _save_and_link(kind: str, entries: list, organization_id: int) -> list[ChainLink]:
    model = MODELS[kind]
    chain = chain_for(organization_id)
    insert_sql, params = _insert_sql(model, entries)
    pk = connection.ops.quote_name(model._meta.pk.column)
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    # Ids come from one sequence in the rows' order (VALUES, or UNNEST's arrays), so sorted ids are
    # the entries' order.
    statement = (
        f"WITH entry AS ({insert_sql} RETURNING {pk}), "  # noqa: S608
        f"head AS (UPDATE {table} SET seq = seq + %s WHERE chain = %s RETURNING seq, hash) "
        f"SELECT (SELECT array_agg({pk} ORDER BY {pk}) FROM entry), (SELECT seq FROM head), (SELECT hash FROM head)"
    )
    with _audit_cursor() as cursor:
        cursor.execute(statement, [*params, len(entries), chain])
        ids, last, prev_hash = cursor.fetchone()
    for entry, entry_id in zip(entries, ids, strict=True):
        entry.pk = entry_id
        entry._state.adding = False
        entry._state.db = connection.alias
    if last is None:  # the chain's first entry: its head is created by the usual reservation
        reserved = {chain: _reserve(chain, len(entries))}
    else:
        reserved = {chain: (last - len(entries) + 1, prev_hash)}
    return _link_in_transaction([(kind, entry, organization_id) for entry in entries], reserved)
