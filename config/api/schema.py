"""The OpenAPI schema of the partner API (drf-spectacular).

- ``oauth2`` (client credentials, ``POST /o/token/``) and ``cookieAuth`` (the browser session) as
  security schemes; every operation lists the one scope it needs, by the rule ``HasScope`` applies.
- Every operation documents its errors as ``application/problem+json`` (the ``Problem`` component).
- The exchange payload (``casebridge.shared-case/v1``) is the published JSON Schema
  ``sharing/schemas/shared-case-v1.json``, embedded as the ``SharedCaseV1…`` components (OpenAPI 3.1
  schemas are JSON Schema 2020-12: only its ``$defs`` move to components and its ``$ref`` follow).
"""

from __future__ import annotations

import inspect

from django.conf import settings
from django.urls import reverse
from drf_spectacular.drainage import warn
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance, get_doc
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from config.api.permissions import SCOPES, ScopeNotDeclared, required_scope
from config.api.serializers import StrictSerializer

PROBLEM_MEDIA_TYPE = "application/problem+json"
COMPONENTS = "#/components/schemas/"
SHARED_CASE_COMPONENT = "SharedCaseV1"
SHARED_CASE_REF = {"$ref": COMPONENTS + SHARED_CASE_COMPONENT}

# The errors an operation can answer (RFC 9457 bodies, see config.api.exceptions), as shared
# ``components/responses``: code -> (component name, description, response headers).
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
_WWW_AUTHENTICATE = {"WWW-Authenticate": {"description": "The scheme to use.", "schema": {"type": "string"}}}
PROBLEMS = {
    400: (
        "BadRequest",
        "Invalid request: malformed JSON, a bad query parameter, or invalid fields (listed in `errors`).",
        {},
    ),
    401: (
        "Unauthorized",
        "No credentials, or invalid ones: send an OAuth2 bearer token (or use a browser session).",
        _WWW_AUTHENTICATE,
    ),
    403: ("Forbidden", "Authenticated, but your role or the token's scopes do not allow this request.", {}),
    404: ("NotFound", "No such resource. One that exists but is not yours is answered exactly the same way.", {}),
    405: ("MethodNotAllowed", "The method is not allowed on this path.", {}),
    412: (
        "PreconditionFailed",
        "`If-Match` named a version other than the current one: read the resource again.",
        {},
    ),
    428: (
        "PreconditionRequired",
        "`If-Match` is missing: read the resource and send its `ETag` back, so that no change is overwritten unseen.",
        {},
    ),
    413: ("PayloadTooLarge", "The request body is larger than the API accepts.", {}),
    415: ("UnsupportedMediaType", "The request body is not `application/json`.", {}),
    429: (
        "TooManyRequests",
        "Too many requests from this client: wait as many seconds as `Retry-After` says.",
        _RETRY_AFTER,
    ),
}
# Every operation can answer these; 412 only where it takes ``If-Match``, 415 only where it takes a body.
COMMON_PROBLEMS = (400, 401, 403, 404, 405, 413, 429)

STANDARD_ACTIONS = {"list", "retrieve", "create", "update", "partial_update", "destroy"}
ETAG_DESCRIPTION = 'The case version, quoted (e.g. `"3"`): send it back in `If-Match` to update the case.'


class ProblemSerializer(serializers.Serializer):
    """An error, as ``application/problem+json`` (RFC 9457)."""

    type = serializers.URLField(help_text="Identifies the kind of problem, e.g. `.../problems/404`.")
    title = serializers.CharField(help_text="A short summary of the kind of problem.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong with this request.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors: messages by field name (`non_field_errors` for the request as a whole).",
    )


def etag_header(*codes: int) -> OpenApiParameter:
    return OpenApiParameter(
        "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=list(codes), description=ETAG_DESCRIPTION
    )


def uuid_path_parameter(name: str, description: str) -> OpenApiParameter:
    """For a path whose converter is a regex rather than ``<uuid:…>`` (the generator sees a plain string)."""
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=description)


# The API answers with a path (``/api/v1/shares/…``): a URI reference (RFC 9110 allows a relative
# one in ``Location``), not the absolute URI that ``format: uri`` requires.
URI_REFERENCE = {"type": "string", "format": "uri-reference"}


