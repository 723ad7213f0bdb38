"""Tasks: services, the automatic ones, and the beat task that creates consent renewals."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.choices import Role
from audit.context import acting_as
from casework import services
from casework.choices import TaskKind
from casework.models import Task
from casework.tasks import create_consent_renewal_tasks
from tests.factories import PersonFactory


@pytest.mark.django_db
def test_a_new_case_gets_an_initial_assessment_in_72_hours(caseworker):
    case = services.case_create(actor=caseworker, title="t", case_type="other")
    (task,) = Task.objects.filter(case=case)
    assert task.kind == TaskKind.INITIAL_ASSESSMENT
    assert task.title == "Initial assessment"
    assert task.assignee == caseworker
    assert task.due_at == case.opened_at + dt.timedelta(hours=72)


@pytest.mark.django_db
def test_an_imminent_case_is_assessed_within_24_hours_by_its_assignee(supervisor, caseworker):
    case = services.case_create(
        actor=supervisor, title="t", case_type="other", priority="imminent", assigned_to=[caseworker]
    )
    task = Task.objects.get(case=case)
    assert task.due_at == case.opened_at + dt.timedelta(hours=24)
    assert task.assignee == caseworker


@pytest.mark.django_db
def test_task_create_checks_the_assignee_through_the_choke_point(caseworker, supervisor, make_user, org, other_org):
    case = services.case_create(actor=caseworker, title="t", case_type="other")
    colleague = make_user(org, Role.CASEWORKER)  # same org, not on the case
    auditor = make_user(org, Role.AUDITOR)
    stranger = make_user(other_org, Role.SUPERVISOR)
    due = timezone.now() + dt.timedelta(days=1)
    for assignee in (colleague, auditor, stranger):
        with pytest.raises(ValidationError) as exc:
            services.task_create(actor=caseworker, case=case, title="Call", due_at=due, assignee=assignee)
        assert "assignee" in exc.value.message_dict
    with acting_as(caseworker):
        task = services.task_create(actor=caseworker, case=case, title="Call", due_at=due, assignee=supervisor)
    assert task.assignee == supervisor and task.created_by == caseworker
    assert LogEntry.objects.get_for_object(task).filter(action=LogEntry.Action.CREATE).exists()
    with pytest.raises(ValidationError):
        services.task_create(actor=caseworker, case=case, title="  ", due_at=due)


@pytest.mark.django_db
def test_complete_and_reopen_are_audited_and_authorized(caseworker, make_user, org, other_org):
    case = services.case_create(actor=caseworker, title="t", case_type="other")
    task = Task.objects.get(case=case)
    with acting_as(caseworker):
        services.task_complete(actor=caseworker, task=task)
    task.refresh_from_db()
    first = task.done_at
    assert first is not None
    services.task_complete(actor=caseworker, task=task)
    task.refresh_from_db()
    assert task.done_at == first  # idempotent
    services.task_reopen(actor=caseworker, task=task)
    task.refresh_from_db()
    assert task.done_at is None
    assert LogEntry.objects.get_for_object(task).filter(action=LogEntry.Action.UPDATE).count() >= 2
    for outsider in (make_user(org, Role.CASEWORKER), make_user(other_org, Role.SUPERVISOR)):
        with pytest.raises(Http404):
            services.task_complete(actor=outsider, task=task)


@pytest.mark.django_db
def test_consent_renewal_tasks_are_created_once(caseworker):
    case = services.case_create(actor=caseworker, title="t", case_type="other")
    survivor = PersonFactory(actor=caseworker, case=case)
    soon = services.consent_record(
        actor=caseworker,
        case=case,
        person=survivor,
        categories=["case_summary"],
        purpose="services",
        method="written",
        scope_sectors=["health"],
        expires_at=timezone.now() + dt.timedelta(days=10),
    )
    services.consent_record(
        actor=caseworker,
        case=case,
        person=survivor,
        categories=["case_summary"],
        purpose="services",
        method="written",
        scope_sectors=["health"],
        expires_at=timezone.now() + dt.timedelta(days=40),
    )
    assert create_consent_renewal_tasks() == 1
    assert create_consent_renewal_tasks() == 0
    (renewal,) = Task.objects.filter(kind=TaskKind.CONSENT_RENEWAL)
    assert renewal.consent == soon and renewal.due_at == soon.expires_at
    assert renewal.assignee == caseworker and renewal.created_by is None
