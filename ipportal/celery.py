import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipportal.settings")

app = Celery("ipportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def lane_of(task_name: str) -> str | None:
    """The lane (settings.TASK_LANES) that names `task_name`, or None."""
    from django.conf import settings

    return next((lane for lane, names in settings.TASK_LANES.items() if task_name in names), None)


def lane_queue(lane: str, base: str | None = None) -> str:
    """The queue of `lane`: "<default queue>.<lane>"."""
    return f"{base or app.conf.task_default_queue}.{lane}"


def all_queues(base: str | None = None) -> list[str]:
    """Every queue a worker for all lanes consumes: the default queue (messages queued before the
    lanes existed) and each lane's."""
    from django.conf import settings

    base = base or app.conf.task_default_queue
    return [base, *(lane_queue(lane, base) for lane in settings.TASK_LANES)]


def route_to_lane(name, args, kwargs, options, task=None, **kw):
    """Celery router (CELERY_TASK_ROUTES): a task goes to its lane's queue, named after the default
    queue as it is when the message is published (a test or a bench pointing the default queue at
    a queue of its own takes every lane with it). A task no lane names: the default queue."""
    lane = lane_of(name)
    return {"queue": lane_queue(lane)} if lane else None


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
