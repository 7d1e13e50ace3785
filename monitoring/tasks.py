"""Thin Celery wrappers for monitoring: take ids, call a service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=2, max_retries=5, time_limit=300)
def check_listings(listing_ids: list[int]) -> int:
    return services.listings_check(listing_ids=listing_ids)


@shared_task(acks_late=True, time_limit=600)
def recheck_chunk(job_id: int, cursor: int) -> bool:
    return services.recheck_chunk_run(job_id=job_id, cursor=cursor)


@shared_task(acks_late=True, time_limit=120)
def resume_stale_rechecks() -> int:
    return services.rechecks_resume_stale()
