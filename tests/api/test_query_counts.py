"""Query counts of every list endpoint are pinned: a page of 50 rows costs what a page of 1 costs.

Each test reads the list once to warm per-process caches (content types), then counts the queries of
the same request with one row and with fifty (all on one page of the default size).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.context import acting_as
from casework import services as casework
from casework.models import Case
from sharing import services as sharing
from sharing.models import Share, SharedRecord
from tests.api.support import World
from tests.factories import OrganizationFactory
from tests.sharing_helpers import agreement, run_outbox

ROWS = 50


def add_cases(world: World, n: int):
    for i in range(n):
        casework.case_create(
            actor=world.sup_a, title=f"Case {i}", case_type="other", assigned_to=[world.sup_a, world.cw_a]
        )


def add_part(service, **values):
    def add(world: World, n: int):
        for _ in range(n):
            service(actor=world.sup_a, case=world.case(True), **values)

    return add


def add_consents(world: World, n: int):
    for _ in range(n):
        casework.consent_record(
            actor=world.sup_a,
            case=world.case(True),
            person=world.bundle_a.survivor,
            categories=["case_summary"],
            purpose="services",
            method="written",
            scope_sectors=["health"],
            scope_organizations=[world.org_b],
            expires_at=timezone.now() + dt.timedelta(days=5),
        )


def _request_shares(world: World, n: int, *, mine: bool) -> list[Share]:
    world.agreements  # noqa: B018 - built for its side effect
    actor = world.sup_a if mine else world.sup_b
    with acting_as(actor):
        return [
            sharing.share_request(
                actor=actor,
                case=world.case(mine),
                recipient=world.partner(mine),
                purpose="services",
                legal_basis="consent",
                consent=world.consent(mine),
            )
            for _ in range(n)
        ]


def add_shares(world: World, n: int):
    """Outgoing shares. The first is delivered (a delivery with an attempt log); later ones wait in
    the outbox, which still gives every row a delivery to serialize."""
    first = not Share.objects.exists()
    _request_shares(world, n, mine=True)
    if first:
        run_outbox()


def add_inbox(world: World, n: int):
    """Records in hope-house's inbox. The first arrives through the real delivery; the others are
    copies of it on further shares (delivering fifty payloads would only slow the test down)."""
    template = SharedRecord.objects.filter(recipient=world.org_a).first()
    shares = _request_shares(world, n, mine=False)
    if template is None:
        run_outbox()
        return
    SharedRecord.objects.bulk_create(
        SharedRecord(
            share=share,
            recipient=world.org_a,
            source_organization=world.org_b,
            version=1,
            payload=template.payload,
            assigned_to=world.cw_a,
        )
        for share in shares
    )


def add_organizations(world: World, n: int):
    world.org_a  # noqa: B018 - the caller's own organization is listed too
    for _ in range(n):
        OrganizationFactory()


def add_agreements(world: World, n: int):
    for _ in range(n):
        agreement(world.org_a, OrganizationFactory())


LISTS = {
    # endpoint: (URL, add n rows, rows the list holds before any is added)
    "cases": (lambda w: "/api/v1/cases/", add_cases, 0),
    "persons": (
        lambda w: f"/api/v1/cases/{w.case(True).pk}/persons/",
        add_part(casework.person_add, role="witness", given_name="W"),
        1,
    ),
    "notes": (
        lambda w: f"/api/v1/cases/{w.case(True).pk}/notes/",
        add_part(casework.note_add, body="More", sensitivity="legal"),
        1,
    ),
    "needs": (lambda w: f"/api/v1/cases/{w.case(True).pk}/needs/", add_part(casework.need_add, kind="legal"), 1),
    "indicators": (
        lambda w: f"/api/v1/cases/{w.case(True).pk}/indicators/",
        add_part(casework.indicator_add, kind="email", value="ring@example.org"),
        1,
    ),
    "consents": (lambda w: f"/api/v1/cases/{w.case(True).pk}/consents/", add_consents, 1),
    "shares": (lambda w: "/api/v1/shares/", add_shares, 0),
    "inbox": (lambda w: "/api/v1/inbox/", add_inbox, 0),
    "organizations": (lambda w: "/api/v1/organizations/", add_organizations, 1),
    "agreements": (lambda w: "/api/v1/agreements/", add_agreements, 0),
}


def count_queries(api, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response.json()["count"] == rows
    assert len(response.json()["results"]) == rows
    return len(queries)


def _params():
    return [pytest.param(name, id=name) for name in LISTS]


@pytest.mark.parametrize("name", _params())
def test_list_query_count_does_not_grow_with_rows(name, world, api):
    url_for, add, existing = LISTS[name]
    url = url_for(world)
    add(world, 1 - existing)
    api.get(url)  # warm per-process caches
    one = count_queries(api, url, 1)
    add(world, ROWS - 1)
    fifty = count_queries(api, url, ROWS)
    assert fifty == one, f"{name}: {one} queries for 1 row, {fifty} for {ROWS}"


def test_audit_trail_query_count_does_not_grow_with_entries(world, make_api):
    """The auditor's trail merges change, access and domain-event entries; more of each costs no query."""
    auditor = make_api(world.org_a, role="auditor")
    url = "/api/v1/audit/events/?limit=200"
    world.case(True)
    auditor.get(url)  # warm per-process caches

    def measured() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = auditor.get(url)
        assert response.status_code == 200, response.content[:500]
        return len(queries), len(response.json()["results"])

    few, rows_before = measured()
    add_cases(world, 10)  # changes (creates, m2m updates) by two actors
    api = make_api(world.org_a)
    for case in Case.objects.filter(organization=world.org_a):
        api.get(f"/api/v1/cases/{case.pk}/")  # accesses, by the partner system
        api.get(f"/api/v1/indicators/matches/?case={case.pk}")  # domain events
    many, rows_after = measured()
    assert rows_after >= rows_before + 40
    assert many == few, f"{few} queries for {rows_before} entries, {many} for {rows_after}"
