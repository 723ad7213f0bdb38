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
        entry["latest"] = max(filter(None, [entry["latest"], row["latest"]]), default=None)
    for entry in found.values():
        entry["total"] = sum(entry["by_sector"].values())
    return found


def task_list(*, actor, action: Action = Action.VIEW):
    """Tasks of the cases ``actor`` may see."""
    from casework.models import Task

    return Task.objects.restrict(actor, action).select_related("case", "assignee")


def consent_list(*, actor, action: Action = Action.VIEW):
    from casework.models import Consent

    return Consent.objects.restrict(actor, action).select_related("case", "person")


def case_history(*, case: Case, limit: int = 200):
    """The change and access entries of a case and its parts, newest first, as stored (masked)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    case_type = ContentType.objects.get_for_model(Case)
    return (
        LogEntry.objects.filter(
            Q(content_type=case_type, object_pk=str(case.pk)) | Q(additional_data__case_id=str(case.pk))
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )
