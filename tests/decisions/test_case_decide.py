from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction

from actions.models import ActionKind, ActionStatus, EnforcementAction
from audit.models import AuditEntry
from complaints.models import CaseState, Decision, Outcome
from complaints.records import CaseError
from decisions.services import case_decide
from listings.models import ListingStatus
from review.claims import case_claim

from ..conftest import file_report


@pytest.fixture
def held_case(world):
    """An open case on sam's listing, claimed by rev1."""
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    with transaction.atomic():
        case_claim(case=case, reviewer=world.rev1)
    case.refresh_from_db()
    return case


def _snapshot(case):
    case.refresh_from_db()
    case.listing.refresh_from_db()
    return (case.state, case.claimed_by_id, Decision.objects.count(), EnforcementAction.objects.count(),
            case.listing.status)


def test_remove_creates_one_pending_action_that_is_applied_after_commit(world, held_case,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        decision = case_decide(case=held_case, reviewer=world.rev1, reason_code="tm_counterfeit",
                               facts="Replica sold at 9.99.")
    action = EnforcementAction.objects.get()
    assert (action.kind, action.status, action.decision) == (ActionKind.REMOVE, ActionStatus.PENDING, decision)
    held_case.listing.refresh_from_db()
    assert held_case.listing.status == ListingStatus.ACTIVE  # nothing changes before commit

    for callback in callbacks:
        callback()

    action.refresh_from_db()
    held_case.refresh_from_db()
    held_case.listing.refresh_from_db()
    assert EnforcementAction.objects.count() == 1
    assert action.status == ActionStatus.APPLIED and action.applied_at is not None
    assert held_case.listing.status == ListingStatus.REMOVED
    assert held_case.state == CaseState.ACTIONED and held_case.claimed_by is None
    assert decision.outcome == Outcome.REMOVE and decision.decided_by == world.rev1
    assert "Replica sold at 9.99." in decision.statement
    applied = AuditEntry.objects.get(action="enforcementaction.applied")
    assert applied.data == {"from": "pending", "to": "applied"}


def test_reject_creates_no_action(world, held_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = case_decide(case=held_case, reviewer=world.rev1, reason_code="no_infringement",
                               facts="Comparative advertising.")
    held_case.refresh_from_db()
    held_case.listing.refresh_from_db()
    assert decision.outcome == Outcome.REJECT
    assert held_case.state == CaseState.REJECTED
    assert EnforcementAction.objects.count() == 0
    assert held_case.listing.status == ListingStatus.ACTIVE


def test_it_refuses_a_case_someone_else_holds(world, held_case):
    before = _snapshot(held_case)
    with pytest.raises(CaseError, match="Another reviewer holds this case"):
        case_decide(case=held_case, reviewer=world.rev2, reason_code="tm_counterfeit", facts="Replica.")
    assert _snapshot(held_case) == before


def test_it_refuses_an_open_case_nobody_claimed(world):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    before = _snapshot(case)
    with pytest.raises(CaseError, match="is open; it can no longer be decided"):
        case_decide(case=case, reviewer=world.rev1, reason_code="tm_counterfeit", facts="Replica.")
    assert _snapshot(case) == before


def test_it_refuses_to_decide_twice(world, held_case):
    case_decide(case=held_case, reviewer=world.rev1, reason_code="tm_counterfeit", facts="Replica.")
    before = _snapshot(held_case)
    with pytest.raises(CaseError, match="actioned; it can no longer be decided"):
        case_decide(case=held_case, reviewer=world.rev1, reason_code="no_infringement", facts="Changed my mind.")
    assert _snapshot(held_case) == before


def test_it_refuses_a_decision_after_the_claim_expired(world, held_case, time_machine):
    time_machine.move_to(held_case.claim_expires_at + timedelta(seconds=1), tick=False)
    before = _snapshot(held_case)
    with pytest.raises(CaseError, match="claim on this case expired"):
        case_decide(case=held_case, reviewer=world.rev1, reason_code="tm_counterfeit", facts="Replica.")
    assert _snapshot(held_case) == before


def test_a_decision_just_before_the_claim_ends_is_accepted(world, held_case, time_machine):
    time_machine.move_to(held_case.claim_expires_at - timedelta(seconds=1), tick=False)
    assert settings.REVIEW_CLAIM_MINUTES > 0
    case_decide(case=held_case, reviewer=world.rev1, reason_code="tm_counterfeit", facts="Replica.")
    held_case.refresh_from_db()
    assert held_case.state == CaseState.ACTIONED


@pytest.mark.parametrize("code", ["", "made_up", "appeal_genuine_goods", "appeal_no_new_facts"])
def test_it_refuses_an_unknown_blank_or_appeal_only_reason(world, held_case, code):
    before = _snapshot(held_case)
    with pytest.raises(CaseError, match="Choose a reason"):
        case_decide(case=held_case, reviewer=world.rev1, reason_code=code, facts="Replica.")
    assert _snapshot(held_case) == before


@pytest.mark.parametrize("facts", ["", "  \n "])
def test_it_refuses_blank_facts(world, held_case, facts):
    before = _snapshot(held_case)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(CaseError, match="Give the facts"):
        case_decide(case=held_case, reviewer=world.rev1, reason_code="tm_counterfeit", facts=facts)
    assert _snapshot(held_case) == before
    assert AuditEntry.objects.count() == audit_before
