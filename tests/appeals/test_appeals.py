import pytest
from django.db import transaction

from actions.models import ActionKind, ActionStatus, EnforcementAction
from appeals.models import Appeal, AppealStatus
from appeals.services import AppealError, appeal_decide, appeal_file
from complaints.models import CaseState, Decision, Outcome
from complaints.records import CaseError
from decisions.services import case_decide
from listings.models import ListingStatus
from review.claims import case_claim

from ..conftest import claim_and_remove, file_report


@pytest.fixture
def removed_case(world, django_capture_on_commit_callbacks):
    """sam's listing, removed by rev1 (the takedown applied)."""
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    with django_capture_on_commit_callbacks(execute=True):
        claim_and_remove(case=case, reviewer=world.rev1)
    case.refresh_from_db()
    return case


@pytest.fixture
def appeal(world, removed_case):
    return appeal_file(case=removed_case, user=world.sam, statement="Genuine goods, invoice attached.")


def _state(case):
    case.refresh_from_db()
    case.listing.refresh_from_db()
    return (case.state, case.listing.status, Appeal.objects.count(), Decision.objects.count(),
            EnforcementAction.objects.count())


def test_a_seller_appeals_a_removal_of_their_listing(world, removed_case):
    appeal = appeal_file(case=removed_case, user=world.sam, statement="  Genuine goods.  ")
    removed_case.refresh_from_db()
    assert removed_case.state == CaseState.APPEALED
    assert appeal.status == AppealStatus.OPEN and appeal.filed_by == world.sam
    assert appeal.decision == removed_case.decisions.get() and appeal.statement == "Genuine goods."


def test_it_refuses_an_appeal_on_someone_elses_listing(world, removed_case):
    before = _state(removed_case)
    with pytest.raises(AppealError, match="your own listings"):
        appeal_file(case=removed_case, user=world.sue, statement="Not mine but still.")
    assert _state(removed_case) == before


def test_it_refuses_a_second_appeal_on_the_same_decision(world, removed_case, appeal):
    before = _state(removed_case)
    with pytest.raises(AppealError, match="already appealed"):
        appeal_file(case=removed_case, user=world.sam, statement="Again.")
    assert _state(removed_case) == before


def test_it_refuses_an_appeal_on_a_rejected_case(world):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    with transaction.atomic():
        case_claim(case=case, reviewer=world.rev1)
    case_decide(case=case, reviewer=world.rev1, reason_code="no_infringement", facts="Lawful use.")
    before = _state(case)
    with pytest.raises(AppealError, match="cannot be appealed"):
        appeal_file(case=case, user=world.sam, statement="Nothing was removed, but still.")
    assert _state(case) == before


@pytest.mark.parametrize("statement", ["", "   \n"])
def test_it_refuses_a_blank_appeal_statement(world, removed_case, statement):
    before = _state(removed_case)
    with pytest.raises(AppealError, match="Explain why"):
        appeal_file(case=removed_case, user=world.sam, statement=statement)
    assert _state(removed_case) == before


@pytest.mark.parametrize("persona", ["rev2", "alice", "sam"])
def test_it_refuses_an_appeal_ruling_by_someone_who_is_not_senior(world, removed_case, appeal, persona):
    before = _state(removed_case)
    with pytest.raises(AppealError, match="Only a senior reviewer"):
        appeal_decide(appeal=appeal, senior=getattr(world, persona), reason_code="appeal_genuine_goods",
                      facts="Invoice shown.")
    assert _state(removed_case) == before
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN


def test_it_refuses_a_ruling_by_the_senior_who_made_the_decision(world, django_capture_on_commit_callbacks):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    with django_capture_on_commit_callbacks(execute=True):
        claim_and_remove(case=case, reviewer=world.senior)
    appeal = appeal_file(case=case, user=world.sam, statement="Genuine goods.")
    before = _state(case)
    with pytest.raises(AppealError, match="You made the decision under appeal"):
        appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods", facts="Invoice.")
    assert _state(case) == before

    appeal_decide(appeal=appeal, senior=world.senior2, reason_code="appeal_no_new_facts", facts="No invoice.")
    case.refresh_from_db()
    assert case.state == CaseState.UPHELD


def test_it_refuses_to_rule_on_an_appeal_twice(world, removed_case, appeal):
    appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_no_new_facts", facts="No invoice.")
    before = _state(removed_case)
    with pytest.raises(AppealError, match="already been decided"):
        appeal_decide(appeal=appeal, senior=world.senior2, reason_code="appeal_genuine_goods", facts="Invoice.")
    assert _state(removed_case) == before


@pytest.mark.parametrize("code", ["", "tm_counterfeit", "no_infringement", "made_up"])
def test_it_refuses_a_ruling_without_an_appeal_reason(world, removed_case, appeal, code):
    before = _state(removed_case)
    with pytest.raises(CaseError, match="Choose a reason"):
        appeal_decide(appeal=appeal, senior=world.senior, reason_code=code, facts="Invoice.")
    assert _state(removed_case) == before


def test_granting_reinstates_the_listing(world, removed_case, appeal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods",
                                 facts="Invoice from the brand's distributor.")
    removed_case.refresh_from_db()
    removed_case.listing.refresh_from_db()
    appeal.refresh_from_db()
    assert removed_case.state == CaseState.REINSTATED
    assert removed_case.listing.status == ListingStatus.ACTIVE
    assert appeal.status == AppealStatus.GRANTED and appeal.outcome_decision == decision
    assert decision.outcome == Outcome.REINSTATE and decision.supersedes == appeal.decision
    actions = list(removed_case.actions.order_by("id").values_list("kind", "status"))
    assert actions == [(ActionKind.REMOVE, ActionStatus.APPLIED), (ActionKind.REINSTATE, ActionStatus.APPLIED)]


def test_denying_upholds_the_removal_without_a_new_action(world, removed_case, appeal,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_no_new_facts",
                                 facts="No proof of origin.")
    removed_case.refresh_from_db()
    removed_case.listing.refresh_from_db()
    appeal.refresh_from_db()
    assert removed_case.state == CaseState.UPHELD
    assert removed_case.listing.status == ListingStatus.REMOVED
    assert appeal.status == AppealStatus.DENIED and appeal.outcome_decision == decision
    assert decision.outcome == Outcome.UPHOLD
    assert EnforcementAction.objects.count() == 1
