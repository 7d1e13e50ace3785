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
