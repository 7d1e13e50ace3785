"""Thin Celery wrappers for monitoring: take ids, call a service."""

from celery import shared_task

from . import services


@shared_task(name="monitoring.tasks.check_listings",
             acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=2, max_retries=5, time_limit=300)
def check_listings(listing_ids: list[int]) -> int:
    return services.listings_check(listing_ids=listing_ids)


@shared_task(name="monitoring.tasks.recheck_chunk", bind=True, acks_late=True, time_limit=600)
def recheck_chunk(self, job_id: int, cursor: int) -> None:
    """One chunk, then the next one as a new message (its transaction has committed). Run eagerly
    (embedded mode) the chunks loop here instead: a message queued from an eager task would run
    nested inside it, one stack frame deeper per chunk."""
    while (cursor := services.recheck_chunk_run(job_id=job_id, cursor=cursor)) is not None:
        if not self.app.conf.task_always_eager:
            recheck_chunk.delay(job_id, cursor)
            return


@shared_task(name="monitoring.tasks.resume_stale_rechecks", acks_late=True, time_limit=120)
def resume_stale_rechecks() -> int:
    return services.rechecks_resume_stale()
