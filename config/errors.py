"""Errors every layer shares, owned by no domain app: services raise them, the API and the
browser UI each turn them into their own answer (problem+json, or the 404 page)."""

from django.http import Http404


class NotFound(Http404):
    """The object does not exist *for this caller*: missing, or another's. Both get the same answer.

    A subclass of ``Http404`` so that Django's pages and DRF answer 404 without knowing about it.
    """


class PreconditionFailed(Exception):
    """The caller acted on a stale version of an object; nothing was changed (HTTP 412)."""


class PreconditionRequired(Exception):
    """A change that must name the version it was based on did not (HTTP 428)."""
