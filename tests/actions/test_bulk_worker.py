"""Bulk enforcement with a real Celery worker on Redis and PostgreSQL, killed with SIGKILL mid-batch.

The worker subprocess comes from tests/celery_worker.py, with the broker URL as a parameter so
one test can run its worker on a private redis-server it restarts.
"""

import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from kombu import Connection

from actions.bulk import NewAction, bulk_job_create
from actions.models import ActionKind, ActionStatus, BulkJob, BulkJobKind, BulkJobStatus, EnforcementAction
from actions.services import actions_requeue_stale
from actions.tasks import apply_action_chunk
from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.services import audit_chain_pending
from complaints.models import CaseState, Decision
from decisions.report_jobs import report_cases_decide, report_jobs_requeue_stale
from ipportal.celery import app as celery_app
from listings.models import Listing, ListingStatus
from review.claims import case_claim
from webhooks.models import WebhookEvent

from ..celery_worker import Worker, drop_queues, wait_for
from ..conftest import file_report, redis_reachable, require_service
from ..factories import ListingFactory, SuspensionFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

def _use_broker(url: str, queue: str):
    """Point this process's publisher at `url` and `queue`; returns a function that restores it."""
    conf = celery_app.conf
    # broker_write_url: conf.broker_url would lose to the CELERY_BROKER_URL environment variable.
    saved = conf.task_always_eager, conf.task_default_queue, conf.broker_write_url
    conf.task_always_eager, conf.task_default_queue, conf.broker_write_url = False, queue, url
    _forget_pools()
    with celery_app.connection_for_write() as conn:
        assert conn.as_uri() == Connection(url).as_uri()

    def restore():
        conf.task_always_eager, conf.task_default_queue, conf.broker_write_url = saved
        _forget_pools()
    return restore


def _forget_pools() -> None:
    # The app caches its connection and producer pools for the broker it first used; drop the
    # references (kombu keeps the pools per URL) so the next publish uses conf.broker_url.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def services_up():
    require_service(connection.vendor == "postgresql",
                    "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")
    url = settings.CELERY_BROKER_URL
    require_service(bool(url) and redis_reachable(url),
                    f"needs a reachable Redis broker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/5 (got {url!r})")
    return url


@pytest.fixture
def queue(services_up):
    name = f"test-bulk-{uuid.uuid4().hex[:12]}"
    restore = _use_broker(services_up, name)
    try:
        yield name
    finally:
        restore()
        drop_queues(services_up, name)


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(*, queue: str, broker: str, **options) -> Worker:
        worker = Worker(queue=queue, broker=broker, log_path=tmp_path / f"worker-{len(started)}.log", **options)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()
        print(f"--- worker log (exit {worker.proc.returncode}) ---\n{worker.log()[-5000:]}")


def _job(world, n: int, chunk_size: int) -> BulkJob:
    listings = ListingFactory.create_batch(n, seller=world.seller_a)
    suspension = SuspensionFactory(seller=world.seller_a)
    with transaction.atomic():  # published on commit
        return bulk_job_create(kind=BulkJobKind.SUSPEND, title="Suspend A", chunk_size=chunk_size, actions=[
            NewAction(listing_id=lst.pk, kind=ActionKind.SUPPRESS, idempotency_key=f"w:{lst.pk}",
                      suspension_id=suspension.pk)
            for lst in listings])


def _done(job) -> int:
    return EnforcementAction.objects.filter(bulk_job=job, status=ActionStatus.APPLIED).count()


def assert_applied_exactly_once(job) -> None:
    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == (BulkJobStatus.FINISHED, job.total, 0)
    actions = EnforcementAction.objects.filter(bulk_job=job)
    assert set(actions.values_list("status", "attempts")) == {(ActionStatus.APPLIED, 1)}
    listing_ids = list(actions.values_list("listing_id", flat=True))
    assert Listing.objects.filter(pk__in=listing_ids, status=ListingStatus.SUPPRESSED).count() == job.total
    # Every action recorded applied once, every listing changed once: no more, no less (the chunks'
    # entries list each takedown with its listing's change).
    rows = [row for data in AuditEntry.objects.filter(action="bulkjob.chunk_applied", target_id=job.pk)
            .values_list("data", flat=True) for row in data["applied"]]
    assert sorted(row[0] for row in rows) == sorted(actions.values_list("id", flat=True))
    assert sorted((row[1], row[2], row[3]) for row in rows) == sorted(
        (pk, ListingStatus.ACTIVE, ListingStatus.SUPPRESSED) for pk in listing_ids)
    assert WebhookEvent.objects.filter(action__bulk_job=job).count() == job.total
    audit_chain_pending()  # what the after-commit run links (tests never commit)
    assert audit_chain_verify()[1] is None


def test_a_worker_killed_mid_batch_again_and_again_applies_every_action_exactly_once(
        world, queue, workers, services_up, settings):
    settings.ENFORCEMENT_STALE_SECONDS = 0  # the sweep (run by hand here) re-publishes whatever is pending
    job = _job(world, 1200, chunk_size=40)
    kills, cut = [], []
    for round_ in range(1, 5):
        worker = workers(queue=queue, broker=services_up)
        target = min(job.total - 1, _done(job) + 60)
        wait_for(lambda: _done(job) >= target, what=f"progress before kill {round_}", worker=worker)  # noqa: B023
        worker.kill()  # SIGKILL: no warm shutdown, the running chunk's transaction is cut off
        kills.append(_done(job))
        log = worker.log()
        cut.append(log.count("apply_action_chunk[") - 2 * log.count(" succeeded in "))  # received, not finished
        actions_requeue_stale()  # the unacked message is not redelivered for an hour; the row is the truth
    assert all(0 < done < job.total for done in kills), kills  # every kill landed mid-batch
    assert any(n > 0 for n in cut), cut  # and at least one inside a chunk the worker had started
    worker = workers(queue=queue, broker=services_up)
    wait_for(lambda: BulkJob.objects.get(pk=job.pk).status == BulkJobStatus.FINISHED, what="the job", worker=worker)
    assert_applied_exactly_once(job)


