"""One decision applied to every identical case of a report."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse

from complaints.models import CaseState
from complaints.services import case_claim
from enforcement.bulk_decide import report_cases_decide
from enforcement.models import EnforcementAction

from ..conftest import file_report
from ..factories import ListingFactory


def _report(world, n=4):
    listings = [ListingFactory(seller=world.seller_a) for _ in range(n)]
    report = file_report(reporter=world.alice, right=world.tm_a, listings=listings)
    return report, list(report.cases.order_by("id"))


def _claim(case, reviewer):
    with transaction.atomic():
        case_claim(case=case, reviewer=reviewer)
    case.refresh_from_db()


def test_it_decides_every_case_the_reviewer_can_take_and_skips_one_held_by_another(world):
    report, cases = _report(world)
    first, held_by_rev2 = cases[0], cases[1]
    _claim(first, world.rev1)
    _claim(held_by_rev2, world.rev2)
    result = report_cases_decide(case=first, reviewer=world.rev1, reason_code="tm_counterfeit", facts="Same fake.")
    assert result.count == 3 and result.skipped == 1
    for case in cases:
        case.refresh_from_db()
    assert [c.state for c in cases] == [CaseState.ACTIONED, CaseState.IN_REVIEW, CaseState.ACTIONED,
                                        CaseState.ACTIONED]
    # each case its own decision and takedown, its own listing named in its statement
    for case in (cases[0], cases[2], cases[3]):
        decision = case.decisions.get()
        assert case.listing.external_id in decision.statement
        assert EnforcementAction.objects.get(decision=decision).listing_id == case.listing_id
    assert cases[1].decisions.count() == 0


def test_an_edited_statement_is_carried_to_each_case_with_its_own_listing(world):
    report, cases = _report(world, n=2)
    _claim(cases[0], world.rev1)
    snap = cases[0].listing_snapshot
    edited = f"Listing {snap['external_id']} “{snap['title']}” is removed. Logo copied."
    report_cases_decide(case=cases[0], reviewer=world.rev1, reason_code="tm_counterfeit", facts="Copied.",
                        statement=edited)
    other = cases[1].decisions.get().statement
    assert other == f"Listing {cases[1].listing.external_id} “{cases[1].listing.title}” is removed. Logo copied."


def test_a_lapsed_claim_of_another_reviewer_is_taken(world, time_machine):
    report, cases = _report(world, n=2)
    _claim(cases[1], world.rev2)
    time_machine.move_to(cases[1].claim_expires_at + timedelta(seconds=1))
    _claim(cases[0], world.rev1)
    result = report_cases_decide(case=cases[0], reviewer=world.rev1, reason_code="no_infringement", facts="Lawful.")
    assert result.count == 2 and result.skipped == 0
    cases[1].refresh_from_db()
    assert cases[1].state == CaseState.REJECTED and cases[1].decisions.get().decided_by == world.rev1


def test_the_page_says_how_many_cases_were_decided(world, client):
    report, cases = _report(world, n=3)
    _claim(cases[0], world.rev1)
    _claim(cases[2], world.rev2)
    client.force_login(world.rev1)
    html = client.get(reverse("complaints:case_detail", kwargs={"pk": cases[0].pk})).content.decode()
    assert "Apply to all identical cases of this report (2 other undecided)" in html
    response = client.post(reverse("enforcement:case_decide", kwargs={"pk": cases[0].pk}),
                           {"reason_code": "tm_counterfeit", "facts": "Same fake.", "apply_to_report": "on"},
                           follow=True)
    assert (f"Decision recorded on 2 case(s) of report {report.reference}: Remove listing. 1 skipped "
            "(held by another reviewer or decided meanwhile).") in response.content.decode()


def test_it_refuses_when_the_reviewer_does_not_hold_the_first_case(world, client):
    report, cases = _report(world, n=2)
    client.force_login(world.rev1)
    response = client.post(reverse("enforcement:case_decide", kwargs={"pk": cases[0].pk}),
                           {"reason_code": "tm_counterfeit", "facts": "Fake.", "apply_to_report": "on"})
    assert response.status_code == 400
    assert all(c.decisions.count() == 0 for c in cases)
    assert report.cases.filter(state=CaseState.OPEN).count() == 2
