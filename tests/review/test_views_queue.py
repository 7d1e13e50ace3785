"""The review queue page: filters, per-filter counts, the sort whitelist, paging, overdue first."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Case, CaseSource
from registry.models import RightKind, RightStatus
from review import queue as review_queue
from review.claims import case_claim

from ..conftest import file_report
from ..factories import ListingFactory, TrademarkFactory

QUEUE = "/review/"


def _rows(response) -> list[int]:
    """Case ids in the queue table, in order."""
    return [int(pk) for pk in re.findall(r'data-case="(\d+)"', response.content.decode())]


def _facet(response, name: str) -> dict[str, int]:
    """{option label: count} of one filter in the panel."""
    html = response.content.decode()
    return {label.strip(): int(n.replace(",", "")) for label, n in re.findall(
        rf'data-facet="{name}">([^<]+) <span class="n">([\d,]+)</span>', html)}


@pytest.fixture
def backlog(world, time_machine):
    """Cases of every kind of filter value, opened an hour apart (oldest first)."""
    start = timezone.now() - timedelta(days=10)
    time_machine.move_to(start, tick=False)
    world.brand_b.trusted_flagger = True
    world.brand_b.save()
    copyright_a = TrademarkFactory(brand=world.brand_a, kind=RightKind.COPYRIGHT, name="ACME SONG")
    pending_a = TrademarkFactory(brand=world.brand_a, name="ACME PENDING", status=RightStatus.PENDING)
    cases = {}
    for n, (key, reporter, right) in enumerate([
        ("a_tm_old", world.alice, world.tm_a), ("a_copyright", world.alice, copyright_a),
        ("a_pending", world.alice, pending_a), ("b_trusted", world.bob, world.tm_b),
        ("a_tm_new", world.alice, world.tm_a),
    ]):
        time_machine.move_to(start + timedelta(hours=n), tick=False)
        cases[key] = file_report(reporter=reporter, right=right, listings=[ListingFactory()]).cases.get()
    # the newest is only 2 hours old at "now"; the others are 10 days old, overdue in every lane
    time_machine.move_to(start + timedelta(days=10), tick=False)
    cases["fresh"] = file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory()]).cases.get()
    Case.objects.filter(pk=cases["fresh"].pk).update(source=CaseSource.AUTOMATIC)
    time_machine.move_to(start + timedelta(days=10, hours=2), tick=False)
    return cases


def test_the_default_order_is_overdue_first_then_lane_then_age(world, client, backlog):
    client.force_login(world.rev1)
    response = client.get(QUEUE)
    b = backlog
    assert _rows(response) == [b["b_trusted"].pk, b["a_tm_old"].pk, b["a_copyright"].pk, b["a_tm_new"].pk,
                               b["a_pending"].pk, b["fresh"].pk]
    html = response.content.decode()
    assert html.count('class="is-overdue"') == 5
    assert 'data-testid="overdue-count">5 overdue' in html
    assert "due in 22 h" in html  # the fresh verified case: 24 h SLA, 2 h old


@pytest.mark.parametrize("params,expected", [
    ({"kind": "copyright"}, ["a_copyright"]),
    ({"brand": "B"}, ["b_trusted"]),
    ({"source": "trusted_flagger"}, ["b_trusted"]),
    ({"source": "automatic"}, ["fresh"]),
    ({"lane": 2}, ["a_pending"]),
    ({"lane": 1, "kind": "trademark"}, ["a_tm_old", "a_tm_new", "fresh"]),
    ({"age": "lt4h"}, ["fresh"]),
    ({"age": "3_7d"}, []),
    ({"age": "gt7d", "brand": "A", "lane": 1}, ["a_tm_old", "a_copyright", "a_tm_new"]),
])
def test_each_filter_narrows_the_queue(world, client, backlog, params, expected):
    if params.get("brand") == "B":
        params = {**params, "brand": world.brand_b.pk}
    elif params.get("brand") == "A":
        params = {**params, "brand": world.brand_a.pk}
    client.force_login(world.rev1)
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    assert _rows(response) == [backlog[k].pk for k in expected]
    n = len(expected)
    assert f'data-testid="queue-summary"><b>{n}</b> case{"" if n == 1 else "s"} match' in response.content.decode()


def test_state_and_assigned_to_me(world, client, backlog):
    case_claim(case=backlog["a_tm_old"], reviewer=world.rev1)
    case_claim(case=backlog["a_pending"], reviewer=world.rev2)
    client.force_login(world.rev1)
    assert _rows(client.get(QUEUE, {"mine": 1})) == [backlog["a_tm_old"].pk]
    in_review = _rows(client.get(QUEUE, {"state": "in_review"}))
    assert in_review == [backlog["a_tm_old"].pk, backlog["a_pending"].pk]
    assert backlog["a_tm_old"].pk not in _rows(client.get(QUEUE))  # open only by default
    assert len(_rows(client.get(QUEUE, {"state": "all"}))) == 6


def test_counts_per_filter_value_follow_the_other_filters(world, client, backlog):
    client.force_login(world.rev1)
    response = client.get(QUEUE)
    assert _facet(response, "lane") == {"Any": 6, "Trusted / good faith": 1, "Verified right": 4, "Other": 1,
                                          "Unregistered right": 0}
    assert _facet(response, "kind") == {"Any": 6, "Trademark": 5, "Patent": 0, "Design": 0, "Copyright": 1}
    assert _facet(response, "source") == {"Any": 6, "Report": 4, "Automatic detection": 1, "Trusted flagger": 1,
                                          "Notice from the public": 0}
    assert _facet(response, "brand") == {"Any": 6, "Acme": 5, "Borealis": 1}
    assert _facet(response, "age")["Under 4 hours"] == 1 and _facet(response, "age")["Over 7 days"] == 5
    assert _facet(response, "state")["Open"] == 6

    # with a lane chosen, the other filters count within that lane; the lane filter still shows
    # what each other lane would give
    response = client.get(QUEUE, {"lane": 1})
    assert _facet(response, "lane") == {"Any": 6, "Trusted / good faith": 1, "Verified right": 4, "Other": 1,
                                          "Unregistered right": 0}
    assert _facet(response, "kind") == {"Any": 4, "Trademark": 3, "Patent": 0, "Design": 0, "Copyright": 1}
    assert _facet(response, "brand") == {"Any": 4, "Acme": 4}
    assert 'aria-current="true" data-facet="lane">Verified right' in response.content.decode()


def test_the_assigned_to_me_count_is_the_reviewers_own(world, client, backlog):
    case_claim(case=backlog["a_tm_old"], reviewer=world.rev1)
    case_claim(case=backlog["a_pending"], reviewer=world.rev2)
    client.force_login(world.rev1)
    assert re.search(r'data-facet="mine">Assigned to me <span class="n">1</span>', client.get(QUEUE).content.decode())


def test_the_counts_are_cached_briefly_and_say_so(world, client, backlog, settings, time_machine):
    settings.REVIEW_QUEUE_COUNTS_SECONDS = 60
    client.force_login(world.rev1)
    client.get(QUEUE)
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory()])
    time_machine.move_to(timezone.now() + timedelta(seconds=5), tick=False)
    response = client.get(QUEUE)
    assert len(_rows(response)) == 7  # the rows are live
    assert _facet(response, "lane")["Any"] == 6  # the counts are the cached ones
    assert "counts as of 5 s ago" in response.content.decode()


@pytest.mark.parametrize("sort,expected", [
    ("oldest", ["a_tm_old", "a_copyright", "a_pending", "b_trusted", "a_tm_new", "fresh"]),
    ("newest", ["fresh", "a_tm_new", "b_trusted", "a_pending", "a_copyright", "a_tm_old"]),
    ("due", ["b_trusted", "a_tm_old", "a_copyright", "a_tm_new", "a_pending", "fresh"]),
])
def test_it_sorts_by_a_whitelisted_key(world, client, backlog, sort, expected):
    client.force_login(world.rev1)
    assert _rows(client.get(QUEUE, {"sort": sort})) == [backlog[k].pk for k in expected]


@pytest.mark.parametrize("params,message", [
    ({"sort": "listing__title"}, "sort: Unknown sort “listing__title”. Sort by one of: priority, due, oldest, newest."),
    ({"sort": "-id"}, "Unknown sort “-id”"),
    ({"lane": "7"}, "lane: Select a valid choice. 7 is not one of the available choices."),
    ({"kind": "song"}, "kind: Select a valid choice."),
    ({"brand": "999999"}, "brand: Select a valid choice."),
    ({"age": "ancient"}, "age: Select a valid choice."),
    ({"page": "0"}, "page: Ensure this value is greater than or equal to 1."),
    ({"size": "1000"}, "size: Select a valid choice."),
])
def test_unknown_sort_keys_and_filter_values_are_refused(world, client, backlog, params, message):
    client.force_login(world.rev1)
    response = client.get(QUEUE, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The queue could not be filtered." in html and message in html
    assert _rows(response) == []


def test_pages_follow_each_other_without_gaps_or_repeats(world, client, backlog):
    """Across the overdue/not-overdue boundary too (5 overdue cases, pages of 25 are too big)."""
    listings = [ListingFactory() for _ in range(55)]
    file_report(reporter=world.alice, right=world.tm_a, listings=listings)
    client.force_login(world.rev1)
    seen = []
    for page in (1, 2, 3):
        response = client.get(QUEUE, {"page": page})
        seen += _rows(response)
    assert len(seen) == 61 and len(set(seen)) == 61
    assert seen[:5] == _rows(client.get(QUEUE, {"size": 100}))[:5]
    html = client.get(QUEUE, {"page": 3}).content.decode()
    assert "51–61 of 61 · page 3 of 3" in html and 'rel="prev"' in html and 'rel="next"' not in html
    assert _rows(client.get(QUEUE, {"page": 9})) == []


def test_a_page_starting_after_the_overdue_cases_continues_the_order(world, client, backlog):
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory() for _ in range(30)])
    client.force_login(world.rev1)
    whole = _rows(client.get(QUEUE, {"size": 50}))
    assert _rows(client.get(QUEUE, {"page": 2})) == whole[25:36]


def test_a_page_after_the_overdue_cases_takes_their_number_from_the_counts(world, client, backlog):
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory() for _ in range(30)])
    client.force_login(world.rev1)
    whole = _rows(client.get(QUEUE, {"size": 50}))  # the counts are in the cache now
    with CaptureQueriesContext(connection) as queries:
        page = _rows(client.get(QUEUE, {"page": 2}))
    assert page == whole[25:36]
    assert not [q for q in queries.captured_queries if '"__count"' in q["sql"]]  # the 5 overdue not counted


def test_a_page_after_the_overdue_cases_counts_them_while_the_counts_are_updating(world, client, backlog):
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory() for _ in range(30)])
    client.force_login(world.rev1)
    whole = _rows(client.get(QUEUE, {"size": 50}))
    cache.clear()
    with mock.patch.object(review_queue, "enqueue"):
        response = client.get(QUEUE, {"page": 2})
    assert "Counts updating" in response.content.decode() and _rows(response) == whole[25:36]


@pytest.mark.parametrize("size", [5, 50])
def test_the_query_count_does_not_grow_with_rows_or_pages(world, client, django_assert_max_num_queries, size):
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory() for _ in range(size)])
    client.force_login(world.rev1)
    for params in ({"size": 100}, {"size": 25, "page": 2}, {"sort": "oldest", "size": 100},
                   {"lane": 1, "kind": "trademark", "brand": world.brand_a.pk, "size": 100}):
        with django_assert_max_num_queries(9):
            assert client.get(QUEUE, params).status_code == 200


def test_filter_links_keep_the_other_filters_and_reset_the_page(world, client, backlog):
    client.force_login(world.rev1)
    html = client.get(QUEUE, {"lane": 1, "sort": "oldest", "page": 1}).content.decode()
    assert 'href="/review/?kind=copyright&amp;lane=1&amp;sort=oldest"' in html
    assert 'href="/review/?sort=oldest" class="" data-facet="lane">Any' in html


def test_an_htmx_filter_change_swaps_the_results_in_place(world, client, backlog):
    client.force_login(world.rev1)
    html = client.get(QUEUE).content.decode()
    assert 'id="queue"' in html and 'hx-select="#queue"' in html and 'hx-boost="true"' in html
    response = client.get(QUEUE, {"lane": 2}, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 200 and _rows(response) == [backlog["a_pending"].pk]


@pytest.mark.parametrize("persona", ["alice", "sam", "outsider"])
def test_the_queue_is_for_reviewers_only(world, client, persona, settings):
    settings.DEBUG = False
    client.force_login(getattr(world, persona))
    assert client.get(QUEUE).status_code == 403
    assert client.get(QUEUE, {"sort": "nonsense"}).status_code == 403
