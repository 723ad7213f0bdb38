"""The OpenAPI schema: it validates without a warning, documents every endpoint of the SPEC table
with its scope and its problem+json errors, and its docs page works offline."""

import re

import jsonschema
import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, override_settings
from drf_spectacular.drainage import GENERATOR_STATS

from config.api.permissions import SCOPES

API = "/api/v1"
PARTS = ("persons", "notes", "needs", "indicators", "consents")

# The SPEC's "REST API" table (the audit trail aside): path -> methods.
SPEC_PATHS = {
    "/me/": {"get"},
    "/organizations/": {"get"},
    "/agreements/": {"get"},
    "/cases/": {"get", "post"},
    "/cases/{id}/": {"get", "patch"},
    **{f"/cases/{{case_id}}/{part}/": {"get", "post"} for part in PARTS},
    "/consents/{id}/withdraw/": {"post"},
    "/cases/{case_id}/share-preview/": {"post"},
    "/cases/{case_id}/shares/": {"post"},
    "/shares/": {"get"},
    "/shares/{id}/": {"get"},
    "/shares/{id}/approve/": {"post"},
    "/shares/{id}/revoke/": {"post"},
    "/inbox/": {"get"},
    "/inbox/{id}/": {"get"},
    "/inbox/{id}/acknowledge/": {"post"},
    "/inbox/{id}/accept/": {"post"},
    "/inbox/{id}/decline/": {"post"},
    "/indicators/matches/": {"get"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
CDN_HOSTS = ("unpkg.com", "jsdelivr", "cdnjs", "googleapis", "cloudflare")


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    GENERATOR_STATS.reset()  # warnings are counted process-wide; count only this run's
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def resolve(document: dict, node: dict) -> dict:
    while "$ref" in node:
        assert node["$ref"].startswith("#/"), node
        target = document
        for key in node["$ref"][2:].split("/"):
            target = target[key.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    path = tmp_path / "schema.yaml"
    GENERATOR_STATS.reset()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["openapi"].startswith("3.1")


def test_every_endpoint_of_the_spec_is_documented_with_its_methods(schema):
    documented = {path.removeprefix(API): set(item) & HTTP_METHODS for path, item in schema["paths"].items()}
    for path, methods in SPEC_PATHS.items():
        assert path in documented, f"{path} is missing from the schema"
        assert documented[path] == methods, path


def test_operation_ids_are_unique(schema):
    ids = [operation["operationId"] for _, _, operation in operations(schema)]
    assert len(ids) == len(set(ids))
    assert "cases_list" in ids and "cases_retrieve" in ids


def test_path_ids_are_uuids(schema):
    for path, _, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and re.match(rf"{API}/(cases|shares|inbox|consents)/", path):
                assert parameter["schema"] == {"type": "string", "format": "uuid"}, (path, parameter)


def test_oauth2_client_credentials_with_every_scope_and_the_session(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["oauth2"]["type"] == "oauth2"
    flow = schemes["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/o/token/"
    assert (
        set(flow["scopes"])
        == set(SCOPES)
        == {
            "cases:read",
            "cases:write",
            "shares:read",
            "shares:write",
            "inbox:read",
            "inbox:write",
            "audit:read",
            "audit:write",
        }
    )
    assert schemes["cookieAuth"]["type"] == "apiKey" and schemes["cookieAuth"]["in"] == "cookie"


def test_every_operation_names_the_scope_it_needs(schema):
    resources = {
        "cases": "cases",
        "consents": "cases",
        "indicators": "cases",
        "tasks": "cases",
        "shares": "shares",
        "agreements": "shares",
        "inbox": "inbox",
        "audit": "audit",
    }
    for path, method, operation in operations(schema):
        first = path.removeprefix(API).strip("/").split("/")[0]
        resource = "shares" if re.search(r"/(shares|share-preview|disclosures)/$", path) else resources.get(first)
        expected = [f"{resource}:{'read' if method == 'get' else 'write'}"] if resource else []
        oauth2 = [requirement["oauth2"] for requirement in operation["security"] if "oauth2" in requirement]
        assert oauth2 == [expected], (method, path)
        assert {"cookieAuth": []} in operation["security"]
        assert {} not in operation["security"], "no operation is anonymous"


def test_errors_are_problem_json(schema):
    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])
    assert problem["properties"]["errors"]["additionalProperties"]["type"] == "array"
    for path, method, operation in operations(schema):
        for code in ("400", "401", "403", "404", "405", "413", "429"):
            response = resolve(schema, operation["responses"][code])
            content = response["content"]["application/problem+json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Problem"}, (method, path, code)

    retrieve = schema["paths"][f"{API}/cases/{{id}}/"]["get"]
    not_found = resolve(schema, retrieve["responses"]["404"])
    assert set(not_found["content"]) == {"application/problem+json"}
    assert resolve(schema, not_found["content"]["application/problem+json"]["schema"]) is problem


def test_case_versions_travel_in_etag_and_if_match(schema):
    case = schema["paths"][f"{API}/cases/{{id}}/"]
    assert "ETag" in case["get"]["responses"]["200"]["headers"]
    assert "ETag" in case["patch"]["responses"]["200"]["headers"]
    assert any(p["in"] == "header" and p["name"] == "If-Match" for p in case["patch"]["parameters"])
    assert "412" in case["patch"]["responses"]
    for path in (f"{API}/cases/", f"{API}/cases/{{case_id}}/shares/"):
        assert "Location" in schema["paths"][path]["post"]["responses"]["201"]["headers"], path


def test_the_share_preview_is_the_published_exchange_schema(schema):
    components = schema["components"]["schemas"]
    preview = schema["paths"][f"{API}/cases/{{case_id}}/share-preview/"]["post"]["responses"]["200"]
    assert preview["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SharedCaseV1"}
    shared_case = components["SharedCaseV1"]
    assert shared_case["properties"]["schema"] == {"const": "casebridge.shared-case/v1"}
    for name, component in components.items():
        if name.startswith("SharedCaseV1"):
            jsonschema.Draft202012Validator.check_schema(component)
    # Every reference resolves inside the document (none is left pointing at the file's own $defs).
    for ref in set(refs(schema)):
        assert resolve(schema, {"$ref": ref}) is not None, ref


def test_the_docs_page_is_served_without_a_cdn():
    response = Client().get(f"{API}/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert not any(host in html for host in CDN_HOSTS)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in assets
    assert all(url.startswith("/static/drf_spectacular_sidecar/") for url in assets), assets
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"
    # And they are served (as in DEBUG, where whitenoise serves from the finders).
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        client = Client()
        for url in assets:
            assert client.get(url).status_code == 200, url
