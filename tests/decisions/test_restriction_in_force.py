"""A restriction is in force, and so may be appealed or counter-notified, only while the case is
actioned and its latest decision restricts the listing (removed or suppressed)."""

import pytest

from complaints.models import Case, CaseState, Decision, Outcome
from decisions.challenges import restriction_in_force

IN_FORCE = {("actioned", "remove"), ("actioned", "suppress")}


@pytest.mark.parametrize("state", CaseState.values)
@pytest.mark.parametrize("outcome", Outcome.values)
def test_a_restriction_is_in_force_only_on_an_actioned_case_whose_decision_restricts(state, outcome):
    in_force = restriction_in_force(case=Case(state=state), decision=Decision(outcome=outcome))
    assert in_force is ((state, outcome) in IN_FORCE)


@pytest.mark.parametrize("state", ["actioned", "rejected", "open", "in_review", "needs_info"])
def test_nothing_is_in_force_on_a_case_without_a_decision(state):
    assert restriction_in_force(case=Case(state=state), decision=None) is False
