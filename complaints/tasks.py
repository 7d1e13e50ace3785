"""Thin Celery wrappers for the review queue."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=300)
def release_expired_claims() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): lapsed claims go back to the open queue."""
    return services.claims_release_expired()
