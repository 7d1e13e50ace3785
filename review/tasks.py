"""Thin Celery wrappers for the review desk (names pinned: see actions.tasks)."""

from celery import shared_task

from .claims import claims_release_expired
from .info_requests import info_requests_expire
from .queue import queue_counts_refresh


@shared_task(name="complaints.tasks.release_expired_claims", acks_late=True, time_limit=300)
def release_expired_claims() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): lapsed claims go back to the open queue."""
    return claims_release_expired()


@shared_task(name="complaints.tasks.expire_info_requests", acks_late=True, time_limit=300)
def expire_info_requests() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): unanswered questions past their deadline send their case
    back to the queue."""
    return info_requests_expire()


@shared_task(name="review.tasks.refresh_queue_counts", acks_late=True, time_limit=120)
def refresh_queue_counts() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE), and queued by a queue page that found no counts: the
    backlog's facet counts into the shared cache."""
    return queue_counts_refresh()
