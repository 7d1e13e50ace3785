"""The reviewers' counter-notice pages: a court filing checked, a reviewed counter-notice decided."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from counter_notices.models import CounterNoticeStatus
from counter_notices.services import counter_notice_file, counter_notices_reinstate_due, court_action_show
from listings.models import ListingStatus

from ..views import removed_case
from .test_counter_notices import pdf, reviewed_statements, statements


@pytest.fixture
def for_decision(world):
    with time_machine.travel(datetime(2026, 12, 17, 15, tzinfo=UTC), tick=False):
        notice = counter_notice_file(case=removed_case(world), user=world.sam, statements=reviewed_statements())
    with time_machine.travel(datetime(2027, 1, 6, tzinfo=UTC), tick=False):
        counter_notices_reinstate_due()
    notice.refresh_from_db()
    assert notice.status == CounterNoticeStatus.FOR_DECISION
    return notice


def test_only_reviewers_see_the_list_and_it_refuses_posts(world, client, for_decision):
    url = reverse("counter_notices:review_list")
    for outsider in (world.alice, world.sam, world.outsider):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
        assert client.get(reverse("counter_notices:review", args=[for_decision.pk])).status_code == 403
    client.force_login(world.rev1)
    html = client.get(url).content.decode()
    assert for_decision.case.reference in html and "A senior's decision" in html
    assert client.post(url).status_code == 405


def test_a_senior_grants_with_reasons_and_the_listing_comes_back(world, client, for_decision,
                                                                 django_capture_on_commit_callbacks):
    url = reverse("counter_notices:review", args=[for_decision.pk])
    client.force_login(world.rev1)
    assert "A senior reviewer who took no part" in client.get(url).content.decode()
    client.force_login(world.senior)
    page = client.get(url).content.decode()
    assert "Grant: reinstate the listing" in page and "Deny: the listing stays down" in page
    assert "Bought from Acme" in page  # the seller's explanation beside the decision
    assert client.post(url, {"outcome": "reinstate", "reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"outcome": "reinstate", "reason": "The invoice checks out."}, follow=True)
    assert "Counter-notice granted. The listing is being reinstated" in response.content.decode()
    for_decision.case.listing.refresh_from_db()
    assert for_decision.case.listing.status == ListingStatus.ACTIVE


def test_a_reviewer_rejects_a_court_filing_and_the_deadline_continues(world, client):
    with time_machine.travel(datetime(2026, 12, 17, 15, tzinfo=UTC), tick=False):
        notice = counter_notice_file(case=removed_case(world, kind="copyright"), user=world.sam,
                                     statements=statements())
        court_action_show(notice=notice, user=world.alice, note="x", filing=pdf(world.alice))
    client.force_login(world.rev2)
    url = reverse("counter_notices:review", args=[notice.pk])
    assert "Check the court filing" in client.get(url).content.decode()
    response = client.post(url, {"outcome": "reject", "note": "Not a court filing."}, follow=True)
    assert "Court filing rejected. The counter-notice waits again" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == CounterNoticeStatus.WAITING
