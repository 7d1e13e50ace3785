from celery import shared_task

from .services import evidence_purge_unattached


@shared_task(name="evidence.tasks.purge_unattached_evidence", acks_late=True, time_limit=600)
def purge_unattached_evidence() -> int:
    """Daily: delete uploads older than a day that no report or draft took. Idempotent."""
    return evidence_purge_unattached()
