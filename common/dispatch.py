"""The one way services queue background work. Tasks import services, never the reverse: a
service names the task it wants run (the name pinned on the task, stable across moves) and this
module finds it in Celery's registry. In embedded mode without its worker (no broker, no
EMBEDDED_WORKER: tests, manage.py commands) `delay` runs it in-process.

After commit, and robust: the step is committed when the message is sent, so a broker outage must
not turn it into an error page; every caller's row stays pending and its beat sweep queues it
again."""

from celery import current_app
from django.db import transaction


def task(name: str):
    """The registered task called `name`; imports every app's tasks module on first use (what a
    worker does when it starts), so a web process finds tasks it has not imported."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def enqueue(name: str, *args) -> None:
    """Queue `name` now (a sweep re-queueing what its rows say is pending)."""
    task(name).delay(*args)


def enqueue_on_commit(name: str, *args) -> None:
    """Queue `name` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task(name).delay(*args), robust=True)


def enqueue_many_on_commit(name: str, calls: list[tuple]) -> None:
    """Queue `name` once per argument tuple once the current transaction commits."""
    if calls:
        transaction.on_commit(lambda: [task(name).delay(*args) for args in calls], robust=True)
