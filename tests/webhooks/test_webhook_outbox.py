"""The outbox: each applied takedown or reinstatement writes one event, and one delivery per
enabled endpoint subscribed to its type, in the transaction that applies it."""

import json
from unittest import mock

import pytest
from django.db import transaction

from actions import services
from actions.events import AppliedAction
from actions.models import ActionStatus
from actions.tasks import apply_action
from appeals.services import appeal_decide, appeal_file
from audit.models import AuditEntry
from listings.models import ListingStatus
from webhooks import client
from webhooks import services as webhook_services
from webhooks.models import EndpointStatus, WebhookDelivery, WebhookEvent
from webhooks.services import event_body, webhook_endpoint_disable
from webhooks.signing import verify

from ..factories import EnforcementActionFactory
from .webhooks import FakeReceiver, endpoint_for, marketplace_user, remove_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(monkeypatch):
    fake = FakeReceiver()
    monkeypatch.setattr(client, "post", fake)
    return fake


def test_a_takedown_is_told_to_every_enabled_endpoint_subscribed_to_it(world, receiver):
    market, other_market = marketplace_user(), marketplace_user("market2")
    both = endpoint_for(market)
    endpoint_for(market, url="https://hooks.example.test/reinstated-only", event_types=["listing.reinstated"])
    disabled = endpoint_for(market, url="https://hooks.example.test/off")
    webhook_endpoint_disable(endpoint=disabled, actor=market)
    theirs = endpoint_for(other_market, url="https://other.example.test/hook", event_types=["listing.removed"])

    case = remove_listing(world)

    event = WebhookEvent.objects.get()
    assert event.type == "listing.removed" and event.action == case.actions.get()
    assert {d.endpoint for d in event.deliveries.all()} == {both, theirs}
    assert sorted(c["url"] for c in receiver.calls) == ["https://hooks.example.test/ipportal",
                                                       "https://other.example.test/hook"]
    decision = case.decisions.get()
    assert event.payload == {
        "id": event.event_id, "type": "listing.removed", "timestamp": event.payload["timestamp"],
        "data": {"listing_external_id": case.listing.external_id,
                 "seller_external_id": world.seller_a.external_id, "case_ref": case.reference,
                 "decision_id": decision.pk, "reason_code": "tm_counterfeit",
                 "statement_of_reasons": decision.statement},
    }
    assert event.payload["timestamp"].endswith("Z")


def test_what_is_sent_is_the_event_body_signed_with_the_endpoint_secret(world, receiver):
    endpoint = endpoint_for(marketplace_user())
    remove_listing(world)
    event, (call,) = WebhookEvent.objects.get(), receiver.calls
    assert call["body"] == event_body(event)
    assert json.loads(call["body"])["id"] == event.event_id == call["headers"]["webhook-id"]
    assert call["timeouts"] == (5, 10)
    verify(secret=endpoint.secret, headers=call["headers"], body=call["body"])
    assert len(call["headers"]["webhook-signature"].split(" ")) == 1  # no rotation, one signature


def test_applying_the_same_action_twice_writes_one_event(world, receiver):
    endpoint_for(marketplace_user())
    case = remove_listing(world, run_on_commit=False)
    action = case.actions.get()

    assert services.action_apply(action_id=action.pk) is True
    assert services.action_apply(action_id=action.pk) is False
    apply_action.delay(action.pk)  # a re-delivered broker message

    assert WebhookEvent.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1
    assert AuditEntry.objects.filter(action="webhookevent.created").count() == 1


def test_the_event_is_rolled_back_with_the_action(world, receiver, monkeypatch):
    endpoint_for(marketplace_user())
    case = remove_listing(world, run_on_commit=False)
    real = webhook_services.webhook_event_emit

    def emit_then_crash(**kwargs):
        real(**kwargs)
        raise RuntimeError("worker crashed before commit")

    monkeypatch.setattr(webhook_services, "webhook_event_emit", emit_then_crash)
    with pytest.raises(RuntimeError):
        services.action_apply(action_id=case.actions.get().pk)

    assert case.actions.get().status == ActionStatus.PENDING
    assert (WebhookEvent.objects.count(), WebhookDelivery.objects.count()) == (0, 0)


def test_no_endpoint_still_records_the_event(world, receiver):
    remove_listing(world)
    assert WebhookEvent.objects.count() == 1
    assert WebhookDelivery.objects.count() == 0 and receiver.calls == []


def test_a_granted_appeal_tells_the_reinstatement(world, receiver, django_capture_on_commit_callbacks):
    market = marketplace_user()
    reinstated_only = endpoint_for(market, event_types=["listing.reinstated"])
    case = remove_listing(world)
    appeal = appeal_file(case=case, user=world.sam, statement="Genuine goods.")
    with django_capture_on_commit_callbacks(execute=True):
        appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods",
                      facts="Invoice checks out.")

    case.listing.refresh_from_db()
    assert case.listing.status == ListingStatus.ACTIVE
    assert list(WebhookEvent.objects.values_list("type", flat=True)) == ["listing.removed", "listing.reinstated"]
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.endpoint == reinstated_only and delivery.event.type == "listing.reinstated"
    assert delivery.event.payload["data"]["decision_id"] == case.decisions.order_by("id").last().pk
    assert reinstated_only.status == EndpointStatus.ENABLED


def test_emitting_outside_a_transaction_is_refused(world):
    action = EnforcementActionFactory()
    with mock.patch.object(transaction.get_connection(), "in_atomic_block", False):
        with pytest.raises(RuntimeError, match="transaction that applies"):
            webhook_services.webhook_event_emit(action=AppliedAction(
                action.pk, action.kind, action.listing_id, action.decision_id, action.idempotency_key,
                "active", "removed"))
    assert WebhookEvent.objects.count() == 0
