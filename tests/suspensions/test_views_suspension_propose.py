"""The case page's "Suspend the seller" box: a reviewer proposes, the senior pages show who and why."""

import re

import pytest
from django.urls import reverse

from suspensions.models import Suspension, SuspensionStatus
from suspensions.services import suspension_propose

from ..reporters.test_views_reports import _field_error
from ..views import assert_login_redirect, open_case, removed_case

REASON = "Same counterfeit headphones relisted under five new ids this week."


@pytest.fixture
def case(world):
    """An open case on sue's listing (seller B)."""
    return open_case(world, world.listings_b[0])


def _url(case):
    return reverse("suspensions:suspension_propose", args=[case.pk])


def _case_page(client, case) -> str:
    return client.get(reverse("review:case_detail", args=[case.pk])).content.decode()


def test_it_sends_an_anonymous_visitor_to_log_in(client, case):
    assert_login_redirect(client.post(_url(case), {"suspension_reason": REASON}), _url(case))


@pytest.mark.parametrize("persona", ["sue", "sam", "alice", "bob", "outsider"])
def test_only_reviewers_propose(world, client, case, persona):
    client.force_login(getattr(world, persona))
    assert client.post(_url(case), {"suspension_reason": REASON}).status_code == 403
    assert not Suspension.objects.exists()


def test_an_unknown_case_is_404_and_get_is_405(world, client, case):
    client.force_login(world.rev1)
    assert client.post(reverse("suspensions:suspension_propose", args=[case.pk + 999]),
                       {"suspension_reason": REASON}).status_code == 404
    assert client.get(_url(case)).status_code == 405
    assert not Suspension.objects.exists()


def test_a_reviewer_proposes_from_the_case_page(world, client, case):
    client.force_login(world.rev1)
    page = _case_page(client, case)
    assert 'data-testid="suspension-panel"' in page and f'action="{_url(case)}"' in page
    response = client.post(_url(case), {"suspension_reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == reverse("review:case_detail", args=[case.pk])
    proposal = Suspension.objects.get()
    assert (proposal.seller, proposal.proposed_by, proposal.proposed_from, proposal.proposal_reason) == (
        world.seller_b, world.rev1, case, REASON)
    page = client.get(response["Location"]).content.decode()
    assert f"Suspension #{proposal.pk} of {world.seller_b.name} proposed." in page
    # The box now shows the open proposal instead of the form.
    detail = reverse("suspensions:suspension_detail", args=[proposal.pk])
    assert (f'<a href="{detail}">Suspension #{proposal.pk}</a> of {world.seller_b.name}, proposed by rev1, waits '
            "for a senior reviewer.") in page
    assert f'action="{_url(case)}"' not in page


@pytest.mark.parametrize("typed,error", [
    ("", "This field is required."),
    ("Bad seller.", "Say why in at least 20 characters (you wrote 11): the senior reviewer decides on it."),
    ("x" * 4001, "Ensure this value has at most 4000 characters (it has 4001)."),
])
def test_bad_input_is_named_beside_the_field_and_the_typed_reason_is_kept(world, client, case, typed, error):
    client.force_login(world.rev1)
    response = client.post(_url(case), {"suspension_reason": typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert error in _field_error(html, "suspension_reason")
    assert re.search(r'<details class="side-box" id="suspend-box"[^>]* open>', html)  # shown, not folded away
    assert f'id="id_suspension_reason">\n{typed}</textarea>' in html
    assert case.reference in html  # the case page itself, not an error page
    assert not Suspension.objects.exists()


def test_a_second_proposal_is_refused_with_a_link_to_the_open_one(world, client, case):
    first = suspension_propose(case=case, reviewer=world.rev2, reason=REASON)
    client.force_login(world.rev1)
    page = _case_page(client, case)
    assert f"Suspension #{first.pk}</a> of {world.seller_b.name}, proposed by rev2, waits" in page
    # A page loaded before rev2 proposed still posts the form:
    response = client.post(_url(case), {"suspension_reason": REASON + " Also fake invoices."})
    html = response.content.decode()
    assert response.status_code == 400
    assert f"Suspension #{first.pk} of {world.seller_b.name} is already proposed, by rev2" in html
    assert reverse("suspensions:suspension_detail", args=[first.pk]) in html
    assert Suspension.objects.count() == 1


def test_the_senior_pages_show_who_proposed_and_why(world, client, case):
    for listing, reviewer in zip(world.listings_a, [world.rev1, world.rev2, world.senior], strict=True):
        removed_case(world, reviewer=reviewer, listing=listing)
    reviewer_made = suspension_propose(case=case, reviewer=world.rev1, reason=REASON)
    client.force_login(world.senior2)
    rows = dict(re.findall(r'<tr data-proposal="(\d+)">.*?data-testid="proposer">(.*?)</td>',
                           client.get(reverse("suspensions:suspension_list")).content.decode(), re.S))
    system_made = Suspension.objects.get(seller=world.seller_a)
    assert rows[str(system_made.pk)].strip() == "System: 3 active strikes"
    assert rows[str(reviewer_made.pk)].strip() == f"<b>rev1</b>: {REASON}"
    page = client.get(reverse("suspensions:suspension_detail", args=[reviewer_made.pk])).content.decode()
    assert f"<b>rev1</b>: {REASON}" in page
    assert f'from case <a href="{reverse("review:case_detail", args=[case.pk])}">{case.reference}</a>' in page
    assert "Suspension proposed" in page  # the timeline's entry


def test_the_proposing_senior_is_warned_and_refused_and_keeps_the_typed_reason(world, client, case):
    proposal = suspension_propose(case=case, reviewer=world.senior, reason=REASON)
    url = reverse("suspensions:suspension_detail", args=[proposal.pk])
    client.force_login(world.senior)
    assert "You proposed this suspension; another senior reviewer must approve it." in client.get(url).content.decode()
    response = client.post(url, {"decision": "approve", "reason": "My own approval text."})
    body = response.content.decode()
    assert response.status_code == 400
    assert "You proposed this suspension; another senior reviewer must approve it." in body
    assert "My own approval text." in body
    proposal.refresh_from_db()
    assert proposal.status == SuspensionStatus.PROPOSED


def test_a_second_senior_approves_a_reviewer_s_proposal_through_the_page(world, client, case,
                                                                         django_capture_on_commit_callbacks):
    proposal = suspension_propose(case=case, reviewer=world.rev1, reason=REASON)
    client.force_login(world.senior)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("suspensions:suspension_detail", args=[proposal.pk]),
                               {"decision": "approve", "reason": "Relisting counterfeits."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == SuspensionStatus.APPROVED and proposal.decided_by == world.senior
    page = client.get(response["Location"]).content.decode()
    assert "<b>2</b> of 2 applied" in page


def test_a_reason_with_markup_is_shown_as_text(world, client, case):
    hostile = '<script>alert("x")</script> relisting counterfeit goods daily'
    proposal = suspension_propose(case=case, reviewer=world.rev1, reason=hostile)
    client.force_login(world.senior)
    for url in (reverse("suspensions:suspension_list"), reverse("suspensions:suspension_detail", args=[proposal.pk])):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
