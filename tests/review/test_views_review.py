from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from complaints.models import Case, CaseState
from review.claims import case_claim

from ..conftest import file_report
from ..factories import ListingFactory
from ..views import assert_login_redirect, held_case, open_case


@pytest.mark.parametrize("name,kwargs,method", [
    ("review:queue", {}, "get"), ("review:claim_next", {}, "post"),
    ("review:case_detail", {"pk": 1}, "get"), ("review:case_claim", {"pk": 1}, "post"),
    ("review:case_release", {"pk": 1}, "post"),
])
def test_it_sends_an_anonymous_visitor_to_log_in(client, db, name, kwargs, method):
    url = reverse(name, kwargs=kwargs)
    assert_login_redirect(getattr(client, method)(url), url)


@pytest.mark.parametrize("name,kwargs,method", [
    ("review:queue", {}, "post"), ("review:claim_next", {}, "get"),
    ("review:case_detail", {"pk": 1}, "post"), ("review:case_claim", {"pk": 1}, "get"),
    ("review:case_release", {"pk": 1}, "get"),
])
def test_it_refuses_the_wrong_method(world, client, name, kwargs, method):
    open_case(world)
    client.force_login(world.rev1)
    assert getattr(client, method)(reverse(name, kwargs=kwargs)).status_code == 405


@pytest.mark.parametrize("persona", ["sam", "alice", "outsider"])
@pytest.mark.parametrize("name,method", [
    ("review:queue", "get"), ("review:claim_next", "post"), ("review:case_detail", "get"),
    ("review:case_claim", "post"), ("review:case_release", "post"),
])
def test_review_pages_are_for_reviewers_only(world, client, settings, persona, name, method):
    settings.DEBUG = False
    case = open_case(world)
    kwargs = {} if name in ("review:queue", "review:claim_next") else {"pk": case.pk}
    client.force_login(getattr(world, persona))
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    assert response.status_code == 403
    assert "You can't open this page" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.OPEN


@pytest.mark.parametrize("name,method", [
    ("review:case_detail", "get"), ("review:case_claim", "post"), ("review:case_release", "post"),
])
def test_an_unknown_case_is_not_found(world, client, settings, name, method):
    settings.DEBUG = False
    client.force_login(world.rev1)
    response = getattr(client, method)(reverse(name, kwargs={"pk": 999_999}))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# queue

def test_the_queue_lists_open_cases_and_the_reviewers_claims(world, client):
    waiting = open_case(world, world.listings_a[1])
    mine = held_case(world)
    client.force_login(world.rev1)
    response = client.get(reverse("review:queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Claimed by you" in html and f">{mine.reference}</a> · {mine.listing.external_id}" in html
    assert f'href="/review/cases/{waiting.pk}/">{waiting.reference}</a></td>' in html
    assert f'href="/review/cases/{mine.pk}/">{mine.reference}</a></td>' not in html  # the queue shows open cases
    assert 'data-testid="queue-summary"><b>1</b> case match' in html


def test_the_queue_says_when_it_is_empty(world, client):
    client.force_login(world.rev1)
    assert "No cases match these filters." in client.get(reverse("review:queue")).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_queue_runs_a_fixed_number_of_queries(world, client, django_assert_max_num_queries, rows):
    """session, user, rights, backlog counts, own counts, own claims, overdue rows, other rows."""
    listings = [ListingFactory(seller=world.seller_a) for _ in range(rows)]
    file_report(reporter=world.alice, right=world.tm_a, listings=listings)
    for listing in listings[:3]:
        file_report(reporter=world.bob, right=world.tm_b, listings=[listing])
    client.force_login(world.rev1)
    client.post(reverse("review:claim_next"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("review:queue"), {"size": 100})
    # every open case is listed, plus the one claimed in "Claimed by you"
    assert response.content.decode().count('href="/review/cases/') == rows + 3


# claim_next

def test_claim_next_opens_the_claimed_case(world, client):
    case = open_case(world)
    client.force_login(world.rev1)
    response = client.post(reverse("review:claim_next"))
    assert response.status_code == 302
    assert response["Location"] == reverse("review:case_detail", kwargs={"pk": case.pk})
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.claimed_by == world.rev1


def test_claim_next_on_an_empty_queue_says_so(world, client):
    client.force_login(world.rev1)
    response = client.post(reverse("review:claim_next"), follow=True)
    assert response.redirect_chain == [(reverse("review:queue"), 302)]
    assert "The queue is empty. Nothing to claim." in response.content.decode()


# case_detail

def test_a_reviewer_sees_the_case_as_reported(world, client):
    case = open_case(world)
    world.listings_a[0].title = "Renamed later"
    world.listings_a[0].save()
    client.force_login(world.rev1)
    response = client.get(reverse("review:case_detail", kwargs={"pk": case.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert case.listing_snapshot["title"] in html and "Renamed later" in html
    assert "Claim this case" in html and "Record decision" not in html


def test_the_holder_sees_the_decision_form(world, client):
    case = held_case(world)
    client.force_login(world.rev1)
    html = client.get(reverse("review:case_detail", kwargs={"pk": case.pk})).content.decode()
    assert "Record decision" in html and "Release" in html


def test_another_reviewer_sees_who_holds_the_case(world, client):
    case = held_case(world)
    client.force_login(world.rev2)
    html = client.get(reverse("review:case_detail", kwargs={"pk": case.pk})).content.decode()
    assert "Held by rev1" in html and "Record decision" not in html


# case_claim

def test_claiming_a_case_takes_it_from_the_queue(world, client):
    case = open_case(world)
    client.force_login(world.rev1)
    response = client.post(reverse("review:case_claim", kwargs={"pk": case.pk}))
    assert response["Location"] == reverse("review:case_detail", kwargs={"pk": case.pk})
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.claimed_by == world.rev1


def test_claiming_a_case_someone_holds_says_so_and_changes_nothing(world, client):
    case = held_case(world)
    entries = AuditEntry.objects.count()
    client.force_login(world.rev2)
    response = client.post(reverse("review:case_claim", kwargs={"pk": case.pk}), follow=True)
    assert "This case is no longer open; someone else may hold it." in response.content.decode()
    case.refresh_from_db()
    assert case.claimed_by == world.rev1 and AuditEntry.objects.count() == entries


# case_release

def test_the_holder_releases_a_case_back_to_the_queue(world, client):
    case = held_case(world)
    client.force_login(world.rev1)
    response = client.post(reverse("review:case_release", kwargs={"pk": case.pk}), follow=True)
    assert response.redirect_chain == [(reverse("review:queue"), 302)]
    assert f"{case.reference} is back in the queue." in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.OPEN and case.claimed_by is None


def test_only_the_holder_can_release_a_case(world, client):
    case = held_case(world)
    client.force_login(world.rev2)
    response = client.post(reverse("review:case_release", kwargs={"pk": case.pk}), follow=True)
    assert response.redirect_chain == [(reverse("review:case_detail", kwargs={"pk": case.pk}), 302)]
    assert "You do not hold this case." in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.claimed_by == world.rev1


def test_a_lapsed_claim_shows_the_claim_button_to_another_reviewer(client, world):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()
    case_claim(case=case, reviewer=world.rev1)
    client.force_login(world.rev2)
    html = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    assert "Claim this case" not in html and "Held by rev1" in html
    Case.objects.filter(pk=case.pk).update(claim_expires_at=timezone.now() - timedelta(minutes=1))
    html = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    assert "Claim this case" in html
    client.post(reverse("review:case_claim", args=[case.pk]))
    case.refresh_from_db()
    assert case.claimed_by == world.rev2
