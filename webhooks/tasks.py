"""Thin Celery wrappers for webhook delivery. No broker-side retries or countdowns: the
schedule lives on the delivery row (next_attempt_at) and the beat sweep queues what is due."""

from celery import shared_task

from . import services


# No autoretry: a failed attempt is rescheduled on the row; if this task dies mid-request the
# row's lease runs out and the sweep queues it again with a new token.
@shared_task(name="enforcement.webhooks.tasks.deliver_webhook",
             acks_late=True, reject_on_worker_lost=True, soft_time_limit=30, time_limit=45)
def deliver_webhook(delivery_id: int, token: int) -> str:
    return services.webhook_delivery_attempt(delivery_id=delivery_id, token=token)


@shared_task(name="enforcement.webhooks.tasks.sweep_webhook_deliveries", acks_late=True, time_limit=120)
def sweep_webhook_deliveries() -> int:
    return services.webhook_deliveries_sweep()
