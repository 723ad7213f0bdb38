"""``chain.linked_at_end()``: the entries of one transaction linked at its end, in one append per
chain, so that writers for one organization hold its chain head only for the last statements."""

import re

import pytest
from auditlog.models import LogEntry
from django.db import transaction

from audit import chain
from audit.access import API, record_accesses
from audit.choices import EventType
from audit.events import record_event
from audit.models import ChainLink, DomainEvent
from casework import services
from tests.audit.helpers import verify


def _unlinked(model, kind):
    return model.objects.exclude(pk__in=ChainLink.objects.filter(kind=kind).values("entry_id"))


def _head_updates(queries) -> int:
    """Writes to a chain head, as statements of their own or as part of one (PostgreSQL)."""
    return sum(len(re.findall(r'UPDATE "?audit_chainhead"? SET', q["sql"], re.IGNORECASE)) for q in queries)


@pytest.mark.django_db
def test_entries_wait_for_the_end_of_the_block_then_link_in_one_reserve(caseworker, org, django_assert_max_num_queries):
    case = services.case_create(actor=caseworker, title="Depot", case_type="labor_trafficking")
    with django_assert_max_num_queries(100) as queries:
        with transaction.atomic(), chain.linked_at_end():
            services.note_add(actor=caseworker, case=case, body="one")
            services.note_add(actor=caseworker, case=case, body="two")
            record_accesses([case], actor=caseworker, channel=API)
            record_event(EventType.CASE_LINK_REVOKED, obj=case, organization=org)
            waiting = _unlinked(LogEntry, ChainLink.LOG).count()
            assert waiting >= 3  # two notes (and what they change of the case) and a read
            assert _unlinked(DomainEvent, ChainLink.EVENT).count() == 1
    assert not _unlinked(LogEntry, ChainLink.LOG).exists()
    assert not _unlinked(DomainEvent, ChainLink.EVENT).exists()
    # Both kinds, one chain: the head is reserved once and its hash written once.
    assert _head_updates(queries.captured_queries) == 2
    links = list(ChainLink.objects.filter(chain=chain.chain_for(org.pk)).order_by("-seq")[: waiting + 1])
    assert [link.kind for link in reversed(links)] == ["log"] * waiting + ["event"]  # in the order written
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report


@pytest.mark.django_db
def test_an_entry_rolled_back_with_its_savepoint_is_not_linked(caseworker):
    case = services.case_create(actor=caseworker, title="Depot", case_type="labor_trafficking")
    with transaction.atomic(), chain.linked_at_end():
        kept = services.note_add(actor=caseworker, case=case, body="kept")
        with pytest.raises(RuntimeError), transaction.atomic():
            services.note_add(actor=caseworker, case=case, body="rolled back")
            raise RuntimeError
    entries = LogEntry.objects.filter(content_type__model="note")
    assert [e.object_pk for e in entries] == [str(kept.pk)]
    assert not _unlinked(LogEntry, ChainLink.LOG).exists()
    assert ChainLink.objects.filter(kind=ChainLink.LOG).count() == LogEntry.objects.count()
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report


@pytest.mark.django_db
def test_a_block_that_raises_links_nothing_and_its_transaction_rolls_back(caseworker):
    case = services.case_create(actor=caseworker, title="Depot", case_type="labor_trafficking")
    links = ChainLink.objects.count()
    with pytest.raises(ValueError), transaction.atomic(), chain.linked_at_end():
        services.note_add(actor=caseworker, case=case, body="gone")
        raise ValueError
    assert ChainLink.objects.count() == links
    assert not LogEntry.objects.filter(content_type__model="note").exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_refuses(caseworker):
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"), chain.linked_at_end():
        pass


@pytest.mark.django_db
def test_an_event_that_cannot_be_written_fails_its_whole_transaction(caseworker, org):
    """No savepoint of its own: a caller that catches the error cannot go on and commit the act
    without its event."""
    from django.db.transaction import TransactionManagementError

    with transaction.atomic():
        with pytest.raises(TypeError):
            record_event(EventType.ADMIN_ACTION, obj=org, organization=org, unserialisable=object())
        with pytest.raises(TransactionManagementError):
            DomainEvent.objects.count()


def _looked_up_again(queries, table: str) -> int:
    return sum(1 for q in queries if re.search(rf'FROM "?{table}"? WHERE .*"?id"? IN \(', q["sql"], re.IGNORECASE))


@pytest.mark.django_db
def test_entries_written_outside_any_savepoint_are_linked_without_being_read_again(
    caseworker, org, django_assert_max_num_queries
):
    case = services.case_create(actor=caseworker, title="Depot", case_type="labor_trafficking")
    with django_assert_max_num_queries(20) as queries:
        with transaction.atomic(), chain.linked_at_end():
            record_event(EventType.CASE_LINK_REVOKED, obj=case, organization=org)
            with transaction.atomic(savepoint=False):  # a nested block that opens no savepoint
                record_event(EventType.CASE_LINK_REVOKED, obj=case, organization=org)
    assert _looked_up_again(queries.captured_queries, "audit_domainevent") == 0
    assert not _unlinked(DomainEvent, ChainLink.EVENT).exists()
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report


@pytest.mark.django_db
def test_an_entry_under_a_released_savepoint_is_checked_and_linked(caseworker, org, django_assert_max_num_queries):
    case = services.case_create(actor=caseworker, title="Depot", case_type="labor_trafficking")
    with django_assert_max_num_queries(30) as queries:
        with transaction.atomic(), chain.linked_at_end():
            record_event(EventType.CASE_LINK_REVOKED, obj=case, organization=org)
            with transaction.atomic():
                kept = record_event(EventType.CASE_LINK_REVOKED, obj=case, organization=org)
            with pytest.raises(RuntimeError), transaction.atomic():
                gone = record_event(EventType.CASE_LINK_REVOKED, obj=case, organization=org)
                raise RuntimeError
    # The two entries written under savepoints are looked up again, in one query.
    assert _looked_up_again(queries.captured_queries, "audit_domainevent") == 1
    assert ChainLink.objects.filter(kind=ChainLink.EVENT, entry_id=kept.pk).exists()
    assert not ChainLink.objects.filter(kind=ChainLink.EVENT, entry_id=gone.pk).exists()
    assert not _unlinked(DomainEvent, ChainLink.EVENT).exists()
    code, report = verify()
    assert (code, report["ok"]) == (0, True), report
