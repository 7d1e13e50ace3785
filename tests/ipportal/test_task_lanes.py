"""Lanes: each task goes to the queue of its lane (settings.TASK_LANES, ipportal.celery.route_to_lane),
so a backlog of e-mail never delays a takedown; the Procfile runs a worker per lane, and a worker
started without -Q (the embedded worker, `make worker`, the tests' real worker) consumes them all."""

import re
from pathlib import Path

from celery import current_app
from django.conf import settings

from ipportal.celery import all_queues, app, lane_of, route_to_lane

from ..celery_worker import lane_queues
from .test_task_names import TASK_NAMES, registered

REPO = Path(__file__).resolve().parents[2]
LANES = {"rules", "enforcement", "notifications", "housekeeping"}


def test_every_registered_task_is_routed_to_a_known_lane_queue():
    tasks = registered()
    assert tasks == TASK_NAMES
    unrouted = sorted(name for name in tasks if lane_of(name) is None)
    assert unrouted == [], f"tasks no lane names (settings.TASK_LANES): {unrouted}"
    known = set(all_queues("ipportal"))
    for name in tasks:
        queue = app.amqp.router.route({}, name)["queue"].name
        assert queue in known and queue != "ipportal", name


def test_each_task_is_in_one_lane_and_every_name_in_a_lane_is_a_task():
    named = [name for names in settings.TASK_LANES.values() for name in names]
    assert len(named) == len(set(named))
    assert set(named) <= registered()
    assert set(settings.TASK_LANES) == LANES


def test_work_that_cannot_wait_is_not_in_the_lanes_that_can():
    assert lane_of("enforcement.tasks.apply_action") == lane_of("enforcement.tasks.apply_action_chunk") == "enforcement"
    assert lane_of("enforcement.tasks.decide_report_cases") == "enforcement"
    assert lane_of("monitoring.tasks.check_listings") == "rules"
    assert lane_of("enforcement.tasks.send_notification") == "notifications"
    assert lane_of("enforcement.webhooks.tasks.deliver_webhook") == "notifications"
    assert lane_of("audit.tasks.link_pending_entries") == "housekeeping"
    assert lane_of("transparency.tasks.compute_snapshots") == "housekeeping"


def test_the_lane_queue_follows_the_default_queue_when_published():
    conf = current_app.conf
    saved = conf.task_default_queue
    try:
        conf.task_default_queue = "test-lanes-abc"
        assert route_to_lane("enforcement.tasks.apply_action", (), {}, {}) == {"queue": "test-lanes-abc.enforcement"}
        assert route_to_lane("enforcement.tasks.send_notification", (), {}, {}) == {
            "queue": "test-lanes-abc.notifications"}
        assert route_to_lane("not.a.task", (), {}, {}) is None
    finally:
        conf.task_default_queue = saved


def test_a_worker_without_q_consumes_the_default_queue_and_every_lane():
    consumed = [q.name for q in settings.CELERY_TASK_QUEUES]
    assert consumed == ["ipportal", "ipportal.rules", "ipportal.enforcement", "ipportal.notifications",
                        "ipportal.housekeeping"]
    # The tests' real worker (tests/celery_worker.py, run by .ci/run) consumes the same set for its queue.
    assert lane_queues("test-q") == ["test-q", "test-q.rules", "test-q.enforcement", "test-q.notifications",
                                     "test-q.housekeeping"]


def _worker_queues(line: str) -> list[str]:
    match = re.search(r"-Q (\S+)", line)
    return match.group(1).replace("${CELERY_QUEUE:-ipportal}", "ipportal").split(",") if match else []


def test_the_procfile_runs_one_worker_per_lane_and_one_takes_the_default_queue():
    lines = dict(line.split(": ", 1) for line in (REPO / "Procfile").read_text().splitlines() if line.strip())
    workers = {name: _worker_queues(cmd) for name, cmd in lines.items() if " worker " in cmd}
    assert set(workers) == LANES
    consumed = [q for queues in workers.values() for q in queues]
    assert sorted(consumed) == sorted(all_queues("ipportal"))  # every queue, each by one worker
    for lane, queues in workers.items():
        assert f"ipportal.{lane}" in queues
    assert "ipportal" in workers["housekeeping"]


def test_the_embedded_worker_consumes_every_queue():
    embedded = [line for line in (REPO / "Procfile.embedded").read_text().splitlines() if line.startswith("worker:")]
    assert len(embedded) == 1 and " -Q " not in embedded[0]  # no -Q: CELERY_TASK_QUEUES, all of them
