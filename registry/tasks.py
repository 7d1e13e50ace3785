"""Thin Celery wrappers for the registry."""

from celery import shared_task

from . import services


@shared_task(name="registry.tasks.expire_rights", acks_late=True, time_limit=600)
def expire_rights() -> int:
    """Daily: rights whose expiry date has come move to expired (idempotent)."""
    return services.rights_expire_due()
