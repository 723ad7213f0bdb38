"""List filters (``config.api.filtering``): applied and validated when asked for, and no form built
for a list that names none."""

import pytest

from accounts.choices import Role
from casework.filters import CaseFilterSet
from tests.api.support import assert_problem
from tests.factories import CaseFactory, OrganizationFactory, UserFactory


@pytest.fixture
def supervisor(db):
    return UserFactory(organization=OrganizationFactory(), role=Role.SUPERVISOR)


@pytest.fixture
def api(make_api, supervisor):
    return make_api(supervisor.organization)


@pytest.fixture
def built(monkeypatch):
    """How many times the case filterset was constructed."""
    calls = []
    original = CaseFilterSet.__init__

    def counting(self, *args, **kwargs):
        calls.append(kwargs.get("data"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(CaseFilterSet, "__init__", counting)
    return calls


def test_a_filter_is_applied(api, supervisor):
    CaseFactory(actor=supervisor, priority="high")
    CaseFactory(actor=supervisor, priority="low")
    body = api.get("/api/v1/cases/?priority=high").json()
    assert [row["priority"] for row in body["results"]] == ["high"]
    assert body["count"] == 1


@pytest.mark.parametrize(
    "query",
    ["?status=nonsense", "?updated_after=yesterday", "?priority=high&case_type=nonsense"],
)
def test_a_bad_filter_value_is_a_problem(api, supervisor, query):
    CaseFactory(actor=supervisor)
    assert_problem(api.get(f"/api/v1/cases/{query}"), 400)


def test_a_bad_filter_value_on_a_generated_filterset_is_a_problem(api):
    assert_problem(api.get("/api/v1/inbox/?status=nonsense"), 400)


def test_a_list_without_filters_builds_no_filter_form(api, supervisor, built):
    CaseFactory(actor=supervisor)
    body = api.get("/api/v1/cases/?page_size=10").json()
    assert body["count"] == 1
    assert built == []


@pytest.mark.parametrize("query", ["?status=open", "?search=", "?status_0=x", "?updated_after_x=1"])
def test_a_parameter_named_after_a_filter_takes_the_filter_path(api, supervisor, built, query):
    CaseFactory(actor=supervisor)
    assert api.get(f"/api/v1/cases/{query}").status_code == 200
    assert len(built) == 1


def test_a_filterset_that_filters_in_its_own_way_is_always_asked(supervisor):
    """One whose ``qs`` may narrow the rows with no parameter at all is never skipped."""
    import django_filters
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from casework.models import Case
    from config.api.filtering import FilterBackend

    class OpenOnly(django_filters.FilterSet):
        search = django_filters.CharFilter(field_name="reference", lookup_expr="istartswith")

        class Meta:
            model = Case
            fields = ["search"]

        @property
        def qs(self):
            return super().qs.exclude(status="closed")

    class View:
        filterset_class = OpenOnly

    CaseFactory(actor=supervisor)
    CaseFactory(actor=supervisor, status="closed")
    cases = Case.objects.filter(organization=supervisor.organization)
    request = Request(APIRequestFactory().get("/x/"))
    assert {case.status for case in FilterBackend().filter_queryset(request, cases, View())} == {"intake"}
