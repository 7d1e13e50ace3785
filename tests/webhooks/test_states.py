import pytest

from webhooks.models import DeliveryStatus, EndpointStatus
from webhooks.states import DELIVERY_TRANSITIONS, ENDPOINT_TRANSITIONS

from ..factories import (
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)
from ..transitions import all_pairs, assert_move_obeys_table


def test_the_table_names_every_status():
    assert set(DELIVERY_TRANSITIONS) == set(DeliveryStatus.values)
    assert set(ENDPOINT_TRANSITIONS) == set(EndpointStatus.values)


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
