import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipportal.settings")

app = Celery("ipportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(task=None, **kwargs) -> None:
    """Around each task in a worker, what Django does around each request: close a database
    connection that is broken or older than CONN_MAX_AGE, keep the others (settings:
    CELERY_DB_REUSE_MAX keeps Celery's fixup from closing them all). Not for an eager task: it
    runs inside its caller's request, and perhaps its transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections as close

    close()
