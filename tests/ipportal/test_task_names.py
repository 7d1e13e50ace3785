"""Celery tasks are addressed by name: beat's schedule and the messages already waiting in Redis
name them. Moving a module must not rename a task: every name here stays registered."""

from celery import current_app
from django.conf import settings

# Written out, not read from the code: a task that disappears or is renamed fails this test.
TASK_NAMES = {
    "audit.tasks.link_pending_entries",
    "certificates.tasks.publish_sth",
    "complaints.tasks.evaluate_notifier_misuse",
    "complaints.tasks.expire_info_requests",
    "complaints.tasks.release_expired_claims",
    "decisions.tasks.requeue_stale_report_jobs",
    "enforcement.tasks.apply_action",
    "enforcement.tasks.apply_action_chunk",
    "enforcement.tasks.compute_good_faith_lanes",
    "enforcement.tasks.decide_report_cases",
    "enforcement.tasks.reinstate_counter_noticed",
    "enforcement.tasks.requeue_stale_actions",
    "enforcement.tasks.requeue_unsent_notifications",
    "enforcement.tasks.send_notification",
    "enforcement.webhooks.tasks.deliver_webhook",
    "enforcement.webhooks.tasks.sweep_webhook_deliveries",
    "evidence.tasks.purge_unattached_evidence",
    "imagery.tasks.fetch_listing_image",
    "imagery.tasks.fetch_listing_images",
    "imagery.tasks.retry_due_fetches",
    "legal.tasks.build_package",
    "legal.tasks.delete_expired_packages",
    "legal.tasks.requeue_stale_packages",
    "monitoring.tasks.check_listings",
    "monitoring.tasks.recheck_chunk",
    "monitoring.tasks.resume_stale_rechecks",
    "registry.tasks.expire_rights",
    "review.tasks.refresh_queue_counts",
    "transparency.tasks.compute_snapshots",
    "transparency.tasks.submit_statements",
}


def registered() -> set[str]:
    current_app.loader.import_default_modules()  # what a worker does at start: every app's tasks module
    return {name for name in current_app.tasks if not name.startswith("celery.")}


def test_every_task_keeps_its_name():
    assert registered() == TASK_NAMES


def test_beat_names_only_registered_tasks():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= registered()
    assert "enforcement.tasks.requeue_stale_actions" in scheduled
