"""Thin Celery wrappers for complaints (names pinned: see actions.tasks)."""

from celery import shared_task

from . import lanes, sanctions


@shared_task(name="complaints.tasks.evaluate_notifier_misuse", acks_late=True, time_limit=600)
def evaluate_notifier_misuse() -> int:
    return sanctions.sanctions_evaluate_all()


@shared_task(name="enforcement.tasks.compute_good_faith_lanes", acks_late=True, time_limit=600)
def compute_good_faith_lanes() -> int:
    return lanes.brand_lanes_compute_all()
