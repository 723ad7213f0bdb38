"""The auditor's stream: changes, accesses and domain events of their organization only, paged
without loss even where many entries share one timestamp."""

import pytest

from accounts.choices import Role
from audit.access import API, record_accesses
from audit.context import acting_as
from audit.selectors import AuditFilters, audit_trail
from casework import services


@pytest.fixture
def trail(org, other_org, caseworker, make_user):
    outsider = make_user(other_org, Role.CASEWORKER)
    with acting_as(caseworker):
        cases = [services.case_create(actor=caseworker, title=f"c{i}", case_type="other") for i in range(3)]
    with acting_as(outsider):
        foreign = services.case_create(actor=outsider, title="theirs", case_type="other")
    record_accesses(cases * 20, actor=caseworker, channel=API)  # 60 accesses, one timestamp
    record_accesses([foreign], actor=outsider, channel=API)
    return cases, foreign


def _all_pages(auditor, limit, **filters):
    seen, before, before_id = [], None, ""
    for _ in range(100):
        page = audit_trail(
            auditor=auditor, filters=AuditFilters(before=before, before_id=before_id, **filters), limit=limit
        )
        seen += page
        if len(page) < limit:
            return seen
        before, before_id = page[-1]["occurred_at"], page[-1]["id"]
    raise AssertionError("paging did not end")


@pytest.mark.django_db
def test_paging_returns_every_entry_once(trail, org, make_user):
    auditor = make_user(org, Role.AUDITOR)
    everything = audit_trail(auditor=auditor, filters=AuditFilters(), limit=1000)
    paged = _all_pages(auditor, limit=7)
    assert [e["id"] for e in paged] == [e["id"] for e in everything]
    assert len({e["id"] for e in paged}) == len(paged)
    assert sum(1 for e in paged if e["action"] == "access") == 60


@pytest.mark.django_db
def test_auditors_see_only_their_organization(trail, org, make_user):
    cases, foreign = trail
    auditor = make_user(org, Role.AUDITOR)
    ids = {e["object_id"] for e in audit_trail(auditor=auditor, filters=AuditFilters(), limit=1000)}
    assert str(cases[0].pk) in ids
    assert str(foreign.pk) not in ids


@pytest.mark.django_db
def test_filters_answer_who_accessed_case_x(trail, org, caseworker, make_user):
    cases, _ = trail
    auditor = make_user(org, Role.AUDITOR)
    accesses = audit_trail(
        auditor=auditor,
        filters=AuditFilters(action="access", object_type="casework.case", object_id=str(cases[0].pk)),
        limit=1000,
    )
    assert len(accesses) == 20
    assert {e["actor"] for e in accesses} == {caseworker.username}
    assert {e["channel"] for e in accesses} == {"api"}
    creates = audit_trail(auditor=auditor, filters=AuditFilters(action="create", actor=caseworker.username), limit=100)
    assert {e["object_type"] for e in creates} >= {"casework.case"}
