from celery import shared_task

from .services import package_build, packages_delete_expired, packages_requeue_stale


@shared_task(name="legal.tasks.build_package", acks_late=True)
def build_package(package_id: int) -> None:
    """Build one evidence package (legal.services.package_build: idempotent)."""
    package_build(package_id=package_id)


@shared_task(name="legal.tasks.requeue_stale_packages", acks_late=True, time_limit=120)
def requeue_stale_packages() -> int:
    """Beat: packages whose build message or worker was lost are queued again."""
    return packages_requeue_stale()


@shared_task(name="legal.tasks.delete_expired_packages", acks_late=True, time_limit=300)
def delete_expired_packages() -> int:
    """Beat: the ZIPs of packages past their link's expiry are deleted (the rows stay)."""
    return packages_delete_expired()