def test_each_chunk_delivered_twice_changes_each_listing_once_with_one_event(world, queue, workers, services_up):
    job = _job(world, 200, chunk_size=50)  # 4 chunk messages on commit
    ids = list(job.actions.order_by("id").values_list("id", flat=True))
    for i in range(0, len(ids), 50):
        apply_action_chunk.delay(job.pk, ids[i], ids[min(i + 50, len(ids)) - 1])  # the duplicates
    # Two threads take both copies of a chunk at once; the action rows' locks make one wait.
    workers(queue=queue, broker=services_up, pool="threads", concurrency=2)
    wait_for(lambda: BulkJob.objects.get(pk=job.pk).status == BulkJobStatus.FINISHED, what="the job")
    assert_applied_exactly_once(job)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own (the shared one must not be restarted)."""

    def __init__(self, tmp_path: Path):
        self.port, self.dir = _free_port(), tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: redis_reachable(self.url), what="the private redis-server")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)  # a crash: nothing saved, every queued message lost
            self.proc.wait(timeout=10)


def test_a_redis_restart_mid_batch_loses_nothing(world, services_up, workers, tmp_path, settings):
    require_service(shutil.which("redis-server") is not None, "needs redis-server on PATH")
    settings.ENFORCEMENT_STALE_SECONDS = 0
    redis = PrivateRedis(tmp_path)
    redis.start()
    name = f"test-bulk-redis-{uuid.uuid4().hex[:8]}"
    restore = _use_broker(redis.url, name)
    try:
        job = _job(world, 1000, chunk_size=40)
        worker = workers(queue=name, broker=redis.url)
        wait_for(lambda: _done(job) >= 200, what="progress before the restart", worker=worker)
        redis.stop()
        lost_at = _done(job)
        time.sleep(0.5)
        redis.start()  # empty: the remaining chunk messages are gone
        assert lost_at < job.total
        # The worker reconnects by itself; the sweep (every few seconds, as beat would) re-publishes.
        end = time.monotonic() + 90
        while BulkJob.objects.get(pk=job.pk).status != BulkJobStatus.FINISHED and time.monotonic() < end:
            actions_requeue_stale()
            time.sleep(3)
        assert_applied_exactly_once(job)
    finally:
        restore()
        redis.stop()


def test_a_worker_killed_while_deciding_a_report_decides_and_enforces_each_case_exactly_once(
        world, queue, workers, services_up, settings, monkeypatch):
    settings.ENFORCEMENT_STALE_SECONDS = 0  # the sweep (run by hand here) re-publishes the stopped walk
    # Chunks of 100 (the job keeps its chunk size, so the worker walks it so): killed after the first.
    monkeypatch.setattr("decisions.report_jobs.CASES_PER_CHUNK", 100)
    listings = ListingFactory.create_batch(250, seller=world.seller_a)
    report = file_report(reporter=world.alice, right=world.tm_a, listings=listings)
    first = report.cases.order_by("id").first()
    with transaction.atomic():
        case_claim(case=first, reviewer=world.rev1)
    # Committed: the walk's message is published (the reviewer's own takedown's too).
    job = report_cases_decide(case=first, reviewer=world.rev1, reason_code="tm_counterfeit",
                              facts="Replica sold at 9.99.").job
    worker = workers(queue=queue, broker=services_up)
    wait_for(lambda: BulkJob.objects.get(pk=job.pk).cases_decided >= 100, what="the first chunk", worker=worker)
    worker.kill()  # SIGKILL, most likely inside the second chunk's transaction
    job.refresh_from_db()
    assert job.deciding and job.cases_decided < job.cases_total, (job.cases_decided, job.cases_total)
    assert report_jobs_requeue_stale() == 1  # the walk's unacked message is not redelivered for an hour
    actions_requeue_stale()  # nor are the chunk messages the killed worker had taken
    worker = workers(queue=queue, broker=services_up)
    wait_for(lambda: BulkJob.objects.get(pk=job.pk).status == BulkJobStatus.FINISHED, what="the job", worker=worker)
    job.refresh_from_db()
    assert (job.cases_decided, job.cases_skipped, job.total, job.done, job.failed) == (249, 0, 249, 249, 0)
    assert not report.cases.exclude(state=CaseState.ACTIONED).exists()
    per_case = set(Decision.objects.filter(case__report=report).values_list("case_id").annotate(n=Count("id"))
                   .values_list("n", flat=True))
    assert per_case == {1}  # nothing decided twice
    assert Listing.objects.filter(pk__in=[lst.pk for lst in listings], status=ListingStatus.REMOVED).count() == 250
    # Each listing changed once: the reviewer's own case alone (the listing's own entry), the other
    # 249 in the job's chunks (listed in each chunk's entry).
    alone = AuditEntry.objects.filter(target_type="listings.listing", action="listing.removed",
                                      target_id__in=[lst.pk for lst in listings])
    in_chunks = [row[1] for data in AuditEntry.objects.filter(action="bulkjob.chunk_applied", target_id=job.pk)
                 .values_list("data", flat=True) for row in data["applied"] if row[3] == "removed"]
    assert sorted([*alone.values_list("target_id", flat=True), *in_chunks]) == sorted(lst.pk for lst in listings)
    assert set(EnforcementAction.objects.filter(bulk_job=job).values_list("status", "attempts")) == {
        (ActionStatus.APPLIED, 1)}
    audit_chain_pending()
    assert audit_chain_verify()[1] is None
