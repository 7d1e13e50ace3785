"""Thin Celery wrappers (names pinned: beat names them)."""

from celery import shared_task

from common.transient import TRANSIENT

from . import report, services


@shared_task(
    name="transparency.tasks.submit_statements", acks_late=True,
    autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=1800, retry_jitter=True, max_retries=10,
    soft_time_limit=240, time_limit=300,
)
def submit_statements() -> dict:
    # TdbUnavailable (a 5xx or no answer) is a ConnectionError, so TRANSIENT retries it with backoff.
    return services.statements_submit()


@shared_task(name="transparency.tasks.compute_snapshots", acks_late=True, soft_time_limit=1500, time_limit=1800)
def compute_snapshots() -> int:
    # The night's full sweep records any restriction the regular sweep's window missed.
    services.statements_record(full=True)
    return report.snapshots_compute()
