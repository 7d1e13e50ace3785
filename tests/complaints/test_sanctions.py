"""Misuse of the notice system: figures, each threshold, warning then suspension, each step confirmed."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from appeals.services import appeal_decide, appeal_file
from complaints.models import CaseState, Sanction, SanctionLevel, SanctionStatus
from complaints.sanctions import (
    SanctionError,
    reporter_figures,
    sanction_confirm,
    sanction_dismiss,
    sanction_evaluate,
    sanction_lift,
    sanctions_evaluate_all,
)
from complaints.services import ReportError
from complaints.states import SANCTION_TRANSITIONS
from decisions.services import case_decide
from review.claims import case_claim

from ..conftest import file_report
from ..factories import ListingFactory, UserFactory
from ..transitions import all_pairs, assert_move_obeys_table


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.NOTIFIER_MIN_DECIDED = 4
    settings.NOTIFIER_UNFOUNDED_SHARE = 0.5
    settings.NOTIFIER_REVERSED_SHARE = 0.3


def decide(world, outcomes: list[str], reporter=None):
    """One report by `reporter` (alice) on sam's new listings, each case decided with the code given."""
    listings = [ListingFactory(seller=world.seller_a) for _ in outcomes]
    report = file_report(reporter=reporter or world.alice, right=world.tm_a, listings=listings)
    cases = list(report.cases.order_by("id"))
    for case, code in zip(cases, outcomes, strict=True):
        with transaction.atomic():
            case_claim(case=case, reviewer=world.rev1)
        case_decide(case=case, reviewer=world.rev1, reason_code=code, facts="Checked.")
    return cases


def reverse_on_appeal(world, case):
    appeal = appeal_file(case=case, user=world.sam, statement="Genuine, invoice.")
    appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods", facts="Invoice checks out.")


def test_the_figures_count_unfounded_rejections_and_reversals(world):
    cases = decide(world, ["no_infringement", "insufficient_evidence", "tm_counterfeit", "tm_counterfeit"])
    reverse_on_appeal(world, cases[2])
    f = reporter_figures(reporter=world.alice)
    assert (f.decided, f.unfounded, f.takedowns, f.reversed) == (4, 2, 2, 1)
    assert f.unfounded_share == 0.5 and f.reversed_share == 0.5
    assert reporter_figures(brand=world.brand_a) == f
    assert reporter_figures(reporter=world.bob).decided == 0


def test_no_proposal_below_the_minimum_of_decided_notices(world):
    decide(world, ["no_infringement"] * 3)
    assert sanction_evaluate(reporter=world.alice) is None


def test_no_proposal_at_the_unfounded_threshold(world):
    decide(world, ["no_infringement", "no_infringement", "tm_counterfeit", "tm_counterfeit"])
    assert sanction_evaluate(reporter=world.alice) is None


def test_past_the_unfounded_threshold_a_warning_is_proposed_with_the_reason(world):
    decide(world, ["no_infringement", "insufficient_evidence", "no_infringement", "tm_counterfeit"])
    sanction = sanction_evaluate(reporter=world.alice)
    assert sanction.level == SanctionLevel.WARNING and sanction.status == SanctionStatus.PROPOSED
    assert "3 of 4 decided notices (75%) were rejected as unfounded; the limit is 50%" in sanction.reason
    assert sanction.figures["unfounded"] == 3
    # Evaluating again does not pile up proposals.
    assert sanction_evaluate(reporter=world.alice) is None
    assert Sanction.objects.count() == 1


def test_past_the_reversed_threshold_a_warning_is_proposed(world):
    cases = decide(world, ["tm_counterfeit"] * 4)
    reverse_on_appeal(world, cases[0])
    assert sanction_evaluate(reporter=world.alice) is None  # 1 of 4 = 25%
    reverse_on_appeal(world, cases[1])
    sanction = sanction_evaluate(brand=world.brand_a)
    assert sanction.brand == world.brand_a and sanction.reporter is None
    assert "2 of 4 takedowns (50%) were reversed on the seller's appeal; the limit is 30%" in sanction.reason


