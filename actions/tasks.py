"""Thin Celery wrappers: take ids, call a service, let the database row be the truth. Names are
pinned: beat and messages already queued know these tasks by the names they had in enforcement."""

from celery import Task, shared_task

from common.transient import TRANSIENT

from . import bulk, services


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
        services.actions_fail_chunk(job_id=job_id, first_id=first_id, last_id=last_id,
                                    error=f"{type(exc).__name__}: {exc}")


@shared_task(
    name="enforcement.tasks.apply_action_chunk",
    base=RecordChunkFailure, acks_late=True, reject_on_worker_lost=True,
    autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=300, retry_jitter=True,
    max_retries=8, soft_time_limit=120, time_limit=180,
)
def apply_action_chunk(job_id: int, first_id: int, last_id: int) -> int:
    return bulk.actions_apply_chunk(job_id=job_id, first_id=first_id, last_id=last_id)


@shared_task(name="enforcement.tasks.requeue_stale_actions", acks_late=True, time_limit=120)
def requeue_stale_actions() -> int:
    return services.actions_requeue_stale()
