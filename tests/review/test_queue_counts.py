"""The queue's per-filter counts: beat recounts the backlog into the shared cache
(review.queue.queue_counts_refresh); a page only reads them. A page that finds none (a fresh start,
an eviction) does not count the backlog: it says the counts are updating and queues one refresh."""

import re
from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from review import queue as review_queue
from review.claims import case_claim
from review.queue import queue_counts_refresh

from ..conftest import file_report
from ..factories import ListingFactory

QUEUE = "/review/"


def _lane_any(response) -> int | None:
    match = re.search(r'data-facet="lane">Any <span class="n">([\d,]+)</span>', response.content.decode())
    return int(match.group(1).replace(",", "")) if match else None


def _backlog_counted(queries) -> bool:
    """Whether one of the queries is the grouped count of the whole backlog (not one user's claims)."""
    return any("GROUP BY" in q["sql"] and "claimed_by_id" not in q["sql"] for q in queries)


def test_a_page_without_counts_says_they_are_updating_and_queues_one_refresh(world, client):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory() for _ in range(3)])
    client.force_login(world.rev1)
    with mock.patch.object(review_queue, "enqueue") as enqueue, CaptureQueriesContext(connection) as queries:
        first = client.get(QUEUE)
        second = client.get(QUEUE)
    assert first.status_code == second.status_code == 200
    html = first.content.decode()
    assert "Counts updating" in html and _lane_any(first) is None  # no number rather than a wrong one
    assert len(re.findall(r"data-case=", html)) == 3  # the rows themselves are listed
    assert not _backlog_counted(queries.captured_queries)
    enqueue.assert_called_once_with("review.tasks.refresh_queue_counts")  # two pages, one refresh queued
    # The refresh (the housekeeping worker) runs: the next page has the counts.
    assert queue_counts_refresh() > 0
    with CaptureQueriesContext(connection) as queries:
        third = client.get(QUEUE)
    assert "Counts updating" not in third.content.decode() and _lane_any(third) == report.cases.count() == 3
    assert not _backlog_counted(queries.captured_queries)


def test_counts_stay_until_the_next_refresh_and_say_their_age(world, client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory()])
    queue_counts_refresh()
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory()])
    time_machine.shift(timedelta(seconds=settings.REVIEW_QUEUE_COUNTS_SECONDS * 4))
    client.force_login(world.rev1)
    with mock.patch.object(review_queue, "enqueue") as enqueue:
        response = client.get(QUEUE)
    assert _lane_any(response) == 1  # as counted, not recounted by the page
    assert f"counts as of {settings.REVIEW_QUEUE_COUNTS_SECONDS * 4} s ago" in response.content.decode()
    enqueue.assert_not_called()  # beat refreshes them, not the page
    queue_counts_refresh()
    assert _lane_any(client.get(QUEUE)) == 2


def test_counts_older_than_kept_are_updating_again(world, client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory()])
    queue_counts_refresh()
    time_machine.shift(timedelta(seconds=settings.REVIEW_QUEUE_COUNTS_KEEP_SECONDS + 1))
    client.force_login(world.rev1)
    with mock.patch.object(review_queue, "enqueue") as enqueue:
        response = client.get(QUEUE)
    assert "Counts updating" in response.content.decode()
    enqueue.assert_called_once()


def test_the_own_claims_are_counted_live_even_while_updating(world, client):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory() for _ in range(2)])
    case_claim(case=report.cases.first(), reviewer=world.rev1)
    client.force_login(world.rev1)
    with mock.patch.object(review_queue, "enqueue"):
        html = client.get(QUEUE).content.decode()
    assert re.search(r'data-facet="mine">Assigned to me <span class="n">1</span>', html)


def test_with_tasks_in_process_the_page_counts_through_the_refresh_task(world, client):
    """No worker (tests, a bare runserver): the refresh runs in-process, there being no one else."""
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory() for _ in range(2)])
    client.force_login(world.rev1)
    response = client.get(QUEUE)
    assert _lane_any(response) == 2 and "Counts updating" not in response.content.decode()


def test_a_broker_outage_leaves_the_page_up(world, client):
    client.force_login(world.rev1)
    with mock.patch.object(review_queue, "enqueue", side_effect=ConnectionError("broker down")) as enqueue:
        assert client.get(QUEUE).status_code == 200
        assert client.get(QUEUE).status_code == 200
    assert enqueue.call_count == 2  # not marked queued: the next page tries again


def test_beat_refreshes_the_counts_on_the_housekeeping_lane():
    from ipportal.celery import lane_of

    entry = settings.CELERY_BEAT_SCHEDULE["refresh-review-queue-counts"]
    assert entry["task"] == "review.tasks.refresh_queue_counts"
    assert entry["schedule"] == settings.REVIEW_QUEUE_COUNTS_SECONDS
    assert lane_of(entry["task"]) == "housekeeping"


def test_only_reviewers_see_the_queue(world, client):
    client.force_login(world.alice)
    with mock.patch.object(review_queue, "enqueue") as enqueue:
        assert client.get(QUEUE).status_code == 403
    enqueue.assert_not_called()


def test_a_process_that_tallied_a_refresh_reads_only_its_stamp_until_the_next(world, client):
    """The groups (thousands at a million cases) are read back once per refresh and filter in a
    process: later pages read the refresh's few-byte stamp, and still show the refresh's counts."""
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory() for _ in range(2)])
    queue_counts_refresh()
    client.force_login(world.rev1)
    assert _lane_any(client.get(QUEUE)) == 2
    read = []
    get = review_queue.cache.get

    def recording(key, *args, **kwargs):
        read.append(key)
        return get(key, *args, **kwargs)

    with mock.patch.object(review_queue.cache, "get", side_effect=recording):
        assert _lane_any(client.get(QUEUE)) == 2
        assert review_queue._FACET_STAMP_KEY in read and review_queue._FACET_CACHE_KEY not in read
        # "Assigned to me" counts the own claims live: no groups read either.
        assert client.get(QUEUE, {"mine": "1"}).status_code == 200
        assert review_queue._FACET_CACHE_KEY not in read
        # Another filter: tallied from the groups, read once more.
        assert client.get(QUEUE, {"lane": "1"}).status_code == 200
        assert read.count(review_queue._FACET_CACHE_KEY) == 1
        # The next refresh: its new counts, from its groups.
        file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory()])
        queue_counts_refresh()
        read.clear()
        assert _lane_any(client.get(QUEUE)) == 3
        assert review_queue._FACET_CACHE_KEY in read
