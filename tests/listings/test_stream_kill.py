"""Nothing lost, nothing applied twice: real consumer processes (manage.py ingest_stream) against
the test PostgreSQL database and Redis, killed with SIGKILL mid-batch, and a Redis server of the
test's own killed and restarted under a running consumer.

Each listing gets several changes in order (titles "v0", "v1", …): a lost change leaves a listing
short of its last title or the applied count short; a change applied twice (or out of order)
leaves an older title or the applied count (IngestStreamOffset.applied, written with each batch)
above the number of changes sent. A few listings break a suppress-mode rule: each gets exactly one
automatic case and is suppressed.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import Sum

from complaints.models import Case, CaseSource
from listings.models import IngestStreamOffset, Listing, ListingStatus
from listings.stream import GROUP, StreamConsumer, stream_key, stream_publish
from registry.services import protection_rules_set

from ..celery_worker import PortalProcess
from ..conftest import redis_reachable, require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARTITIONS = 4
LISTINGS = 300
VERSIONS = 8
DEADLINE = 120.0


class Consumer(PortalProcess):
    """One `manage.py ingest_stream` process (tests.celery_worker.PortalProcess)."""

    stop_timeout = 20.0

    def __init__(self, *, redis_url: str, prefix: str, name: str, log_path: Path, batch: int = 50,
                 idle_exit: float | None = None):
        args = [sys.executable, "manage.py", "ingest_stream", "--redis", redis_url, "--prefix", prefix,
                "--partitions", str(PARTITIONS), "--name", name, "--batch", str(batch), "--lease-ms", "1500"]
        if idle_exit is not None:
            args += ["--idle-exit", str(idle_exit)]
        super().__init__(args=args, log_path=log_path, env={"CELERY_BROKER_URL": ""})


def wait_for(predicate, *, what: str, consumers=(), timeout: float = DEADLINE) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.02)
    logs = "\n".join(c.log()[-3000:] for c in consumers)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{logs}")


def applied() -> int:
    return IngestStreamOffset.objects.aggregate(n=Sum("applied"))["n"] or 0


def changes(world) -> list[dict]:
    """VERSIONS changes of each listing, interleaved (v0 of all, then v1 of all, …); every 20th
    listing is an ACME lamp shipped from outside the brand's countries."""
    out = []
    for v in range(VERSIONS):
        for i in range(LISTINGS):
            title = f"ACME lamp {i} v{v}" if i % 20 == 0 else f"Lamp {i} v{v}"
            out.append({"external_id": f"K-{i}", "seller_external_id": world.seller_b.external_id, "title": title,
                        "ships_from": "CN" if i % 20 == 0 else "DE", "price": f"{10 + v}.00"})
    return out


def assert_each_change_applied_once(world) -> None:
    assert applied() == LISTINGS * VERSIONS
    titles = dict(Listing.objects.filter(external_id__startswith="K-").values_list("external_id", "title"))
    assert len(titles) == LISTINGS
    wrong = {ext: t for ext, t in titles.items() if not t.endswith(f" v{VERSIONS - 1}")}
    assert wrong == {}
    violating = Listing.objects.filter(external_id__startswith="K-", title__startswith="ACME")
    assert violating.count() == LISTINGS // 20
    assert set(violating.values_list("status", flat=True)) == {ListingStatus.SUPPRESSED}
    assert Case.objects.filter(listing__in=violating, source=CaseSource.AUTOMATIC).count() == LISTINGS // 20


def pending(client, prefix: str) -> int:
    return sum(client.xpending(stream_key(prefix, p), GROUP)["pending"] for p in range(PARTITIONS))


@pytest.fixture
def protected(world):
    require_service(connection.vendor == "postgresql",
                    "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")
    protection_rules_set(brand=world.brand_a, by=world.alice, countries=["DE"], countries_mode="suppress",
                         sellers=[], sellers_mode="flag", extra_terms=[], misspellings=[])
    return world


@pytest.fixture
def shared_redis():
    url = settings.CELERY_BROKER_URL
    require_service(bool(url) and url.startswith("redis") and redis_reachable(url),
                    f"needs a reachable Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/5 (got {url!r})")
    prefix = f"test-ingest-{uuid.uuid4().hex[:10]}"
    client = redis.Redis.from_url(url)
    yield url, prefix, client
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def die_after_commit(client, prefix: str) -> None:
    """A consumer in this process that dies in the two windows a SIGKILL can hit: one batch
    applied and committed but not acknowledged (killed before XACK), and one read and never
    applied (killed mid-batch). Its leases lapse after 1.5 s."""
    dead = StreamConsumer(client, partitions=PARTITIONS, prefix=prefix, name="dead", batch=30, lease_ms=1500)
    dead.ensure_groups()
    dead.rebalance()
    read = dead.read()
    assert sum(map(len, read.values())) > 0
    dead.client = None  # its XACK never happens: the process is gone
    with pytest.raises(AttributeError):
        dead.apply(read)
    assert applied() == sum(map(len, read.values()))  # committed
    dead.client = client
    assert sum(map(len, dead.read().values())) > 0  # read, never applied


