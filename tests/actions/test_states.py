import pytest

from actions.models import ActionStatus
from actions.states import ACTION_TRANSITIONS

from ..factories import (
    EnforcementActionFactory,
)
from ..transitions import all_pairs, assert_move_obeys_table


def test_the_table_names_every_status():
    assert set(ACTION_TRANSITIONS) == set(ActionStatus.values)


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(ActionStatus))
def test_an_action_moves_only_as_the_table_allows(current, to):
    action = EnforcementActionFactory(status=current)
    assert_move_obeys_table(obj=action, to=to, table=ACTION_TRANSITIONS, field="status")