def test_a_confirmed_warning_then_more_unfounded_notices_propose_a_suspension(world):
    decide(world, ["no_infringement"] * 4)
    warning = sanction_evaluate(reporter=world.alice)
    sanction_confirm(sanction=warning, senior=world.senior, note="Please check your notices.")
    assert sanction_evaluate(reporter=world.alice) is None  # nothing new since the warning
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        decide(world, ["insufficient_evidence"])
        suspension = sanction_evaluate(reporter=world.alice)
    assert suspension.level == SanctionLevel.SUSPENSION
    assert "A warning was confirmed on" in suspension.reason


def test_confirming_a_suspension_closes_pending_reports_and_refuses_new_ones(world):
    decide(world, ["no_infringement"] * 4)
    pending = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2]).cases.all()
    held = pending[0]
    with transaction.atomic():
        case_claim(case=held, reviewer=world.rev2)
    other_reporter = file_report(reporter=world.agent, right=world.tm_a, listings=world.listings_a[2:]).cases.get()
    warning = sanction_evaluate(reporter=world.alice)
    sanction_confirm(sanction=warning, senior=world.senior)
    suspension = Sanction.objects.create(reporter=world.alice, level=SanctionLevel.SUSPENSION,
                                                 figures={}, reason="Manifestly unfounded notices.")
    suspension = sanction_confirm(sanction=suspension, senior=world.senior2, note="Confirmed.")
    assert suspension.closed_cases == 2
    for case in pending:
        case.refresh_from_db()
        assert case.state == CaseState.REJECTED and case.claimed_by is None
        decision = case.decisions.get()
        assert decision.reason_code == "notifier_suspended" and "Manifestly unfounded" in decision.statement
    other_reporter.refresh_from_db()
    assert other_reporter.state == CaseState.OPEN  # the agent is not suspended
    with pytest.raises(ReportError, match="suspended") as exc:
        file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory()])
    assert exc.value.field == "right"
    file_report(reporter=world.agent, right=world.tm_a, listings=[ListingFactory()])
    # Suspended notices are not counted as decided.
    assert reporter_figures(reporter=world.alice).decided == 4


def test_a_brand_suspension_refuses_every_member(world):
    sanction = Sanction.objects.create(brand=world.brand_a, level=SanctionLevel.SUSPENSION,
                                               figures={}, reason="Unfounded.")
    sanction_confirm(sanction=sanction, senior=world.senior)
    for member in (world.alice, world.agent):
        with pytest.raises(ReportError, match="brand Acme is suspended"):
            file_report(reporter=member, right=world.tm_a, listings=[ListingFactory()])
    file_report(reporter=world.bob, right=world.tm_b, listings=[ListingFactory()])
    sanction_lift(sanction=sanction, senior=world.senior2, note="Retrained their team.")
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory()])


def test_only_a_senior_decides_and_dismissing_needs_a_reason(world):
    decide(world, ["no_infringement"] * 4)
    warning = sanction_evaluate(reporter=world.alice)
    with pytest.raises(PermissionDenied):
        sanction_confirm(sanction=warning, senior=world.rev1)
    with pytest.raises(SanctionError, match="why"):
        sanction_dismiss(sanction=warning, senior=world.senior, note=" ")
    sanction_dismiss(sanction=warning, senior=world.senior, note="The reviewer misread the mark.")
    warning.refresh_from_db()
    assert warning.status == SanctionStatus.DISMISSED and warning.decided_by == world.senior


def test_the_beat_evaluates_every_reporter_and_brand(world):
    decide(world, ["no_infringement"] * 4)
    assert sanctions_evaluate_all() == 2  # alice, and brand Acme
    assert sanctions_evaluate_all() == 0
    assert {(s.reporter_id, s.brand_id) for s in Sanction.objects.all()} == {
        (world.alice.pk, None), (None, world.brand_a.pk)}


def test_the_table_names_every_status():
    assert set(SANCTION_TRANSITIONS) == set(SanctionStatus.values)


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(SanctionStatus))
def test_a_sanction_moves_only_as_the_table_allows(current, to):
    sanction = Sanction.objects.create(reporter=UserFactory(username="r"), level=SanctionLevel.WARNING,
                                               status=current, figures={}, reason="x")
    assert_move_obeys_table(obj=sanction, to=to, table=SANCTION_TRANSITIONS, field="status")