def location_header(description: str) -> OpenApiParameter:
    return OpenApiParameter("Location", URI_REFERENCE, OpenApiParameter.HEADER, response=[201], description=description)


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The `ETag` you read (`"3"`, `W/"3"` or `3`). A stale version is refused with 412; '
    "a request without the header with 428 (`*` updates whatever the current version is).",
)


class CasebridgeAutoSchema(AutoSchema):
    """Adds the per-operation OAuth2 scope and the problem+json error responses."""

    def get_operation_id(self) -> str:
        # A custom action is named by its path (``inbox_accept``, ``cases_share_preview``), not by
        # its path plus the HTTP method (``inbox_accept_create``).
        action = getattr(self.view, "action", None)
        if action and action not in STANDARD_ACTIONS:
            return "_".join(token.replace("-", "_") for token in self._tokenize_path())
        return super().get_operation_id()

    def required_scopes(self) -> list[str]:
        """The one scope ``HasScope`` asks of this operation; none for an ``ANY_AUTHENTICATED`` view.

        A view that declares no scope is refused by ``HasScope``; here it is a warning, which
        ``spectacular --fail-on-warn`` (CI) turns into a failure.
        """
        try:
            scope = required_scope(self.view, self.method)
        except ScopeNotDeclared as exc:
            warn(f"{exc} HasScope refuses every request to it; declare a resource or ANY_AUTHENTICATED.")
            return []
        return [scope] if scope else []

    def get_description(self) -> str:
        # The action's own docstring, else the view's own: not one inherited from our base classes,
        # which describe the implementation rather than the endpoint.
        action = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        action_doc = get_doc(action) if action else ""
        return action_doc or _own_doc(type(self.view))

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if not _own_doc(type(force_instance(serializer))):
            schema.pop("description", None)
        if direction == "request" and isinstance(force_instance(serializer), StrictSerializer):
            # A field the request may not set is refused (400), not ignored: say so.
            schema["additionalProperties"] = False
        return schema

    def problem_codes(self) -> list[int]:
        codes = set(COMMON_PROBLEMS)
        if any(isinstance(p, OpenApiParameter) and p.name == "If-Match" for p in self.get_override_parameters()):
            codes.update((412, 428))
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            codes.add(415)
        return sorted(codes)

    def _problem_response(self, code: int) -> dict:
        name, description, headers = PROBLEMS[code]
        response = self._get_response_for_code(ProblemSerializer, str(code), media_types=[PROBLEM_MEDIA_TYPE])
        response["description"] = description
        if headers:
            response["headers"] = headers
        component = ResolvedComponent(name=name, type=ResolvedComponent.RESPONSE, object=name, schema=response)
        self.registry.register_on_missing(component)
        return component.ref

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":  # a callback's answer, not ours
            return responses
        for code in self.problem_codes():
            responses.setdefault(str(code), self._problem_response(code))
        return dict(sorted(responses.items()))


def _own_doc(cls) -> str:
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if doc else ""


class ClientCredentialsScheme(OpenApiAuthenticationExtension):
    """OAuth2 client credentials: a partner's system acts as its API client's service account."""

    target_class = "config.api.authentication.ClientCredentialsAuthentication"
    name = "oauth2"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": "Partner systems: OAuth2 client credentials. `POST /o/token/` with "
            "`grant_type=client_credentials`, your client id and secret, and the scopes you need; "
            "send the token as `Authorization: Bearer …`.",
            "flows": {"clientCredentials": {"tokenUrl": reverse("oauth2_provider:token"), "scopes": dict(SCOPES)}},
        }

    def get_security_requirement(self, auto_schema):
        scopes = auto_schema.required_scopes() if isinstance(auto_schema, CasebridgeAutoSchema) else []
        return {self.name: scopes}


class BrowserSessionScheme(OpenApiAuthenticationExtension):
    """The web UI's session (and so the docs page of a signed-in user)."""

    target_class = "rest_framework.authentication.SessionAuthentication"
    name = "cookieAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "Browsers: the session of a signed-in user (its role and object permissions "
            "apply; scopes do not). Unsafe methods also need the CSRF token in `X-CSRFToken`.",
        }


# The exchange payload ------------------------------------------------------------------------
