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
        raise Http404("Not found.")
    return part
