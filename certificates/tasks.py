from celery import shared_task

from .log import sth_publish


@shared_task(name="certificates.tasks.publish_sth", acks_late=True, time_limit=300)
def publish_sth() -> int | None:
    """Beat: sign a tree head when the log has grown past the latest one. Idempotent."""
    head = sth_publish()
    return head.tree_size if head else None
