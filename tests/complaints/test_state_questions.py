"""Case, Decision and Sanction answer their state questions, each true for exactly the
values written here; a lapsed claim reads the same on a case and in a queryset."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import (
    Case,
    CaseState,
    Decision,
    Outcome,
    Sanction,
    SanctionLevel,
    SanctionStatus,
    claim_lapsed_q,
)
from complaints.reasons import REASONS
from registry.models import RuleMode

from ..factories import CaseFactory, UserFactory
from ..state_questions import answered_yes

CASE_QUESTIONS = {
    "is_open": {"open"},
    "is_in_review": {"in_review"},
    "awaits_reporter": {"needs_info"},
    "is_withdrawn": {"withdrawn"},
}


@pytest.mark.parametrize("question,yes", CASE_QUESTIONS.items(), ids=CASE_QUESTIONS)
def test_a_case_state_question_is_true_in_exactly_its_states(question, yes):
    assert answered_yes(Case, "state", CaseState, question) == yes


def test_a_case_detection_suppresses_only_when_its_rule_suppresses():
    assert {m for m in RuleMode.values if Case(detection={"mode": m}).detection_suppresses} == {"suppress"}
    assert not Case(detection={}).detection_suppresses  # a reported case: no detection at all


DECISION_QUESTIONS = {
    "restricts": {"remove", "suppress"},
    "suppresses": {"suppress"},
}


@pytest.mark.parametrize("question,yes", DECISION_QUESTIONS.items(), ids=DECISION_QUESTIONS)
def test_a_decision_outcome_question_is_true_for_exactly_its_outcomes(question, yes):
    assert answered_yes(Decision, "outcome", Outcome, question) == yes


@pytest.mark.parametrize("code", REASONS)
def test_a_reason_restricts_exactly_when_a_decision_with_its_outcome_would(code):
    reason = REASONS[code]
    assert reason.restricts is (reason.outcome in {"remove", "suppress"})
    assert reason.restricts is Decision(outcome=reason.outcome).restricts


def test_only_the_counter_notice_reasons_read_as_reinstated_after_a_counter_notice():
    yes = {code for code in REASONS if Decision(reason_code=code).reinstated_after_counter_notice}
    assert yes == {"counter_notice_no_court_action", "counter_notice_granted"}


def test_a_sanction_is_proposed_only_in_the_proposed_status():
    assert answered_yes(Sanction, "status", SanctionStatus, "is_proposed") == {"proposed"}


def test_a_sanction_is_a_suspension_only_at_the_suspension_level():
    assert answered_yes(Sanction, "level", SanctionLevel, "is_suspension") == {"suspension"}


EXPIRIES = {"past": timedelta(minutes=-1), "future": timedelta(minutes=30), "none": None}


@pytest.mark.django_db
def test_a_lapsed_claim_reads_the_same_on_the_case_and_in_the_queryset():
    reviewer = UserFactory(username="rev1", role="reviewer")
    now = timezone.now()
    cases = {}
    for state in CaseState.values:
        for label, delta in EXPIRIES.items():
            cases[state, label] = CaseFactory(state=state, claimed_by=reviewer,
                                              claim_expires_at=None if delta is None else now + delta)
    by_pk = {c.pk: key for key, c in cases.items()}
    on_the_case = {key for key, c in cases.items() if c.claim_lapsed}
    in_the_queryset = {by_pk[pk] for pk in Case.objects.filter(claim_lapsed_q()).values_list("pk", flat=True)}
    assert on_the_case == in_the_queryset == {("in_review", "past")}


@pytest.mark.django_db
def test_claim_lapsed_q_reads_the_claims_as_of_the_time_it_is_given():
    reviewer = UserFactory(username="rev1", role="reviewer")
    soon = CaseFactory(state=CaseState.IN_REVIEW, claimed_by=reviewer,
                       claim_expires_at=timezone.now() + timedelta(minutes=30))
    assert not Case.objects.filter(claim_lapsed_q(), pk=soon.pk).exists()
    assert Case.objects.filter(claim_lapsed_q(timezone.now() + timedelta(hours=1)), pk=soon.pk).exists()
