"""Thin Celery wrappers for report decision jobs (names pinned: see actions.tasks)."""

from celery import Task, shared_task

from common.transient import TRANSIENT

from . import report_jobs


class RecordWalkFailure(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # The walk cannot go on: end it where it stands, with the error on the job's page; the
        # cases it did not decide stay in the queue.
        job_id = args[0] if args else kwargs["job_id"]
        report_jobs.report_job_stop(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(
    name="enforcement.tasks.decide_report_cases",
    base=RecordWalkFailure, acks_late=True, reject_on_worker_lost=True,
    autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=300, retry_jitter=True,
    max_retries=8, soft_time_limit=120, time_limit=180,
)
def decide_report_cases(job_id: int) -> bool:
    """A report decision job's walk over the report's cases, in chunks; resumable (see report_jobs)."""
    more = report_jobs.report_job_walk(job_id=job_id)
    if more:  # the budget is spent: the rest in a fresh task, far from the time limit
        decide_report_cases.delay(job_id)
    return more


@shared_task(name="decisions.tasks.requeue_stale_report_jobs", acks_late=True, time_limit=120)
def requeue_stale_report_jobs() -> int:
    """The walks of report decision jobs that stopped moving (a lost or killed task)."""
    return report_jobs.report_jobs_requeue_stale()
