"""Embedded mode's worker: with EMBEDDED_WORKER=1 and no CELERY_BROKER_URL, tasks go through
Kombu's filesystem transport to a real worker, and beat's periodic tasks run (Procfile.embedded,
started by `make run`). Without it tasks run eagerly, as tests and manage.py commands expect.

Each check runs in processes of its own (settings are read once per process): the round trip
starts the worker and beat lines of Procfile.embedded as written, against a temporary file SQLite
database and a temporary broker folder, and waits a bounded time for each step."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from audit.models import AuditEntry

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 90.0  # seconds for each step; a bound, not a pace


def embedded_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This process's environment without a broker (CI sets one), on a file database under tmp_path."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"CELERY_BROKER_URL", "EMBEDDED_WORKER", "EMBEDDED_WORKER_DIR"}}
    return {**env, "DJANGO_SETTINGS_MODULE": "ipportal.settings", "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "EMBEDDED_WORKER_DIR": str(tmp_path / "embedded"), **extra}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=DEADLINE)


CELERY_CONF = """
import json, django
django.setup()
from django.conf import settings
from ipportal.celery import app
print(json.dumps({"broker": app.conf.broker_url, "eager": app.conf.task_always_eager,
                  "options": app.conf.broker_transport_options, "schedule": app.conf.beat_schedule_filename,
                  "link_after_commit": settings.AUDIT_LINK_AFTER_COMMIT}))
"""


def test_embedded_worker_mode_sends_tasks_to_files_under_its_folder(tmp_path):
    done = run_python(CELERY_CONF, embedded_env(tmp_path, EMBEDDED_WORKER="1"))
    assert done.returncode == 0, done.stderr
    conf = json.loads(done.stdout)
    folder = str(tmp_path / "embedded")
    assert conf["broker"].startswith("filesystem://") and conf["eager"] is False
    assert conf["options"]["data_folder_in"] == conf["options"]["data_folder_out"] == f"{folder}/broker"
    assert conf["options"]["control_folder"] == f"{folder}/control"
    assert conf["schedule"] == f"{folder}/celerybeat-schedule"
    assert conf["link_after_commit"] is False  # beat links the audit chain, as with Redis
    assert (tmp_path / "embedded" / "broker").is_dir() and (tmp_path / "embedded" / "control").is_dir()


def test_without_the_embedded_worker_tasks_run_eagerly(tmp_path):
    done = run_python(CELERY_CONF, embedded_env(tmp_path))
    assert done.returncode == 0, done.stderr
    conf = json.loads(done.stdout)
    assert conf["eager"] is True and conf["link_after_commit"] is True
    assert not (tmp_path / "embedded").exists()


def test_the_embedded_worker_refuses_a_broker_url_too(tmp_path):
    done = run_python(CELERY_CONF, embedded_env(tmp_path, EMBEDDED_WORKER="1",
                                                CELERY_BROKER_URL="redis://127.0.0.1:6379/0"))
    assert done.returncode != 0 and "EMBEDDED_WORKER is for embedded mode" in done.stderr


def procfile_lines() -> dict[str, str]:
    lines = (REPO / "Procfile.embedded").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


class Process:
    """One line of Procfile.embedded run by the shell as honcho runs it, in its own process group."""

    def __init__(self, name: str, command: str, env: dict[str, str], tmp_path: Path):
        self.name, self.log_path = name, tmp_path / f"{name}.log"
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.proc = subprocess.Popen(["/bin/sh", "-c", command], cwd=REPO, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()


def wait_for(predicate, *, what: str, processes: list[Process]) -> None:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if predicate():
            return
        for process in processes:
            if process.proc.poll() is not None:
                pytest.fail(f"{process.name} exited with {process.proc.returncode} while waiting for {what}:\n"
                            f"{process.log()}")
        time.sleep(0.1)
    logs = "\n".join(f"--- {p.name}\n{p.log()}" for p in processes)
    pytest.fail(f"timed out after {DEADLINE:.0f}s waiting for {what}\n{logs}")


PUBLISH = """
import django
django.setup()
from django.db import transaction
from audit.services import AuditTarget, audit_append
from common.dispatch import task
with transaction.atomic():  # left unlinked: beat's link-pending-audit-entries links it
    audit_append(actor=None, action="embedded.ping", target=AuditTarget("embedded.test", 1, "embedded worker test"))
task("enforcement.tasks.requeue_stale_actions").apply_async(task_id="{task_id}")
"""


@pytest.mark.timeout(300)
def test_a_task_sent_goes_through_the_worker_and_beat_fires(tmp_path):
    env = embedded_env(tmp_path, AUDIT_LINK_SECONDS="1")
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=240)
    assert migrated.returncode == 0, migrated.stderr
    lines = procfile_lines()
    processes = [Process(name, lines[name], env, tmp_path) for name in ("worker", "beat")]
    try:
        worker, beat = processes
        wait_for(lambda: " ready." in worker.log(), what="the worker to be ready", processes=processes)
        task_id = f"embedded-{uuid.uuid4().hex}"
        sent = run_python(PUBLISH.replace("{task_id}", task_id), {**env, "EMBEDDED_WORKER": "1"})
        assert sent.returncode == 0, sent.stderr

        # The message went to a file and the worker, another process, ran it.
        wait_for(lambda: f"[{task_id}] succeeded" in worker.log(), what="the worker to run the task sent",
                 processes=processes)

        # Beat sent link-pending-audit-entries on its own; the worker linked the entry into the chain.
        def linked() -> bool:
            with closing(sqlite3.connect(tmp_path / "db.sqlite3", timeout=10)) as db:
                row = db.execute(f"SELECT seq FROM {AuditEntry._meta.db_table} "
                                 "WHERE action = 'embedded.ping'").fetchone()
            return row is not None and row[0] is not None

        wait_for(linked, what="beat's audit linking to run in the worker", processes=processes)
        assert "Sending due task link-pending-audit-entries" in beat.log()
        assert list((tmp_path / "embedded").glob("celerybeat-schedule*"))  # its state, under the folder
    finally:
        for process in processes:
            process.stop()
