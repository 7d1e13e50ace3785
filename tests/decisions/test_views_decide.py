import pytest
from django.urls import reverse

from actions.models import ActionStatus, EnforcementAction
from audit.models import AuditEntry
from complaints.models import CaseState, Decision
from complaints.reasons import statement_preview
from listings.models import ListingStatus

from ..views import assert_login_redirect, held_case, open_case


def _url(case):
    return reverse("decisions:case_decide", kwargs={"pk": case.pk})


def _unchanged(case):
    case.refresh_from_db()
    case.listing.refresh_from_db()
    return (case.state, case.claimed_by_id, case.listing.status, Decision.objects.count(),
            EnforcementAction.objects.count(), AuditEntry.objects.count())


def test_it_sends_an_anonymous_visitor_to_log_in(client, db):
    url = reverse("decisions:case_decide", kwargs={"pk": 1})
    assert_login_redirect(client.post(url), url)


def test_removing_takes_the_listing_down_and_returns_to_the_queue(world, client,
                                                                  django_capture_on_commit_callbacks):
    case = held_case(world)
    client.force_login(world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(case), {"reason_code": "tm_counterfeit", "facts": "Fake logo on the box."})
    assert response.status_code == 302 and response["Location"] == reverse("review:queue")
    case.refresh_from_db()
    case.listing.refresh_from_db()
    assert case.state == CaseState.ACTIONED
    assert case.listing.status == ListingStatus.REMOVED
    assert case.actions.get().status == ActionStatus.APPLIED
    assert "Fake logo on the box." in case.decisions.get().statement
    follow = client.get(response["Location"])
    assert f"Decision on {case.reference} recorded: Remove listing." in follow.content.decode()


def test_rejecting_leaves_the_listing_up(world, client):
    case = held_case(world)
    client.force_login(world.rev1)
    response = client.post(_url(case), {"reason_code": "no_infringement", "facts": "Comparative use."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED and EnforcementAction.objects.count() == 0


@pytest.mark.parametrize("data,field", [
    ({"facts": "Fake logo."}, "reason_code"),
    ({"reason_code": "", "facts": "Fake logo."}, "reason_code"),
    ({"reason_code": "appeal_genuine_goods", "facts": "Fake logo."}, "reason_code"),
    ({"reason_code": "tm_counterfeit", "facts": ""}, "facts"),
])
def test_a_decision_without_a_reason_or_facts_is_refused_and_changes_nothing(world, client, data, field):
    case = held_case(world)
    before = _unchanged(case)
    client.force_login(world.rev1)
    response = client.post(_url(case), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert ("Choose a reason code for the decision." in html or "Choose one of the trademark reasons" in html
            or "Give the facts behind the decision" in html)
    if field != "facts":
        assert "Fake logo.</textarea>" in html  # what the reviewer typed stays in the form
    assert _unchanged(case) == before


def test_whitespace_facts_are_refused_with_a_message(world, client):
    case = held_case(world)
    before = _unchanged(case)
    client.force_login(world.rev1)
    response = client.post(_url(case), {"reason_code": "tm_counterfeit", "facts": "   "})
    assert response.status_code == 400
    assert _unchanged(case) == before


def test_a_case_another_reviewer_holds_is_refused_with_a_message(world, client):
    case = held_case(world)
    before = _unchanged(case)
    client.force_login(world.rev2)
    response = client.post(_url(case), {"reason_code": "tm_counterfeit", "facts": "Fake logo."})
    assert response.status_code == 400
    assert "Another reviewer holds this case. Claim a case before deciding it." in response.content.decode()
    assert _unchanged(case) == before


def test_deciding_an_unclaimed_case_is_refused_with_a_message(world, client):
    case = open_case(world)
    before = _unchanged(case)
    client.force_login(world.rev1)
    response = client.post(_url(case), {"reason_code": "tm_counterfeit", "facts": "Fake logo."})
    assert response.status_code == 400
    assert "This case is open; it can no longer be decided." in response.content.decode()
    assert _unchanged(case) == before


@pytest.mark.parametrize("persona", ["sam", "alice", "outsider"])
def test_only_reviewers_decide(world, client, settings, persona):
    settings.DEBUG = False
    case = held_case(world)
    before = _unchanged(case)
    client.force_login(getattr(world, persona))
    response = client.post(_url(case), {"reason_code": "tm_counterfeit", "facts": "Fake logo."})
    assert response.status_code == 403
    assert "You can't open this page" in response.content.decode()
    assert _unchanged(case) == before


def test_an_unknown_case_is_not_found(world, client):
    client.force_login(world.rev1)
    response = client.post(reverse("decisions:case_decide", kwargs={"pk": 999_999}),
                           {"reason_code": "tm_counterfeit", "facts": "Fake logo."})
    assert response.status_code == 404


def test_it_refuses_a_get(world, client):
    case = held_case(world)
    client.force_login(world.rev1)
    assert client.get(_url(case)).status_code == 405


def test_a_statement_composed_before_the_facts_is_refused_and_composed_again_with_them(world, client):
    # Recorded before the page's preview caught up: the seller would read "[the facts you found]".
    case = held_case(world)
    client.force_login(world.rev1)
    stale = statement_preview(case=case, reason_code="tm_counterfeit", facts="")
    assert "[the facts you found]" in stale
    response = client.post(_url(case), {"reason_code": "tm_counterfeit", "facts": "Fake logo on the box.",
                                        "statement": stale})
    html = response.content.decode()
    assert response.status_code == 400 and "still says “[the facts you found]”" in html
    assert "Facts: Fake logo on the box." in html  # composed again with the facts, to record
    assert not case.decisions.exists()
