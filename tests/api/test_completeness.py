"""The generic suite covers the whole API: no endpoint can be added without its rows.

- the rows of ``endpoints.py`` are exactly the operations of the OpenAPI schema, generated here
  in-process, each with the scope the schema documents;
- every row either names what it needs on case A (and so gets the per-caller rows of
  ``test_callers.py``) or is exempted in ``NOT_CASE_BOUND`` with the reason;
- every view under ``/api/v1/`` declares its scope resource, or says ``ANY_AUTHENTICATED``:
  ``HasScope`` refuses a view that declares nothing, and this names it.

Not in the schema, and so not rows here: ``/healthz`` and ``/readyz`` (plain Django views outside
``/api/v1/``, tests/api/test_health.py), ``/o/token/`` (django-oauth-toolkit, test_oauth_live.py),
and the schema and docs views themselves (below).
"""

import re

import pytest
from django.urls import URLPattern, URLResolver
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts.choices import Role
from config.api import urls as api_urls
from config.api.permissions import ANY_AUTHENTICATED, ScopeNotDeclared, required_scope
from tests.api.endpoints import ENDPOINTS, NOT_CASE_BOUND
from tests.factories import UserFactory

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}

# Views under /api/v1/ that are not partner endpoints, with the reason.
NOT_ENDPOINTS = {
    SpectacularAPIView: "the schema itself: drf-spectacular's own view (SERVE_PERMISSIONS), not in the schema",
    SpectacularSwaggerView: "the docs page for the schema, likewise",
}


def shape(method: str, path: str) -> tuple[str, str]:
    """``("GET", "/api/v1/cases/{}/persons/")``: path parameters unnamed, query string dropped."""
    return method.upper(), re.sub(r"\{[^}]*\}", "{}", path.split("?")[0])


@pytest.fixture(scope="module")
def operations() -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        shape(method, path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def test_the_suite_declares_every_operation_of_the_schema_and_no_other(operations):
    declared = {shape(e.method, e.path): e.name for e in ENDPOINTS}
    assert len(declared) == len(ENDPOINTS), "two rows declare the same operation"
    missing = sorted(set(operations) - set(declared))
    extra = sorted(set(declared) - set(operations))
    assert not missing, f"operations without rows in tests/api/endpoints.py: {missing}"
    assert not extra, f"rows for operations the schema does not have: {[declared[k] for k in extra]}"


def test_each_row_needs_the_scope_the_schema_documents(operations):
    for endpoint in ENDPOINTS:
        operation = operations[shape(endpoint.method, endpoint.path)]
        documented = {scope for requirement in operation["security"] for scope in requirement.get("oauth2", [])}
        assert documented == ({endpoint.scope} if endpoint.scope else set()), endpoint.name


def test_every_endpoint_has_caller_rows_or_a_reason_not_to():
    names = {e.name for e in ENDPOINTS}
    assert set(NOT_CASE_BOUND) <= names, f"exemptions for no endpoint: {set(NOT_CASE_BOUND) - names}"
    unclaimed = [e.name for e in ENDPOINTS if e.access is None and e.name not in NOT_CASE_BOUND]
    assert not unclaimed, f"say what these need on a case (Endpoint.access) or why not (NOT_CASE_BOUND): {unclaimed}"
    both = [e.name for e in ENDPOINTS if e.access is not None and e.name in NOT_CASE_BOUND]
    assert not both, both


def api_views(patterns=api_urls.urlpatterns):
    """(view class, actions) for every route under /api/v1/; actions is None for a plain APIView."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from api_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            cls = getattr(pattern.callback, "cls", None)
            if cls is not None:
                yield cls, getattr(pattern.callback, "actions", None)


def test_every_api_view_declares_its_scope():
    undeclared = []
    seen = set()
    for cls, actions in api_views():
        if cls in NOT_ENDPOINTS:
            continue
        seen.add(cls)
        pairs = actions.items() if actions else [(m, None) for m in cls.http_method_names if hasattr(cls, m)]
        for method, action in pairs:
            if method in ("options", "head"):
                continue
            view = cls()
            view.action = action
            try:
                required_scope(view, method)
            except ScopeNotDeclared:
                undeclared.append(f"{cls.__module__}.{cls.__qualname__} ({action or method})")
    assert seen, "no API views found"
    assert not undeclared, f"views declaring no scope (HasScope refuses them): {undeclared}"


class Undeclared(APIView):
    def get(self, request):
        from rest_framework.response import Response

        return Response({"ok": True})


class AnyAuthenticated(Undeclared):
    scope_resource = ANY_AUTHENTICATED


@pytest.mark.django_db
def test_has_scope_refuses_a_view_that_declares_no_scope():
    user = UserFactory(role=Role.SUPERVISOR)
    request = APIRequestFactory().get("/api/v1/anything/")
    force_authenticate(request, user=user)
    response = Undeclared.as_view()(request)
    assert response.status_code == 403
    assert "declares no scope" in str(response.data["detail"])

    request = APIRequestFactory().get("/api/v1/anything/")
    force_authenticate(request, user=user)
    assert AnyAuthenticated.as_view()(request).status_code == 200
