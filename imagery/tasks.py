"""Thin Celery wrappers for imagery: take ids, call a service."""

from celery import shared_task

from . import services


@shared_task(name="imagery.tasks.fetch_listing_image", acks_late=True, time_limit=120,
             autoretry_for=(ConnectionError,), retry_backoff=5, max_retries=3)
def fetch_listing_image(image_id: int) -> str | None:
    """One image. Network failures are recorded on the row and retried by the beat sweep with
    backoff (the broker keeps no long countdowns); only a lost database connection retries here."""
    return services.image_fetch(image_id=image_id)


@shared_task(name="imagery.tasks.retry_due_fetches", acks_late=True, time_limit=120)
def retry_due_fetches() -> int:
    return services.images_retry_due()


@shared_task(name="imagery.tasks.fetch_listing_images", acks_late=True, time_limit=900,
             autoretry_for=(ConnectionError,), retry_backoff=5, max_retries=3)
def fetch_listing_images(image_ids: list[int]) -> int:
    """Up to services.FETCH_CHUNK images, one after the other (an ingest batch's: one message per
    chunk, not per picture). Each fetch is fetch_listing_image's; one cut short by the time limit
    leaves the rest pending, which the beat sweep queues again. Returns how many were fetched."""
    return sum(services.image_fetch(image_id=pk) is not None for pk in image_ids)
