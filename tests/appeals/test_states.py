import pytest

from appeals.models import AppealStatus
from appeals.states import APPEAL_TRANSITIONS

from ..factories import (
    AppealFactory,
    UserFactory,
)
from ..transitions import all_pairs, assert_move_obeys_table


def test_the_table_names_every_status():
    assert set(APPEAL_TRANSITIONS) == set(AppealStatus.values)


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(AppealStatus))
def test_an_appeal_moves_only_as_the_table_allows(current, to):
    appeal = AppealFactory(status=current)
    assert_move_obeys_table(obj=appeal, to=to, table=APPEAL_TRANSITIONS, field="status",
                            actor=UserFactory(username="senior", role="senior_reviewer"))
