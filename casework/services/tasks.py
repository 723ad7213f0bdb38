"""Tasks: the follow-ups of a case, by hand or automatic. Keyword-only, ``actor=`` explicit, atomic."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from casework.access import get_for_user
from casework.choices import CaseStatus, Priority, TaskKind
from casework.models import Case, Consent, Task
from casework.permissions import Action
from casework.services.access import authorize

INITIAL_ASSESSMENT_HOURS = 72
INITIAL_ASSESSMENT_HOURS_IMMINENT = 24
CONSENT_RENEWAL_DAYS = 14

# Stored in English (the scheduler has no user language); the UI shows the kind, translated.
INITIAL_ASSESSMENT_TITLE = "Initial assessment"
CONSENT_RENEWAL_TITLE = "Renew consent or let it lapse"

UNCHANGED = object()


def _check_assignee(case: Case, assignee: User | None) -> None:
    """An assignee must be someone who may work the case: the choke point decides, as everywhere."""
    if assignee is None:
        return
    if not Case.objects.restrict(assignee, Action.CHANGE).filter(pk=case.pk).exists():
        raise ValidationError({"assignee": _("Tasks can only be assigned to someone who works this case.")})


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("A task needs a title.")})
    return title


@transaction.atomic
def task_create(*, actor: User, case: Case, title: str, due_at: dt.datetime, assignee: User | None = None) -> Task:
    """Add a follow-up to a case. Without an assignee it is the actor's own."""
    case = authorize(actor=actor, case=case, action=Action.CHANGE)
    title = _check_title(title)
    if assignee is None:
        assignee = actor
    _check_assignee(case, assignee)
    task = Task(case=case, title=title, due_at=due_at, assignee=assignee, created_by=actor)
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def task_update(
    *,
    actor: User,
    task: Task,
    done: bool | None = None,
    title=UNCHANGED,
    due_at=UNCHANGED,
    assignee=UNCHANGED,
) -> Task:
    """Complete or reopen a task (``done``), or change its title, due time or assignee."""
    authorize(actor=actor, case=task.case, action=Action.CHANGE)
    task = get_for_user(Task.objects.select_related("case"), user=actor, pk=task.pk, action=Action.CHANGE, lock=True)
    if title is not UNCHANGED:
        task.title = _check_title(title)
    if due_at is not UNCHANGED:
        if due_at is None:
            raise ValidationError({"due_at": _("A task needs a due date and time.")})
        task.due_at = due_at
    if assignee is not UNCHANGED:
        _check_assignee(task.case, assignee)
        task.assignee = assignee
    if done is True and task.done_at is None:
        task.done_at = timezone.now()
    elif done is False:
        task.done_at = None
    task.full_clean()
    task.save()
    return task


def task_complete(*, actor: User, task: Task) -> Task:
    """Mark a task done (idempotent: completing it twice keeps the first time)."""
    return task_update(actor=actor, task=task, done=True)


def task_reopen(*, actor: User, task: Task) -> Task:
    return task_update(actor=actor, task=task, done=False)


def initial_assessment_create(*, actor: User, case: Case) -> Task:
    """The automatic first task of a new case: an assessment within 72 hours (24 when imminent),
    for the case's first assignee (the creator when it has none)."""
    hours = INITIAL_ASSESSMENT_HOURS_IMMINENT if case.priority == Priority.IMMINENT else INITIAL_ASSESSMENT_HOURS
    assignees = sorted(case.assigned_to.all(), key=lambda user: user.pk)
    assignee = assignees[0] if assignees else actor
    task = Task(
        case=case,
        title=INITIAL_ASSESSMENT_TITLE,
        kind=TaskKind.INITIAL_ASSESSMENT,
        due_at=case.opened_at + dt.timedelta(hours=hours),
        assignee=assignee,
        created_by=actor,
    )
    task.full_clean()
    task.save()
    return task


def _renewal_assignee(consent: Consent) -> User | None:
    """Whoever recorded the consent, if they still work the case; else its first assignee who does."""
    candidates = [consent.recorded_by, *sorted(consent.case.assigned_to.all(), key=lambda user: user.pk)]
    for user in candidates:
        if Case.objects.restrict(user, Action.CHANGE).filter(pk=consent.case_id).exists():
            return user
    return None  # the org's supervisors see it on their dashboard


def consent_renewals_due(*, now: dt.datetime | None = None) -> list[Consent]:
    """Live consents of open cases that expire within 14 days and have no renewal task yet."""
    now = now or timezone.now()
    return list(
        Consent.objects.filter(
            withdrawn_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + dt.timedelta(days=CONSENT_RENEWAL_DAYS),
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .exclude(renewal_tasks__kind=TaskKind.CONSENT_RENEWAL)
        .select_related("case", "recorded_by")
        .order_by("expires_at", "id")
    )


def consent_renewal_create(*, consent: Consent) -> Task | None:
    """The scheduler's "renew or let lapse" task for one consent; None when it already exists.

    Idempotent: the unique constraint on (consent, kind) is the backstop for two beats at once.
    """
    try:
        with transaction.atomic():
            task, created = Task.objects.get_or_create(
                consent=consent,
                kind=TaskKind.CONSENT_RENEWAL,
                defaults={
                    "case": consent.case,
                    "title": CONSENT_RENEWAL_TITLE,
                    "due_at": consent.expires_at,
                    "assignee": _renewal_assignee(consent),
                },
            )
    except IntegrityError:
        return None
    return task if created else None
