"""Thin Celery wrappers for complaints."""

from celery import shared_task

from . import misuse


@shared_task(acks_late=True, time_limit=600)
def evaluate_notifier_misuse() -> int:
    return misuse.notifiers_evaluate_all()
