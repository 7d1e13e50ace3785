import pytest

from actions.models import ActionStatus
from actions.states import ACTION_TRANSITIONS
from appeals.models import AppealStatus
from appeals.states import APPEAL_TRANSITIONS
from webhooks.models import DeliveryStatus, EndpointStatus
from webhooks.states import DELIVERY_TRANSITIONS, ENDPOINT_TRANSITIONS

from ..factories import (
    AppealFactory,
    EnforcementActionFactory,
    UserFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)
from ..transitions import all_pairs, assert_move_obeys_table


def test_the_tables_name_every_status():
    assert set(ACTION_TRANSITIONS) == set(ActionStatus.values)
    assert set(APPEAL_TRANSITIONS) == set(AppealStatus.values)
    assert set(DELIVERY_TRANSITIONS) == set(DeliveryStatus.values)
    assert set(ENDPOINT_TRANSITIONS) == set(EndpointStatus.values)


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


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(DeliveryStatus))
def test_a_webhook_delivery_moves_only_as_the_table_allows(current, to):
    delivery = WebhookDeliveryFactory(status=current)
    assert_move_obeys_table(obj=delivery, to=to, table=DELIVERY_TRANSITIONS, field="status")


@pytest.mark.django_db
@pytest.mark.parametrize("current,to", all_pairs(EndpointStatus))
def test_a_webhook_endpoint_moves_only_as_the_table_allows(current, to):
    endpoint = WebhookEndpointFactory(status=current)
    assert_move_obeys_table(obj=endpoint, to=to, table=ENDPOINT_TRANSITIONS, field="status")
