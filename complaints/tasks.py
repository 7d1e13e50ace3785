"""Thin Celery wrappers for reports."""

from celery import shared_task

from .notifications import report_confirmation_send


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=5, max_retries=5)
def send_report_confirmation(report_id: int) -> bool:
    return report_confirmation_send(report_id=report_id)
