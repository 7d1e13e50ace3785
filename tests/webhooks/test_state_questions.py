"""Webhook endpoints and deliveries answer their state questions, each true for exactly the
statuses written here."""

import pytest

from webhooks.models import DeliveryStatus, EndpointStatus, WebhookDelivery, WebhookEndpoint

from ..state_questions import answered_yes


@pytest.mark.parametrize("question,yes", [("is_enabled", {"enabled"}), ("is_disabled", {"disabled"})])
def test_an_endpoint_status_question_is_true_in_exactly_its_status(question, yes):
    assert answered_yes(WebhookEndpoint, "status", EndpointStatus, question) == yes


def test_a_delivery_is_pending_only_in_the_pending_status():
    assert answered_yes(WebhookDelivery, "status", DeliveryStatus, "is_pending") == {"pending"}
