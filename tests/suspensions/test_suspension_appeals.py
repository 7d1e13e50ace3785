"""A suspended seller sees why and how to contest it, and appeals; a senior who took no part rules."""

import pytest
from django.urls import reverse

from accounts.models import Role
from listings.models import ListingStatus
from suspensions.models import SuspensionStatus
from suspensions.services import SuspensionError, suspension_appeal_decide, suspension_appeal_file, suspension_approve

from ..factories import UserFactory
from .test_strikes import proposed  # noqa: F401  (fixture)


@pytest.fixture
def approved(world, proposed, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        return suspension_approve(suspension=proposed, senior=world.senior2, reason="Three counterfeit takedowns.")


def test_the_banner_says_why_when_what_and_how_to_appeal(world, client, approved):
    client.force_login(world.sam)
    html = client.get(reverse("sellers:seller_center")).content.decode()
    assert "is suspended</b> since" in html and "<b>Why:</b>" in html
    assert "<b>What is restricted:</b> every listing of the account" in html
    assert "Appeal the suspension" in html


def test_the_seller_appeals_and_an_uninvolved_senior_grants_it(world, client, approved,
                                                               django_capture_on_commit_callbacks):
    client.force_login(world.sam)
    url = reverse("sellers:suspension_appeal")
    assert client.post(url, {"statement": ""}).status_code == 400
    response = client.post(url, {"statement": "Two of the strikes were reversed on appeal."}, follow=True)
    assert "Appeal sent." in response.content.decode()
    approved.refresh_from_db()
    assert approved.appeal_is_open
    with pytest.raises(SuspensionError, match="already appealed"):
        suspension_appeal_file(suspension=approved, user=world.sam, statement="Again.")
    with pytest.raises(SuspensionError, match="took part"):
        suspension_appeal_decide(suspension=approved, senior=approved.decided_by, grant=True, reason="x")
    client.force_login(world.sue)
    assert client.post(url, {"statement": "Not mine."}).status_code == 404
    # senior decided a strike, senior2 approved: a third senior rules.
    with pytest.raises(SuspensionError, match="took part"):
        suspension_appeal_decide(suspension=approved, senior=world.senior, grant=True, reason="x")
    uninvolved = UserFactory(username="senior3", role=Role.SENIOR_REVIEWER)
    client.force_login(uninvolved)
    detail = reverse("suspensions:suspension_detail", args=[approved.pk])
    assert "Rule on the appeal" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail, {"appeal": "1", "outcome": "grant", "appeal_reason": "Strikes reversed."},
                               follow=True)
    assert "Appeal granted: the suspension of" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == SuspensionStatus.LIFTED and approved.appeal_granted is True
    assert not approved.seller.listings.filter(status=ListingStatus.SUPPRESSED).exists()
