"""The one way to fetch a case-bound object for a user: restrict, optionally lock, log a denial.

Every service, API view and page gets cases, their parts, shares and shared records through
``get_for_user`` (one object) or ``restrict`` (a list), with an ``Action`` from
``casework.permissions``. An object that exists but is not the caller's raises ``NotFound``
exactly like a missing one, and the attempt is a ``security.permission_denied`` event for the
owner's auditors. ``tests/test_access_layer.py`` fails when code elsewhere fetches such an
object by hand.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from casework.permissions import Action
from config.errors import NotFound

M = TypeVar("M", bound=models.Model)


def restrict(source: type[M] | models.QuerySet, *, user, action: Action | str) -> models.QuerySet:
    """The rows of ``source`` (a model or a queryset of it) that ``user`` may ``action``."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    return queryset.restrict(user, Action(action))


def get_for_user(source: type[M] | models.QuerySet, *, user, pk, action: Action | str, lock: bool = False) -> M:
    """The object ``pk`` of ``source`` if ``user`` may ``action`` it, else ``NotFound``.

    ``lock`` takes the row lock (``SELECT … FOR UPDATE OF`` the object's own table, as PostgreSQL
    requires next to outer joins) for the caller's transaction. A malformed id is simply not found.
    """
    queryset = restrict(source, user=user, action=action)
    model = queryset.model
    try:
        pk = model._meta.pk.to_python(pk)
    except ValidationError as exc:
        raise NotFound(f"No such {model._meta.verbose_name}.") from exc
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    found = queryset.filter(pk=pk).first()
    if found is None:
        log_denial_if_exists(model, pk, user=user, action=action)
        raise NotFound(f"No such {model._meta.verbose_name}.")
    return found


def log_denial_if_exists(model, object_id, *, user, action) -> None:
    """A request for an object that exists but is not the caller's is a security event, logged
    for the owner's auditors; the caller still gets the same answer as for a missing object."""
    from audit.choices import EventType
    from audit.events import record_event

    row = model._default_manager.filter(pk=object_id).first()
    if row is None:
        return
    record_event(
        EventType.PERMISSION_DENIED,
        obj=row,
        organization=_owner_of(row),
        actor=user if getattr(user, "pk", None) else None,
        action=str(action),
        caller_organization=getattr(getattr(user, "organization", None), "slug", None),
    )


def _owner_of(row):
    """The organization whose auditors should hear about an attempt on ``row``."""
    for path in ("organization", "provider", "recipient"):
        owner = getattr(row, path, None)
        if owner is not None and hasattr(owner, "slug"):
            return owner
    return row.case.organization
