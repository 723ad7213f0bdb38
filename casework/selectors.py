"""Reads of case content, always through the ``restrict`` choke point."""

from __future__ import annotations

import uuid

from django.http import Http404

from casework.models import Case
from casework.permissions import Action


def case_list(*, actor, action: Action = Action.VIEW):
    return Case.objects.restrict(actor, action).with_involves_minor().select_related("organization", "team")


def case_get_for_user(*, user, case_id, action: Action = Action.VIEW) -> Case:
    """The case if ``user`` may ``action`` it; otherwise 404, exactly as for a case that does not exist."""
    try:
        case_id = uuid.UUID(str(case_id))
    except ValueError as exc:
        raise Http404("No such case.") from exc
    case = case_list(actor=user, action=action).filter(pk=case_id).first()
    if case is None:
        log_denial_if_exists(Case, case_id, user=user, action=action)
        raise Http404("No such case.")
    return case


def part_get_for_user(*, model, user, part_id, action: Action = Action.VIEW):
    """A person, note, need, indicator or consent, with the same 404 rule as its case."""
    try:
        part_id = uuid.UUID(str(part_id))
    except ValueError as exc:
        raise Http404("Not found.") from exc
    part = model.objects.restrict(user, action).select_related("case", "case__organization").filter(pk=part_id).first()
    if part is None:
        log_denial_if_exists(model, part_id, user=user, action=action)
        raise Http404("Not found.")
    return part


def log_denial_if_exists(model, object_id, *, user, action) -> None:
    """A request for an object that exists but is not the caller's is a security event, logged
    for the owner's auditors; the caller still gets the same 404 as for a missing object."""
    from audit.events import record_event

    row = model.objects.filter(pk=object_id).first()
    if row is None:
        return
    owner = _owner_of(row)
    record_event(
        "security.permission_denied",
        obj=row,
        organization=owner,
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
