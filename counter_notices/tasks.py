"""Thin Celery wrappers for counter-notices (names pinned: see actions.tasks)."""

from celery import shared_task

from . import services


@shared_task(name="enforcement.tasks.reinstate_counter_noticed", acks_late=True, time_limit=600)
def reinstate_counter_noticed() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): counter-notices whose court-action deadline passed."""
    return services.counter_notices_reinstate_due()
