"""Thin Celery wrappers: take ids, call a service, let the database row be the truth."""

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from . import bulk, bulk_decide, notifications, services

# Worth another try with backoff; anything else is recorded as a final failure at once.
# A soft time limit counts as transient: a slow moment should not need a person to press retry.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError, SoftTimeLimitExceeded)


class RecordFinalFailure(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries exhausted or a non-transient error: record it so a reviewer sees and can retry.
        action_id = args[0] if args else kwargs["action_id"]  # sent either way: .delay(id) or kwargs=
        services.action_fail(action_id=action_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(
    name="enforcement.tasks.apply_action",
    base=RecordFinalFailure, acks_late=True, reject_on_worker_lost=True,
    autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=300, retry_jitter=True,
    max_retries=8, soft_time_limit=30, time_limit=60,
)
def apply_action(action_id: int) -> bool:
    return services.action_apply(action_id=action_id)


class RecordChunkFailure(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_id, first_id, last_id = args if args else (kwargs["job_id"], kwargs["first_id"], kwargs["last_id"])
        bulk.actions_fail_chunk(job_id=job_id, first_id=first_id, last_id=last_id,
                                error=f"{type(exc).__name__}: {exc}")


@shared_task(
    name="enforcement.tasks.apply_action_chunk",
    base=RecordChunkFailure, acks_late=True, reject_on_worker_lost=True,
    autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=300, retry_jitter=True,
    max_retries=8, soft_time_limit=120, time_limit=180,
)
def apply_action_chunk(job_id: int, first_id: int, last_id: int) -> int:
    return bulk.actions_apply_chunk(job_id=job_id, first_id=first_id, last_id=last_id)


class RecordWalkFailure(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # The walk cannot go on: end it where it stands, with the error on the job's page; the
        # cases it did not decide stay in the queue.
        job_id = args[0] if args else kwargs["job_id"]
        bulk_decide.report_job_stop(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(
    name="enforcement.tasks.decide_report_cases",
    base=RecordWalkFailure, acks_late=True, reject_on_worker_lost=True,
    autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=300, retry_jitter=True,
    max_retries=8, soft_time_limit=120, time_limit=180,
)
def decide_report_cases(job_id: int) -> bool:
    """A report decision job's walk over the report's cases, in chunks; resumable (see bulk_decide)."""
    more = bulk_decide.report_job_walk(job_id=job_id)
    if more:  # the budget is spent: the rest in a fresh task, far from the time limit
        decide_report_cases.delay(job_id)
    return more


@shared_task(
    name="enforcement.tasks.send_notification",
    acks_late=True, reject_on_worker_lost=True, autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=600,
    retry_jitter=True, max_retries=6, soft_time_limit=30, time_limit=60,
)
def send_notification(kind: str, object_id: int) -> int:
    return notifications.notification_send(kind=kind, object_id=object_id)


@shared_task(name="enforcement.tasks.requeue_unsent_notifications", acks_late=True, time_limit=120)
def requeue_unsent_notifications() -> int:
    return notifications.notifications_requeue_unsent()


@shared_task(name="enforcement.tasks.requeue_stale_actions", acks_late=True, time_limit=120)
def requeue_stale_actions() -> int:
    # Lost messages of both kinds of bulk work: pending actions (alone or as chunks) and the walks
    # of report decision jobs that stopped moving.
    return services.actions_requeue_stale() + bulk_decide.report_jobs_requeue_stale()


@shared_task(name="enforcement.tasks.reinstate_counter_noticed", acks_late=True, time_limit=600)
def reinstate_counter_noticed() -> int:
    from .counter_notices import counter_notices_reinstate_due

    return counter_notices_reinstate_due()


# Webhook tasks live beside their services; importing them here registers them with Celery.
from .webhooks.tasks import deliver_webhook, sweep_webhook_deliveries  # noqa: E402, F401


@shared_task(name="enforcement.tasks.compute_good_faith_lanes", acks_late=True, time_limit=600)
def compute_good_faith_lanes() -> int:
    from .good_faith import brand_lanes_compute_all

    return brand_lanes_compute_all()
