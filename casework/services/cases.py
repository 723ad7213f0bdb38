from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from casework.choices import CaseStatus
from casework.models import Case, CaseSequence
from casework.permissions import Action
from casework.services import grants
from casework.services.access import authorize, case_changed
from casework.services.errors import VersionConflict, require

UPDATABLE_FIELDS = ("title", "case_type", "status", "priority")


def _next_reference(organization, year: int) -> str:
    """The next reference of the organization for the year, safe under concurrent creation.

    The sequence row is locked (PostgreSQL) or the write lock is held (SQLite) until commit, and
    the unique constraint on (organization, reference) is the backstop.
    """
    CaseSequence.objects.get_or_create(organization=organization, year=year)
    sequence = CaseSequence.objects.select_for_update().get(organization=organization, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{organization.case_prefix}-{year}-{sequence.last_number:05d}"


def _check_assignees(actor: User, assignees, team: Team | None) -> tuple[list[User], Team | None]:
    assignees = list(assignees or [])
    for user in assignees:
        require(
            user.organization_id == actor.organization_id and user.works_cases,
            "assigned_to",
            "Cases can only be assigned to caseworkers and supervisors of your organization.",
        )
    if team is not None:
        require(team.organization_id == actor.organization_id, "team", "Unknown team.")
    return assignees, team


@transaction.atomic
def case_create(
    *,
    actor: User,
    title: str,
    case_type: str,
    priority: str = "medium",
    status: str = CaseStatus.INTAKE,
    assigned_to=None,
    team: Team | None = None,
    opened_at=None,
) -> Case:
    """Open a case in the actor's organization and grant the spec's permissions on it.

    A caseworker's case is assigned to them; only a supervisor assigns it to others or a team.
    """
    if not actor.works_cases:
        raise PermissionDenied("Only caseworkers and supervisors create cases.")
    assignees, team = _check_assignees(actor, assigned_to, team)
    if not actor.is_supervisor:
        require(set(assignees) <= {actor} and team is None, "assigned_to", "Only a supervisor assigns cases.")
        assignees = [actor]
    opened_at = opened_at or timezone.now()
    case = Case(
        organization=actor.organization,
        title=title,
        case_type=case_type,
        priority=priority,
        status=status,
        team=team,
        opened_at=opened_at,
        created_by=actor,
        closed_at=opened_at if status == CaseStatus.CLOSED else None,
    )
    case.reference = "pending"
    case.full_clean(exclude=["reference"])
    case.reference = _next_reference(actor.organization, opened_at.year)
    case.save()
    case.assigned_to.set(assignees)
    grants.grant_on_create(case, creator=actor, assignees=assignees, team=team)
    if status != CaseStatus.CLOSED:
        from casework.services.tasks import initial_assessment_create

        initial_assessment_create(actor=actor, case=case)
    return case


UNCHANGED = object()


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    expected_version: int | None = None,
    assigned_to=UNCHANGED,
    team=UNCHANGED,
    **changes,
) -> Case:
    """Change a case's fields and/or its assignment as one new version.

    ``expected_version`` makes it an optimistic-concurrency write; reassignment is for
    supervisors and moves the permissions with it. A write that changes nothing is no version.
    """
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError({field: "This field cannot be changed here." for field in sorted(unknown)})
    case = authorize(actor=actor, case=case, action=Action.CHANGE)
    if expected_version is not None and expected_version != case.version:
        raise VersionConflict(expected=expected_version, current=case.version)
    changed = {field: value for field, value in changes.items() if getattr(case, field) != value}
    for field, value in changed.items():
        setattr(case, field, value)
    if "status" in changed:
        case.closed_at = timezone.now() if case.status == CaseStatus.CLOSED else None
    reassigned = False
    if assigned_to is not UNCHANGED or team is not UNCHANGED:
        reassigned = _reassign(
            actor,
            case,
            list(case.assigned_to.all()) if assigned_to is UNCHANGED else assigned_to,
            case.team if team is UNCHANGED else team,
        )
    if not changed and not reassigned:
        return case
    case.version += 1
    case.updated_at = timezone.now()
    case.full_clean()
    case.save()
    case_changed(case)
    return case


def case_assign(*, actor: User, case: Case, assigned_to, team: Team | None = None) -> Case:
    """Replace the case's assignees and team (supervisors only)."""
    return case_update(actor=actor, case=case, assigned_to=assigned_to, team=team)


def _reassign(actor: User, case: Case, assigned_to, team: Team | None) -> bool:
    """Move assignees, team and their permissions; True when anything changed."""
    if not actor.is_supervisor:
        raise ValidationError({"assigned_to": "Only a supervisor assigns cases."})
    assignees, team = _check_assignees(actor, assigned_to, team)
    previous = set(case.assigned_to.all())
    team_changed = case.team_id != (team.pk if team else None)
    if set(assignees) == previous and not team_changed:
        return False
    grants.revoke_users(case, previous - set(assignees) - {case.created_by})
    grants.grant_users(case, set(assignees) - previous)
    case.assigned_to.set(assignees)
    if team_changed:
        if case.team_id:
            grants.revoke_group(case, case.team.group)
        if team is not None:
            grants.grant_group(case, team.group, grants.TEAM_PERMISSIONS)
        case.team = team
    return True