def test_a_consumer_killed_mid_batch_loses_nothing_and_applies_nothing_twice(protected, shared_redis, tmp_path):
    url, prefix, client = shared_redis
    stream_publish(client, changes(protected), partitions=PARTITIONS, prefix=prefix)
    die_after_commit(client, prefix)
    first = Consumer(redis_url=url, prefix=prefix, name="first", log_path=tmp_path / "first.log", batch=40)
    try:
        # Killed while it holds entries read and not acknowledged: mid-batch (the batch in flight
        # is rolled back; its entries stay pending for the next owner of their partitions).
        start = applied()
        wait_for(lambda: applied() > start and pending(client, prefix) > 0, what="the first consumer to be mid-batch",
                 consumers=[first])
        first.kill()
        assert applied() < LISTINGS * VERSIONS, "the first consumer finished before it could be killed"
        second = Consumer(redis_url=url, prefix=prefix, name="second", log_path=tmp_path / "second.log",
                          batch=40, idle_exit=6)
        try:
            # Its leases lapse (1.5 s); the second takes the partitions and claims its pending entries.
            second.proc.wait(timeout=DEADLINE)
            assert second.proc.returncode == 0, second.log()
        finally:
            second.stop()
    finally:
        if first.proc.poll() is None:
            first.kill()
    assert_each_change_applied_once(protected)
    assert pending(client, prefix) == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own (the shared one cannot be restarted), with an append-only
    file synced on every write: what docs/ingest.md asks of the streams' Redis."""

    def __init__(self, tmp_path: Path):
        self.port = _free_port()
        self.dir = tmp_path / "redis"
        self.dir.mkdir()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.dir),
                        "--pidfile", str(self.dir / "redis.pid"), "--daemonize", "yes"], check=True)
        wait_for(lambda: redis_reachable(self.url), what="redis-server to listen")
        wait_for(self._answers, what="redis-server to load its append-only file")

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url).ping()
        except redis.exceptions.RedisError:
            return False

    def kill(self) -> None:
        pid = int((self.dir / "redis.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not redis_reachable(self.url), what="redis-server to die")
        (self.dir / "redis.pid").unlink(missing_ok=True)


@pytest.fixture
def own_redis(tmp_path):
    require_service(shutil.which("redis-server") is not None,
                    "needs redis-server on PATH (apt-get install redis-server)")
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    if (server.dir / "redis.pid").exists():
        server.kill()


def test_a_redis_restart_under_a_running_consumer_loses_nothing_and_applies_nothing_twice(protected, own_redis,
                                                                                          tmp_path):
    prefix = "ipportal:listings"
    sent = changes(protected)
    half = len(sent) // 2
    client = redis.Redis.from_url(own_redis.url)
    stream_publish(client, sent[:half], partitions=PARTITIONS, prefix=prefix)
    # A consumer reads a batch; Redis dies; the batch commits and its XACK fails.
    early = StreamConsumer(client, partitions=PARTITIONS, prefix=prefix, name="early", batch=30, lease_ms=1500)
    early.ensure_groups()
    early.rebalance()
    read = early.read()
    own_redis.kill()  # SIGKILL: no shutdown save; the append-only file is all that survives
    with pytest.raises(redis.exceptions.ConnectionError):
        early.apply(read)
    assert applied() == sum(map(len, read.values())) > 0
    own_redis.start()
    consumer = Consumer(redis_url=own_redis.url, prefix=prefix, name="steady", log_path=tmp_path / "c.log", batch=40)
    try:
        # And again under a running consumer process.
        wait_for(lambda: applied() > half // 2, what="the consumer to apply batches", consumers=[consumer])
        own_redis.kill()
        time.sleep(1.5)  # the consumer meets the outage
        own_redis.start()
        client = redis.Redis.from_url(own_redis.url)
        stream_publish(client, sent[half:], partitions=PARTITIONS, prefix=prefix)
        wait_for(lambda: applied() >= LISTINGS * VERSIONS and pending(client, prefix) == 0,
                 what="the consumer to apply every change after the restart", consumers=[consumer])
        assert consumer.proc.poll() is None, consumer.log()
    finally:
        consumer.stop()
    assert_each_change_applied_once(protected)
