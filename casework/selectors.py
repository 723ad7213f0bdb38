"""Reads of case content, always through the access module and its ``restrict`` choke point."""

from __future__ import annotations

from casework.access import get_for_user, restrict
from casework.models import Case
from casework.permissions import Action


def case_list(*, actor, action: Action = Action.VIEW):
    return restrict(Case, user=actor, action=action).with_involves_minor().select_related("organization", "team")


def case_get_for_user(*, user, case_id, action: Action = Action.VIEW) -> Case:
    """The case if ``user`` may ``action`` it; otherwise ``NotFound``, as for a case that does not exist."""
    return get_for_user(case_list(actor=user, action=action), user=user, pk=case_id, action=action)


def part_get_for_user(*, model, user, part_id, action: Action = Action.VIEW):
    """A person, note, need, indicator or consent, with the same 404 rule as its case."""
    parts = model.objects.select_related("case", "case__organization")
    return get_for_user(parts, user=user, pk=part_id, action=action)
