"""The senior reviewers' suspension pages: list, approve or reject with a reason, lift."""

import pytest
from django.urls import reverse

from actions.models import ActionKind, EnforcementAction
from listings.models import ListingStatus
from suspensions.models import Suspension, SuspensionStatus

from ..factories import ListingFactory
from ..views import assert_login_redirect, removed_case


@pytest.fixture
def proposal(world):
    for listing, reviewer in zip(world.listings_a, [world.rev1, world.rev2, world.senior], strict=True):
        removed_case(world, reviewer=reviewer, listing=listing)
    world.spare = ListingFactory(seller=world.seller_a)
    return Suspension.objects.get()


def _url(proposal):
    return reverse("suspensions:suspension_detail", args=[proposal.pk])


@pytest.mark.parametrize("name,kwargs", [("suspensions:suspension_list", {}),
                                         ("suspensions:suspension_detail", {"pk": 1})])
def test_it_sends_an_anonymous_visitor_to_log_in(client, db, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert_login_redirect(client.get(url), url)


@pytest.mark.parametrize("persona", ["sam", "alice", "outsider"])
def test_suspension_pages_are_for_reviewers_only(world, client, proposal, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("suspensions:suspension_list")).status_code == 403
    assert client.get(_url(proposal)).status_code == 403
    response = client.post(_url(proposal), {"decision": "approve", "reason": "Repeat infringer."})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == SuspensionStatus.PROPOSED


def test_a_reviewer_reads_a_suspension_but_only_a_senior_lists_and_decides(world, client, proposal):
    """A reviewer follows a suspension (the case page links to the seller's open one)."""
    client.force_login(world.rev1)
    assert client.get(reverse("suspensions:suspension_list")).status_code == 403
    response = client.get(_url(proposal))
    page = response.content.decode()
    assert response.status_code == 200 and "System: 3 active strikes" in page
    assert "A senior reviewer other than the proposer decides this proposal." in page
    assert "Record decision" not in page and 'name="reason"' not in page
    response = client.post(_url(proposal), {"decision": "approve", "reason": "Repeat infringer."})
    assert response.status_code == 403
    assert "Only senior reviewers decide seller suspensions." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == SuspensionStatus.PROPOSED


def test_a_senior_sees_the_proposal_with_its_strikes(world, client, proposal):
    client.force_login(world.senior2)
    listing_page = client.get(reverse("suspensions:suspension_list")).content.decode()
    assert f"#{proposal.pk}" in listing_page and world.seller_a.name in listing_page
    assert "System: 3 active strikes" in listing_page
    page = client.get(_url(proposal)).content.decode()
    assert "3 active strikes now" in page and "System: 3 active strikes" in page
    assert all(lst.external_id in page for lst in world.listings_a)
    assert "another senior reviewer must approve" not in page


def test_a_second_senior_approves_and_the_listings_are_suppressed(world, client, proposal,
                                                                  django_capture_on_commit_callbacks):
    client.force_login(world.senior2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(proposal), {"decision": "approve", "reason": "Three counterfeits."})
    assert response.status_code == 302 and response["Location"] == _url(proposal)
    proposal.refresh_from_db()
    world.spare.refresh_from_db()
    assert proposal.status == SuspensionStatus.APPROVED and world.spare.status == ListingStatus.SUPPRESSED
    page = client.get(_url(proposal)).content.decode()
    # Every listing of the seller: the three removed ones too (they stay removed, and hidden by the
    # suspension should their takedowns be reversed while it lasts).
    assert "<b>4</b> of 4 applied" in page and "Lift suspension" in page


def test_the_senior_who_decided_a_strike_is_refused_and_keeps_the_typed_reason(world, client, proposal):
    client.force_login(world.senior)
    page = client.get(_url(proposal)).content.decode()
    assert "another senior reviewer must approve" in page
    response = client.post(_url(proposal), {"decision": "approve", "reason": "My own reason text."})
    assert response.status_code == 400
    body = response.content.decode()
    assert "You decided one of these strikes" in body and "My own reason text." in body
    proposal.refresh_from_db()
    assert proposal.status == SuspensionStatus.PROPOSED


def test_bad_input_names_the_field(world, client, proposal):
    client.force_login(world.senior2)
    response = client.post(_url(proposal), {"decision": "approve", "reason": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = client.post(_url(proposal), {"decision": "ban-forever", "reason": "x"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_a_senior_rejects_with_a_reason(world, client, proposal):
    client.force_login(world.senior2)
    client.post(_url(proposal), {"decision": "reject", "reason": "Disputed strikes."})
    proposal.refresh_from_db()
    assert proposal.status == SuspensionStatus.REJECTED and proposal.reason == "Disputed strikes."
    assert not EnforcementAction.objects.filter(kind=ActionKind.SUPPRESS).exists()


def test_lifting_through_the_page(world, client, proposal, django_capture_on_commit_callbacks):
    client.force_login(world.senior2)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(proposal), {"decision": "approve", "reason": "Three counterfeits."})
    response = client.post(_url(proposal), {"lift": "1", "reason": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(proposal), {"lift": "1", "reason": "Agreement reached."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    world.spare.refresh_from_db()
    assert proposal.status == SuspensionStatus.LIFTED and world.spare.status == ListingStatus.ACTIVE


def test_unknown_proposal_is_404_and_put_is_405(world, client):
    client.force_login(world.senior)
    assert client.get(reverse("suspensions:suspension_detail", args=[999])).status_code == 404
    assert client.put(reverse("suspensions:suspension_list")).status_code == 405
