"""The decision form: the statement of reasons composed, previewed without JavaScript, edited
and stored as edited; suppress; the races and bad input on the page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from actions.models import ActionKind, EnforcementAction
from appeals.services import appeal_file
from audit.models import AuditEntry
from complaints.models import CaseState, Decision
from decisions.services import case_decide
from listings.models import ListingStatus
from review.claims import case_claim

from ..views import held_case, open_case


def _url(case):
    return reverse("decisions:case_decide", kwargs={"pk": case.pk})


def _unchanged(case):
    case.refresh_from_db()
    case.listing.refresh_from_db()
    return (case.state, case.claimed_by_id, case.listing.status, Decision.objects.count(),
            EnforcementAction.objects.count(), AuditEntry.objects.count())


def test_the_decision_stores_the_statement_as_the_reviewer_edited_it(world, client):
    case = held_case(world)
    client.force_login(world.rev1)
    edited = "What was decided: removed.\n\nFacts: the logo is a copy; see the test buy of 3 May."
    response = client.post(_url(case), {"reason_code": "tm_counterfeit", "facts": "Copied logo.",
                                        "statement": edited, "action": "decide"})
    assert response.status_code == 302
    decision = case.decisions.get()
    assert decision.statement == edited and decision.reason_code == "tm_counterfeit"


def test_an_edited_statement_left_empty_is_refused_and_the_composed_one_offered(world, client):
    case = held_case(world)
    before = _unchanged(case)
    client.force_login(world.rev1)
    response = client.post(_url(case), {"reason_code": "tm_counterfeit", "facts": "Copied logo.",
                                        "statement": "   ", "action": "decide"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_statement_error"' in html and "The statement of reasons is empty." in html
    assert "Facts: Copied logo." in html  # composed into the field, ready to edit or send
    assert _unchanged(case) == before


def test_preview_without_javascript_composes_the_statement_and_decides_nothing(world, client):
    case = held_case(world)
    before = _unchanged(case)
    client.force_login(world.rev1)
    response = client.post(_url(case), {"reason_code": "tm_suppress_unclear", "facts": "Logo in the photos.",
                                        "statement": "", "action": "preview"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "is hidden: it no longer appears in search" in html and "Facts: Logo in the photos." in html
    assert "Logo in the photos.</textarea>" in html  # the facts typed stay
    assert _unchanged(case) == before


def test_the_htmx_preview_returns_the_statement_field_for_the_chosen_reason(world, client):
    case = held_case(world)
    client.force_login(world.rev1)
    url = reverse("review:case_statement_preview", kwargs={"pk": case.pk})
    html = client.post(url, {"reason_code": "no_infringement", "facts": "Comparative advertising."},
                       HTTP_HX_REQUEST="true").content.decode()
    assert html.startswith('<div id="statement-field"')
    assert "No action was taken on listing" in html and "Facts: Comparative advertising." in html
    empty = client.post(url, {"reason_code": "", "facts": "x"}).content.decode()
    assert "</textarea>" in empty and "What was decided" not in empty


def test_suppress_hides_the_listing_and_the_seller_can_appeal(world, client, django_capture_on_commit_callbacks):
    case = held_case(world)
    client.force_login(world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(case), {"reason_code": "tm_suppress_unclear", "facts": "Logo in photos."})
    assert response.status_code == 302
    case.refresh_from_db()
    case.listing.refresh_from_db()
    assert case.state == CaseState.ACTIONED and case.listing.status == ListingStatus.SUPPRESSED
    assert case.actions.get().kind == ActionKind.SUPPRESS
    assert case.decisions.get().outcome == "suppress"
    appeal = appeal_file(case=case, user=world.sam, statement="Genuine goods, invoice attached.")
    assert appeal.decision == case.decisions.get()


def test_deciding_twice_is_refused_and_changes_nothing(world, client):
    case = held_case(world)
    case_decide(case=case, reviewer=world.rev1, reason_code="no_infringement", facts="Lawful use.")
    before = _unchanged(case)
    client.force_login(world.rev1)
    response = client.post(_url(case), {"reason_code": "tm_counterfeit", "facts": "Fake.", "statement": "x"})
    assert response.status_code == 400
    assert "This case is rejected; it can no longer be decided." in response.content.decode()
    assert _unchanged(case) == before


def test_deciding_after_the_claim_expired_is_refused_and_changes_nothing(world, client, time_machine):
    case = held_case(world)
    time_machine.move_to(case.claim_expires_at + timedelta(seconds=1))
    before = _unchanged(case)
    client.force_login(world.rev1)
    response = client.post(_url(case), {"reason_code": "tm_counterfeit", "facts": "Fake.", "statement": "x"})
    assert response.status_code == 400
    assert "Your claim on this case expired. Claim it again to decide." in response.content.decode()
    assert _unchanged(case) == before


def test_a_decision_without_a_reason_code_is_refused_with_the_field_named(world, client):
    case = held_case(world)
    before = _unchanged(case)
    client.force_login(world.rev1)
    response = client.post(_url(case), {"reason_code": "", "facts": "Fake.", "statement": "Typed text."})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reason_code_error"' in html and "Choose a reason code for the decision." in html
    assert "Typed text.</textarea>" in html
    assert _unchanged(case) == before


@pytest.mark.parametrize("persona", ["sam", "alice"])
def test_sellers_and_rights_holders_cannot_preview(world, client, settings, persona):
    settings.DEBUG = False
    case = open_case(world)
    client.force_login(getattr(world, persona))
    url = reverse("review:case_statement_preview", kwargs={"pk": case.pk})
    assert client.post(url, {"reason_code": "tm_counterfeit", "facts": "x"}).status_code == 403


def test_the_case_page_shows_the_shortcuts_and_loads_the_script(world, client):
    case = open_case(world)
    client.force_login(world.rev1)
    html = client.get(reverse("review:case_detail", kwargs={"pk": case.pk})).content.decode()
    assert "js/review-keys.js" in html and 'id="shortcuts"' in html and 'id="claim-next-form"' in html
    assert 'id="claim-form"' in html
    case_claim(case=case, reviewer=world.rev1)
    html = client.get(reverse("review:case_detail", kwargs={"pk": case.pk})).content.decode()
    assert 'id="decide-form"' in html and "Preview statement" in html and 'id="id_question"' in html
