from celery import shared_task

from .services import audit_chain_pending


@shared_task(name="audit.tasks.link_pending_entries", acks_late=True, time_limit=300)
def link_pending_entries() -> int:
    """Link the audit entries written since the last run (beat: every AUDIT_LINK_SECONDS)."""
    return audit_chain_pending()
