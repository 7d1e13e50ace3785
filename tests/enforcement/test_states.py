import pytest

from enforcement.models import ActionStatus, AppealStatus
from enforcement.states import ACTION_TRANSITIONS, APPEAL_TRANSITIONS

from ..factories import AppealFactory, EnforcementActionFactory, UserFactory
from ..transitions import all_pairs, assert_move_obeys_table


def test_the_tables_name_every_status():
    assert set(ACTION_TRANSITIONS) == set(ActionStatus.values)
    assert set(APPEAL_TRANSITIONS) == set(AppealStatus.values)


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(ActionStatus))
def test_an_action_moves_only_as_the_table_allows(current, to):
    action = EnforcementActionFactory(status=current)
    assert_move_obeys_table(obj=action, to=to, table=ACTION_TRANSITIONS, field="status")


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(AppealStatus))
def test_an_appeal_moves_only_as_the_table_allows(current, to):
    appeal = AppealFactory(status=current)
    assert_move_obeys_table(obj=appeal, to=to, table=APPEAL_TRANSITIONS, field="status",
                            actor=UserFactory(username="senior", role="senior_reviewer"))
