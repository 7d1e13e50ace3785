"""The queue-health page: backlog by age, decisions per day, median time to decision, overdue."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.models import Case, CaseState
from registry.models import RightStatus
from review.selectors import queue_health

from ..conftest import claim_and_remove, file_report
from ..factories import ListingFactory, TrademarkFactory
from ..views import assert_login_redirect

HEALTH = "/review/health/"


@pytest.fixture
def history(world, time_machine):
    """Now is day 0 at noon. Decided: two cases on day -3 (after 2 h and 6 h), one on day -1
    (after 10 h), one 20 days ago (outside the window). Undecided: 3 open over 7 days old,
    1 open 1 hour old, 1 waiting for information 2 days old."""
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    pending = TrademarkFactory(brand=world.brand_a, status=RightStatus.PENDING)

    def opened(at, right=None):
        time_machine.move_to(at, tick=False)
        return file_report(reporter=world.alice, right=right or world.tm_a, listings=[ListingFactory()]).cases.get()

    def decided(opened_at, hours):
        case = opened(opened_at)
        time_machine.move_to(opened_at + timedelta(hours=hours), tick=False)
        claim_and_remove(case=case, reviewer=world.rev1)

    decided(noon - timedelta(days=20), 1)
    decided(noon - timedelta(days=3, hours=4), 2)
    decided(noon - timedelta(days=3, hours=8), 6)
    decided(noon - timedelta(days=1, hours=11), 10)
    for days in (8, 9):
        opened(noon - timedelta(days=days))
    opened(noon - timedelta(days=10), right=pending)
    opened(noon - timedelta(hours=1))
    waiting = opened(noon - timedelta(days=2))
    Case.objects.filter(pk=waiting.pk).update(state=CaseState.NEEDS_INFO)
    time_machine.move_to(noon, tick=False)
    return noon


def test_the_numbers_on_known_data(world, history):
    health = queue_health(user=world.rev1)
    assert health.backlog == 5
    assert dict(health.backlog_by_age) == {"Under 4 hours": 1, "4–24 hours": 0, "1–3 days": 1, "3–7 days": 0,
                                           "Over 7 days": 3}
    assert health.overdue == 3  # the waiting case's clock is paused; the 1-hour-old one is within SLA
    assert [(lane["label"], lane["backlog"], lane["overdue"]) for lane in health.lanes] == [
        ("Trusted / good faith", 0, 0), ("Verified right", 4, 2), ("Other", 1, 1),
        ("Unregistered right", 0, 0)]
    per_day = dict(health.decided_per_day)
    assert len(per_day) == 14 and health.decided_total == 3
    today = timezone.localdate(history)
    assert per_day[today - timedelta(days=3)] == 2 and per_day[today - timedelta(days=1)] == 1
    assert sum(per_day.values()) == 3
    assert health.median_to_decision == timedelta(hours=6)


def test_the_page_shows_tables_and_charts(world, client, history):
    client.force_login(world.rev1)
    response = client.get(HEALTH)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="backlog">5<' in html and 'data-testid="overdue">3<' in html
    assert 'data-testid="decided">3<' in html and 'data-testid="median">6 h<' in html
    assert html.count("<svg") == 3 and "<script" not in html.split("</head>")[1]
    assert "http" not in "".join(re.findall(r"<svg.*?</svg>", html, flags=re.S))  # nothing fetched
    assert re.search(r"<td>Over 7 days</td><td class=\"num\">3</td>", html)


def test_an_empty_queue_has_a_health_page_too(world, client):
    client.force_login(world.senior)
    html = client.get(HEALTH).content.decode()
    assert 'data-testid="backlog">0<' in html and 'data-testid="median">—<' in html


@pytest.mark.parametrize("persona", ["alice", "bob", "sam", "sue", "outsider"])
def test_health_is_for_reviewers_only(world, client, settings, persona):
    settings.DEBUG = False
    client.force_login(getattr(world, persona))
    assert client.get(HEALTH).status_code == 403


def test_health_needs_a_login_and_get(world, client):
    assert_login_redirect(client.get(HEALTH), HEALTH)
    client.force_login(world.rev1)
    assert client.post(HEALTH).status_code == 405
    assert reverse("review:queue_health") == HEALTH


def test_health_runs_a_fixed_number_of_queries(world, client, history, django_assert_max_num_queries):
    client.force_login(world.rev1)
    with django_assert_max_num_queries(7):  # the 7th: linked accounts waiting (one COUNT on their queue index)
        client.get(HEALTH)


def test_the_backlog_figures_come_from_the_counts_beat_keeps(world, client, history):
    from review.queue import queue_counts_refresh

    queue_counts_refresh()  # beat's run
    Case.objects.filter(state=CaseState.OPEN).update(state=CaseState.REJECTED)  # decided since
    client.force_login(world.rev1)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(HEALTH).content.decode()
    assert 'data-testid="backlog">5<' in html and 'data-testid="overdue">3<' in html  # as counted
    assert "the backlog counted at" in html and "Counts updating" not in html
    assert not [q for q in queries.captured_queries if 'FROM "complaints_case"' in q["sql"]]
    queue_counts_refresh()
    assert 'data-testid="backlog">1<' in client.get(HEALTH).content.decode()  # the waiting one


def test_without_counts_the_page_says_they_are_updating_and_queues_one_refresh(world, client, history):
    from review import queue as review_queue

    client.force_login(world.rev1)
    with mock.patch.object(review_queue, "enqueue") as enqueue, CaptureQueriesContext(connection) as queries:
        html = client.get(HEALTH).content.decode()
        client.get(HEALTH)
    assert 'data-testid="health-updating"' in html and 'data-testid="backlog">0<' in html
    assert 'data-testid="decided">3<' in html  # the decisions are read as before
    enqueue.assert_called_once_with("review.tasks.refresh_queue_counts")
    assert not [q for q in queries.captured_queries if 'FROM "complaints_case"' in q["sql"]]


def test_automatic_suppressions_are_counted_apart_and_not_as_decisions_taken_in_no_time(
        world, client, history, django_capture_on_commit_callbacks):
    # The portal suppresses two listings on its own today; a reviewer confirms one of them 4 hours
    # after it was detected. The reviewers' figures gain one decision (taken in 4 h), not three
    # decisions, two of them in 0 minutes.
    from complaints.models import CaseSource

    from ..conftest import claim
    from ..monitoring.helpers import set_rules, upsert

    set_rules(world, django_capture_on_commit_callbacks)
    today = timezone.localdate(history)
    for n in (1, 2):
        upsert(django_capture_on_commit_callbacks, world.seller_b, f"AUTO-{n}", title="ACME headphones")
    first = Case.objects.filter(source=CaseSource.AUTOMATIC).order_by("id").first()
    import time_machine as tm

    with tm.travel(history + timedelta(hours=4), tick=False):
        claim(first, world.rev1)
        from decisions.services import case_decide

        case_decide(case=first, reviewer=world.rev1, reason_code="tm_misuse", facts="Mark in the title.")
        health = queue_health(user=world.rev1)
    assert health.decided_total == 4 and dict(health.decided_per_day)[today] == 1
    assert health.automated_total == 2 and dict(health.automated_per_day)[today] == 2
    # Of 2 h, 4 h, 6 h and 10 h; with the two automatic ones at 0 min it would be 3 h.
    assert health.median_to_decision == timedelta(hours=5)
    with tm.travel(history + timedelta(hours=4), tick=False):
        client.force_login(world.rev1)  # logged in then: a staff session ends after 30 idle minutes
        html = client.get(HEALTH).content.decode()
    assert 'data-testid="decided">4<' in html and 'data-testid="automated">2<' in html
    assert re.search(r'data-testid="automated-per-day"><th scope="row">Automatic</th>(<td class="num">0</td>)+'
                     r'<td class="num">2</td></tr>', html)
