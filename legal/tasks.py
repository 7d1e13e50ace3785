from celery import shared_task

from .services import package_build


@shared_task(name="legal.tasks.build_package", acks_late=True)
def build_package(package_id: int) -> None:
    """Build one evidence package (legal.services.package_build: idempotent)."""
    package_build(package_id=package_id)
