"""Thin Celery wrappers for the e-mail outbox (names pinned: see actions.tasks)."""

from celery import shared_task

from common.transient import TRANSIENT

from . import services


@shared_task(
    name="enforcement.tasks.send_notification",
    acks_late=True, reject_on_worker_lost=True, autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=600,
    retry_jitter=True, max_retries=6, soft_time_limit=30, time_limit=60,
)
def send_notification(kind: str, object_id: int) -> int:
    return services.notification_send(kind=kind, object_id=object_id)


@shared_task(name="enforcement.tasks.requeue_unsent_notifications", acks_late=True, time_limit=120)
def requeue_unsent_notifications() -> int:
    return services.notifications_requeue_unsent()
