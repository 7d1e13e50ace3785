"""A real `celery worker` subprocess for tests that need one (marked `worker`), against the test
database and a Redis broker. Shared by the enforcement and monitoring worker tests."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[1]
DEADLINE = 120.0  # seconds; a bound, not a pace: CI machines can be slow
APPLY_ACTION = "Task enforcement.tasks.apply_action["


def worker_database_url() -> str:
    """The URL of the database pytest-django created, for the worker process to use."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def lane_queues(queue: str) -> list[str]:
    """`queue` and each lane's queue named after it (ipportal.celery.all_queues): where a test that
    points the default queue at `queue` sends its messages."""
    from ipportal.celery import all_queues

    return all_queues(queue)


def drop_queues(url: str, queue: str) -> None:
    """Delete `queue`, its lanes' queues and their routing tables from the broker."""
    from kombu import Connection

    with Connection(url) as conn:
        channel = conn.default_channel
        for name in lane_queues(queue):
            channel.queue_delete(name)
            # kombu keeps a queue's routing table in Redis after the queue is gone
            channel.client.delete(f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


class PortalProcess:
    """A process of the portal's (a worker, a stream consumer) against the test database, run from
    the repository with `args`, its output in a log file; `env` adds to or overrides the
    environment (the database is pytest-django's)."""

    stop_timeout = 15.0

    def __init__(self, *, args: list[str], log_path: Path, env: dict[str, str]):
        self.log_path = log_path
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ipportal.settings", "DATABASE_URL": worker_database_url(),
               "PYTHONUNBUFFERED": "1", **env}
        self._log = open(log_path, "wb")  # closed in stop() or kill()
        self.proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


class Worker(PortalProcess):
    """One worker consuming `queue` and every lane's queue named after it (as `celery worker`
    without -Q does, and .ci/run's tests need: the tasks they send go to several lanes), its
    output in a log file."""

    def __init__(self, *, queue: str, log_path: Path, broker: str | None = None, pool: str = "solo",
                 concurrency: int = 1):
        super().__init__(
            args=[sys.executable, "-m", "celery", "-A", "ipportal", "worker", f"--pool={pool}",
                  f"--concurrency={concurrency}", "-Q", ",".join(lane_queues(queue)),
                  "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h",
                  "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            log_path=log_path, env={"CELERY_BROKER_URL": broker or settings.CELERY_BROKER_URL, "CELERY_QUEUE": queue})

    def wait_ready(self) -> None:
        wait_for(lambda: " ready." in self.log(), what="the worker to be ready", worker=self)

    def finished(self, task: str = APPLY_ACTION) -> list[str]:
        """The log lines of runs of `task` that ended, in order: '... succeeded in 0.01s: True'
        or '... raised unexpected: IllegalTransition(...)'."""
        return [line for line in self.log().splitlines()
                if task in line and (" succeeded in " in line or " raised unexpected: " in line)]

    def results(self, task: str = APPLY_ACTION) -> list[str]:
        return [line.split(" succeeded in ", 1)[1].rsplit(": ", 1)[-1] if " succeeded in " in line
                else line.split(" raised unexpected: ", 1)[1] for line in self.finished(task)]


def wait_for(predicate, *, what: str, worker: Worker | None = None, timeout: float = DEADLINE) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        if worker is not None and worker.proc.poll() is not None:
            pytest.fail(f"worker exited with {worker.proc.returncode} while waiting for {what}:\n{worker.log()}")
        time.sleep(0.02)
    log = f"\nworker log:\n{worker.log()}" if worker is not None else ""
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}{log}")
