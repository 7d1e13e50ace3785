import pytest

from complaints.models import CaseState
from complaints.states import CASE_TRANSITIONS

from ..factories import CaseFactory, UserFactory
from ..transitions import all_pairs, assert_move_obeys_table


def test_the_table_names_every_case_state():
    assert set(CASE_TRANSITIONS) == set(CaseState.values)
    assert all(set(tos) <= set(CaseState.values) for tos in CASE_TRANSITIONS.values())


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(CaseState))
def test_a_case_moves_only_as_the_table_allows(current, to):
    # Every case carries a claim so that in_review (which requires one) is a valid start and end.
    case = CaseFactory(state=current, claimed_by=UserFactory(username="rev1", role="reviewer"))
    assert_move_obeys_table(obj=case, to=to, table=CASE_TRANSITIONS, field="state", actor=case.claimed_by)
