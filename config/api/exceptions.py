"""Every API error as ``application/problem+json`` (RFC 9457)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from config.errors import PreconditionFailed, PreconditionRequired

PROBLEM_BASE = "https://casebridge.example/problems/"

TITLES = {
    400: "Invalid request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    428: "Precondition required",
    429: "Too many requests",
    500: "Server error",
}


def _messages(value, prefix: str = "") -> list[str]:
    """Flatten DRF's nested error details (lists of items, nested objects) into readable strings."""
    if isinstance(value, dict):
        return [m for key, inner in value.items() for m in _messages(inner, f"{prefix}[{key}] ")]
    if isinstance(value, list):
        return [m for inner in value for m in _messages(inner, prefix)]
    return [f"{prefix}{value}"]


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def problem(status_code: int, detail: str, *, errors: dict | None = None, type_: str | None = None, headers=None):
    body = {
        "type": PROBLEM_BASE + (type_ or str(status_code)),
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers, content_type="application/problem+json")
    return response


def problem_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return problem(400, "The request has invalid fields.", errors=errors, type_="validation")
    if isinstance(exc, PreconditionFailed):
        return problem(412, str(exc), type_="stale-version")
    if isinstance(exc, PreconditionRequired):
        return problem(428, str(exc), type_="precondition-required")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", "")
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(detail)
        detail = "The request has invalid fields."
    elif isinstance(detail, list | dict):
        detail = "; ".join(f"{m}" for m in (detail if isinstance(detail, list) else detail.values()))
    headers = {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}
    return problem(response.status_code, str(detail), errors=errors, headers=headers)
