"""A real Celery worker, in its own process, applies takedowns and reinstatements.

The worker talks to the same Redis broker and to the *test* PostgreSQL database, so the test's
rows must be committed (transaction=True). Each test gets its own queue, so a worker started by
another session on the same Redis never steals our messages and we never steal theirs.
"""

import json
import time
import uuid

import pytest
import redis
from django.conf import settings
from django.db import connection
from kombu import Connection

from actions.models import ActionKind, ActionStatus, EnforcementAction
from actions.services import actions_requeue_stale
from actions.tasks import apply_action
from appeals.services import appeal_decide, appeal_file
from audit.models import AuditEntry
from complaints.models import CaseState
from ipportal.celery import app as celery_app
from listings.models import ListingStatus

from ..celery_worker import Worker, drop_queues, lane_queues, wait_for
from ..conftest import claim_and_remove, file_report, redis_reachable, require_service

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

def action_status(action: EnforcementAction) -> str:
    return EnforcementAction.objects.values_list("status", flat=True).get(pk=action.pk)


@pytest.fixture
def queue():
    """A queue of our own on the real broker; the test process publishes to it, not eagerly."""
    require_service(connection.vendor == "postgresql",
                    "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")
    url = settings.CELERY_BROKER_URL
    require_service(bool(url) and redis_reachable(url),
                    f"needs a reachable Redis broker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/5 (got {url!r})")
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    name = f"test-worker-{uuid.uuid4().hex[:12]}"
    conf.task_always_eager = False
    conf.task_default_queue = name
    with celery_app.connection_for_write() as conn:
        # The test's publisher must be the broker the worker reads, not a default or in-memory one.
        assert conn.as_uri() == Connection(url).as_uri()
    try:
        yield name
    finally:
        conf.task_always_eager, conf.task_default_queue = saved
        drop_queues(url, name)


def queued(name: str, task: str = "enforcement.tasks.apply_action") -> int:
    """Messages of one task waiting on the queue. The broker is Redis: a queue is a list of JSON
    messages whose headers name the task. Other tasks (emails, confirmations) are not counted."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        return sum(json.loads(raw)["headers"]["task"] == task
                   for queue in lane_queues(name) for raw in client.lrange(queue, 0, -1))
    finally:
        client.close()


def purge(name: str) -> None:
    with Connection(settings.CELERY_BROKER_URL) as conn:
        for queue in lane_queues(name):
            conn.default_channel.queue_purge(queue)


@pytest.fixture
def start_worker(queue, tmp_path):
    workers: list[Worker] = []

    def start(**options) -> Worker:
        worker = Worker(queue=queue, log_path=tmp_path / f"worker-{len(workers)}.log", **options)
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()
        # Shown by pytest only when the test failed.
        print(f"--- log of worker on {queue} (exit {worker.proc.returncode}) ---\n{worker.log()}")


def test_a_real_worker_applies_the_takedown_and_then_the_reinstatement(start_worker, world):
    worker = start_worker()
    listing = world.listings_a[0]
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[listing]).cases.get()

    claim_and_remove(case=case, reviewer=world.rev1)  # the decision's on_commit publishes apply_action
    removal = case.actions.get(kind=ActionKind.REMOVE)
    wait_for(lambda: action_status(removal) == ActionStatus.APPLIED, what="the takedown", worker=worker)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED

    appeal = appeal_file(case=case, user=world.sam, statement="Genuine goods; invoice attached.")
    appeal_decide(appeal=appeal, senior=world.senior2, reason_code="appeal_genuine_goods", facts="Invoice shown.")
    reinstatement = case.actions.get(kind=ActionKind.REINSTATE)
    wait_for(lambda: action_status(reinstatement) == ActionStatus.APPLIED, what="the reinstatement",
             worker=worker)
    listing.refresh_from_db()
    case.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    assert case.state == CaseState.REINSTATED
    # Both were applied by the worker process, not eagerly in this one.
    assert worker.results() == ["True", "True"]


def test_a_lost_message_delays_but_never_loses_a_takedown(queue, start_worker, world, settings):
    settings.ENFORCEMENT_STALE_SECONDS = 0
    listing = world.listings_a[0]
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[listing]).cases.get()

    claim_and_remove(case=case, reviewer=world.rev1)  # no worker yet: the message waits on the broker
    action = case.actions.get()
    assert queued(queue) == 1  # the takedown (the e-mails queued beside it are not counted)
    purge(queue)  # ... and is lost (a broker restarted without persistence, a purged queue)

    worker = start_worker()
    time.sleep(1.0)  # a running worker with no message does nothing: the takedown is delayed
    assert action_status(action) == ActionStatus.PENDING
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE

    assert actions_requeue_stale() == 1  # the periodic sweep finds the pending row and re-publishes
    wait_for(lambda: action_status(action) == ActionStatus.APPLIED, what="the re-queued takedown",
             worker=worker)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED


def test_the_sweep_leaves_fresh_and_applied_actions_alone(queue, world, settings):
    settings.ENFORCEMENT_STALE_SECONDS = 3600
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()
    claim_and_remove(case=case, reviewer=world.rev1)
    purge(queue)

    assert actions_requeue_stale() == 0  # pending, but not stale yet
    assert queued(queue) == 0


def test_a_message_delivered_twice_applies_the_takedown_once(queue, start_worker, world):
    listing = world.listings_a[0]
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[listing]).cases.get()
    claim_and_remove(case=case, reviewer=world.rev1)  # first message
    action = case.actions.get()
    apply_action.delay(action.pk)  # the duplicate, as after a redelivery
    assert queued(queue) == 2  # the takedown and its duplicate

    # Two threads take both messages at once; the action's row lock makes one of them wait.
    worker = start_worker(pool="threads", concurrency=2)
    wait_for(lambda: len(worker.finished()) == 2, what="both deliveries to be processed", worker=worker)

    action.refresh_from_db()
    listing.refresh_from_db()
    assert action.status == ActionStatus.APPLIED
    assert action.attempts == 1
    assert listing.status == ListingStatus.REMOVED
    assert sorted(worker.results()) == ["False", "True"]  # the second delivery found nothing to do
    removals = AuditEntry.objects.filter(target_type="listings.listing", target_id=listing.pk,
                                         action=f"listing.{ListingStatus.REMOVED}")
    assert removals.count() == 1
    assert AuditEntry.objects.filter(target_type="enforcement.enforcementaction", target_id=action.pk,
                                     action=f"enforcementaction.{ActionStatus.APPLIED}").count() == 1
