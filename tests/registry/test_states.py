import pytest

from registry.models import RightStatus
from registry.states import RIGHT_TRANSITIONS

from ..factories import TrademarkFactory, UserFactory
from ..transitions import all_pairs, assert_move_obeys_table


def test_the_table_names_every_right_status():
    assert set(RIGHT_TRANSITIONS) == set(RightStatus.values)


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(RightStatus))
def test_a_right_moves_only_as_the_table_allows(current, to):
    right = TrademarkFactory(status=current)
    assert_move_obeys_table(obj=right, to=to, table=RIGHT_TRANSITIONS, field="status",
                            actor=UserFactory(username="senior", role="senior_reviewer"))


# Written out by hand, not read from the table: renewal (registry/renewals.py) added
# verified → pending and expired → pending.
EXPECTED_MOVES = {
    ("pending", "verified"), ("pending", "rejected"), ("pending", "expired"),
    ("verified", "expired"), ("verified", "pending"),
    ("rejected", "pending"),
    ("expired", "pending"),
}


def test_the_table_allows_exactly_the_moves_written_out_here():
    assert {(a, b) for a, tos in RIGHT_TRANSITIONS.items() for b in tos} == EXPECTED_MOVES
