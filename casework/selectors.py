"""Reads of case content, always through the access module and its ``restrict`` choke point."""

from __future__ import annotations

import datetime as dt

from casework.access import get_for_user, restrict
from casework.models import Case
from casework.permissions import Action


def case_list(*, actor, action: Action = Action.VIEW):
    return with_list_columns(restrict(Case, user=actor, action=action))


def with_list_columns(cases):
    """What a list of cases shows beside each case: its team and whether it involves a minor
    (``manage.py bench`` gives guardian's peer list the same). Its organization is not joined:
    ``restrict`` hands every row the reader's own."""
    return cases.with_involves_minor().select_related("team")


def case_get_for_user(*, user, case_id, action: Action = Action.VIEW) -> Case:
    """The case if ``user`` may ``action`` it; otherwise ``NotFound``, as for a case that does not exist.

    ``get_for_user`` restricts what it is given: handing it ``case_list`` would put the permission
    condition in the query twice (compiled and evaluated twice, a fifth of this lookup)."""
    return get_for_user(with_list_columns(Case.objects.all()), user=user, pk=case_id, action=action)


def part_get_for_user(*, model, user, part_id, action: Action = Action.VIEW):
    """A person, note, need, indicator or consent, with the same 404 rule as its case."""
    parts = model.objects.select_related("case", "case__organization")
    return get_for_user(parts, user=user, pk=part_id, action=action)


# --- reads for the browser workspace ---------------------------------------------------------


def indicator_matches(*, case: Case, indicators) -> dict[str, dict]:
    """For each fingerprint among ``indicators``: how many other organizations hold it, by sector,
    and when it was last recorded. One grouped query over the fingerprint index, across every
    organization but the case's; the rows carry sector, count and date, never a case or a value.
    Shared by ``/api/v1/indicators/matches/`` and the case page."""
    from django.db.models import Count, Max

    from casework.models import TechnologyIndicator

    fingerprints = {i.fingerprint for i in indicators}
    if not fingerprints:
        return {}
    rows = (
        TechnologyIndicator.objects.filter(fingerprint__in=fingerprints)
        .exclude(case__organization=case.organization_id)
        .values("fingerprint", "case__organization__sector")
        .annotate(organizations=Count("case__organization", distinct=True), latest=Max("created_at"))
        .order_by()
    )
    found: dict[str, dict] = {}
    for row in rows:
        entry = found.setdefault(row["fingerprint"], {"by_sector": {}, "latest": None})
        entry["by_sector"][row["case__organization__sector"]] = row["organizations"]
        # Only the day leaves: another organization's record time to the second would tell when its
        # caseworker met the person.
        latest = row["latest"].astimezone(dt.UTC).date() if row["latest"] else None
        entry["latest"] = max(filter(None, [entry["latest"], latest]), default=None)
    for entry in found.values():
        entry["total"] = sum(entry["by_sector"].values())
    return found


def task_list(*, actor, action: Action = Action.VIEW):
    """Tasks of the cases ``actor`` may see."""
    from casework.models import Task

    return restrict(Task, user=actor, action=action).select_related("case", "assignee")


def consent_list(*, actor, action: Action = Action.VIEW):
    from casework.models import Consent

    return restrict(Consent, user=actor, action=action).select_related("case", "person")


def case_history(*, case: Case, limit: int = 200):
    """The change and access entries of a case and its parts, newest first, as stored (masked)."""
    from audit.selectors import log_entries_for_cases

    return log_entries_for_cases(organization_id=case.organization_id, case_ids=[case.pk], limit=limit)
