import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("casebridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def recycle_database_connections(sender=None, **kwargs):
    """Around each task, what Django does around each request: keep the connection until
    CONN_MAX_AGE, drop one that errors left unusable (``CELERY_DB_REUSE_MAX`` in settings says why).

    Not for a task run eagerly: it runs inside its caller's request or transaction.
    """
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
