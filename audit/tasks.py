from celery import shared_task

from .services import audit_chain_pending


@shared_task(acks_late=True, time_limit=300)
def link_pending_entries() -> int:
    """Link audit entries an after-commit run skipped (another process held the head then)."""
    return audit_chain_pending()
