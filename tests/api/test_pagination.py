"""The list pages' total: exact up to the cap, a lower bound beyond it, counted in the page's own
statement (``config.api.pagination``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.choices import Role
from casework.models import Case
from config.api.pagination import Pagination
from tests.factories import CaseFactory, OrganizationFactory, UserFactory

CAP = 3


@pytest.fixture
def capped(monkeypatch):
    monkeypatch.setattr(Pagination, "count_cap", CAP)


@pytest.fixture
def supervisor(db):
    return UserFactory(organization=OrganizationFactory(), role=Role.SUPERVISOR)


def add_cases(actor, n):
    for _ in range(n):
        CaseFactory(actor=actor)


def page(make_api, supervisor, url):
    api = make_api(supervisor.organization)
    response = api.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json()


@pytest.mark.parametrize(
    ("cases", "url", "count", "exact", "rows"),
    [
        (CAP, "/api/v1/cases/?page_size=2", CAP, True, 2),  # a next page, counted exactly
        (CAP, "/api/v1/cases/?page_size=2&page=2", CAP, True, 1),  # the last page: no count needed
        (CAP + 1, "/api/v1/cases/?page_size=2", CAP, False, 2),  # beyond the cap: a lower bound
        (CAP + 3, "/api/v1/cases/?page_size=2&page=3", CAP + 3, True, 2),  # the last page is exact again
        (CAP + 3, "/api/v1/cases/?page_size=4", 4 + 1, False, 4),  # at least what the page proves
        (1, "/api/v1/cases/", 1, True, 1),
    ],
)
def test_the_total_is_exact_up_to_the_cap_and_a_lower_bound_beyond(
    capped, make_api, supervisor, cases, url, count, exact, rows
):
    add_cases(supervisor, cases)
    body = page(make_api, supervisor, url)
    assert (body["count"], body["count_exact"], len(body["results"])) == (count, exact, rows)


def test_a_page_beyond_the_last_is_not_found(capped, make_api, supervisor):
    add_cases(supervisor, 2)
    api = make_api(supervisor.organization)
    assert api.get("/api/v1/cases/?page_size=2&page=2").status_code == 404
    body = api.get("/api/v1/cases/?page=1").json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (2, True, 2)


def test_the_count_travels_in_the_pages_own_statement(capped, make_api, supervisor):
    """A page with a next page costs the statements of the last page, which needs no count."""
    add_cases(supervisor, CAP + 3)
    api = make_api(supervisor.organization)
    api.get("/api/v1/cases/?page_size=2")  # warm per-process caches

    def statements(url):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        return [q["sql"] for q in queries]

    with_next = statements("/api/v1/cases/?page_size=2")
    last = statements("/api/v1/cases/?page_size=2&page=3")
    assert len(with_next) == len(last), "\n".join(with_next)
    assert not any(sql.lstrip().upper().startswith("SELECT COUNT(*)") for sql in with_next)


def _paginate(queryset, query=""):
    paginator = Pagination()
    rows = paginator.paginate_queryset(queryset, Request(APIRequestFactory().get(f"/x/{query}")))
    return paginator, rows


def test_a_queryset_that_takes_no_annotation_is_counted_on_its_own(capped, supervisor):
    add_cases(supervisor, CAP)
    values = Case.objects.filter(organization=supervisor.organization).order_by("reference").values("reference")
    with CaptureQueriesContext(connection) as queries:
        paginator, rows = _paginate(values, "?page_size=2")
    assert (paginator.total, paginator.count_exact, len(rows)) == (CAP, True, 2)
    assert len(queries) == 2  # the page, then its count
    assert isinstance(rows[0], dict)


def test_the_count_respects_the_querysets_filter(capped, supervisor):
    """The subquery counts the page's own rows: another organization's cases are not in it."""
    add_cases(supervisor, 2)
    other = UserFactory(organization=OrganizationFactory(), role=Role.SUPERVISOR)
    add_cases(other, CAP + 2)
    paginator, rows = _paginate(
        Case.objects.filter(organization=supervisor.organization).order_by("reference"), "?page_size=1"
    )
    assert (paginator.total, paginator.count_exact, len(rows)) == (2, True, 1)
