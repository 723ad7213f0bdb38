"""Database connections around Celery tasks: a worker keeps its connection from task to task for
CONN_MAX_AGE (and drops one it finds broken, Django's check), as the web process does around each request.

Celery's own Django fix-up, left to its defaults, closed every connection before and after each
task, so a worker paid a new PostgreSQL connection per delivery whatever CONN_MAX_AGE said.
"""

import time

import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun
from django.db import connection

from config.celery import app
from sharing.tasks import deliver


def _task_boundary(task=deliver):
    """What the worker does between two tasks: the fix-up's hooks, then the signals."""
    fixup = DjangoWorkerFixup(app)
    fixup.on_task_postrun(sender=task)
    task_postrun.send(sender=task, task_id="t1", task=task, args=(), kwargs={}, retval=None, state="SUCCESS")
    fixup.on_task_prerun(sender=task)
    task_prerun.send(sender=task, task_id="t2", task=task, args=(), kwargs={})


@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_its_database_connection_between_tasks():
    connection.ensure_connection()
    connection.close_at = time.monotonic() + 60
    held = connection.connection
    _task_boundary()
    assert connection.connection is held


@pytest.mark.django_db(transaction=True)
def test_a_connection_past_its_max_age_is_closed_between_tasks():
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    _task_boundary()
    assert connection.connection is None


@pytest.mark.django_db
def test_a_task_run_eagerly_leaves_its_callers_transaction_alone():
    """Inside a transaction (a request, a test) an eager task must not close the connection."""
    connection.ensure_connection()
    held = connection.connection
    deliver.push_request(is_eager=True)
    try:
        task_postrun.send(sender=deliver, task_id="t1", task=deliver, args=(), kwargs={}, retval=None, state="SUCCESS")
        task_prerun.send(sender=deliver, task_id="t2", task=deliver, args=(), kwargs={})
    finally:
        deliver.pop_request()
    assert connection.connection is held
    assert connection.in_atomic_block
