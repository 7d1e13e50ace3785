"""Delivery attempts: 2xx delivers, failures back off on the row (no broker countdowns) for up to
3 days, 410 disables the endpoint, timeouts count as failures, stale messages send nothing,
the beat sweep takes back what a dead worker held, and a person can redeliver."""

import random
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone

from webhooks import client
from webhooks.models import DeliveryStatus, EndpointStatus, WebhookDelivery
from webhooks.services import (
    WebhookError,
    retry_delay,
    webhook_delivery_redeliver,
    webhook_endpoint_disable,
    webhook_endpoint_rotate_secret,
)
from webhooks.signing import verify
from webhooks.tasks import deliver_webhook, sweep_webhook_deliveries

from .webhooks import FakeReceiver, endpoint_for, marketplace_user, remove_listing

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def receiver(monkeypatch):
    fake = FakeReceiver()
    monkeypatch.setattr(client, "post", fake)
    return fake


@pytest.fixture
def market(db):
    return marketplace_user()


def sweep() -> int:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return sweep_webhook_deliveries.delay().get()


def _delivery():
    return WebhookDelivery.objects.select_related("endpoint", "event").get()


@pytest.mark.parametrize("attempts", range(1, 16))
def test_the_backoff_doubles_from_30_seconds_up_to_6_hours_with_jitter(attempts):
    ceiling = min(6 * 3600, 30 * 2 ** (attempts - 1))
    delays = {retry_delay(attempts, random.Random(seed)).total_seconds() for seed in range(50)}
    assert all(ceiling * 0.5 <= d <= ceiling for d in delays)
    assert len(delays) > 40  # jittered, not a fixed schedule


def test_a_2xx_answer_delivers(world, market, receiver):
    endpoint_for(market)
    remove_listing(world)
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert delivery.last_response_code == 200 and delivery.delivered_at and delivery.next_attempt_at is None


def test_a_failure_schedules_the_next_attempt_on_the_row_and_the_sweep_sends_it_when_due(world, market, receiver):
    endpoint_for(market)
    receiver.answers = [500, 503]
    remove_listing(world)
    first = _delivery()
    assert first.status == DeliveryStatus.PENDING and first.attempts == 1
    assert first.last_response_code == 500 and first.last_error == "HTTP 500"
    assert first.last_attempt_at + timedelta(seconds=15) <= first.next_attempt_at
    assert first.next_attempt_at <= first.last_attempt_at + timedelta(seconds=30)

    assert sweep() == 0  # not due yet: nothing queued
    with time_machine.travel(first.next_attempt_at + timedelta(seconds=1)):
        assert sweep() == 1
    second = _delivery()
    assert second.attempts == 2 and second.last_response_code == 503
    assert second.last_attempt_at + timedelta(seconds=30) <= second.next_attempt_at
    assert second.next_attempt_at <= second.last_attempt_at + timedelta(seconds=60)

    with time_machine.travel(second.next_attempt_at + timedelta(seconds=1)):
        assert sweep() == 1
    third = _delivery()
    assert third.status == DeliveryStatus.DELIVERED and third.attempts == 3
    assert len({c["headers"]["webhook-id"] for c in receiver.calls}) == 1  # same id on every attempt
    assert len({c["headers"]["webhook-timestamp"] for c in receiver.calls}) == 3  # signed afresh


def test_it_gives_up_three_days_after_the_first_attempt(world, market, receiver):
    endpoint_for(market)
    receiver.answers = [502] * 100
    remove_listing(world)
    start = _delivery().window_started_at
    for _ in range(100):
        delivery = _delivery()
        if delivery.status != DeliveryStatus.PENDING:
            break
        with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=False):
            sweep()
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith(f"Gave up after {delivery.attempts} attempts over 3 days.")
    assert 3 * DAY <= delivery.last_attempt_at - start <= 3 * DAY + timedelta(seconds=2)
    assert 15 <= delivery.attempts <= 40  # doubling to a 6 h cap, then ~every 3–6 h
    assert len(receiver.calls) == delivery.attempts


def test_a_410_gone_fails_the_delivery_and_disables_the_endpoint(world, market, receiver, client):
    endpoint = endpoint_for(market)
    receiver.answers = [410]
    remove_listing(world)
    delivery = _delivery()
    endpoint.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_response_code == 410
    assert endpoint.status == EndpointStatus.DISABLED and "410 Gone" in endpoint.disabled_reason

    remove_listing(world, world.listings_a[1])  # nothing more is sent to it
    assert len(receiver.calls) == 1 and WebhookDelivery.objects.count() == 1
    client.force_login(market)
    page = client.get(f"/marketplace/webhooks/{endpoint.pk}/").content.decode()
    assert "410 Gone" in page and "Disabled" in page


def test_a_delivery_pending_for_an_endpoint_disabled_meanwhile_fails_without_sending(world, market, receiver):
    endpoint = endpoint_for(market)
    receiver.answers = [500]
    remove_listing(world)
    webhook_endpoint_disable(endpoint=endpoint, actor=market)
    with time_machine.travel(_delivery().next_attempt_at + timedelta(seconds=1)):
        sweep()
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.FAILED and "disabled" in delivery.last_error
    assert len(receiver.calls) == 1


def test_a_duplicate_or_stale_message_sends_nothing(world, market, receiver):
    endpoint_for(market)
    receiver.answers = [500]
    remove_listing(world)
    delivery = _delivery()
    assert deliver_webhook.delay(delivery.pk, 1).get() == "stale"  # the first message, delivered again
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        assert deliver_webhook.delay(delivery.pk, delivery.lease_token).get() == "delivered"
        assert deliver_webhook.delay(delivery.pk, delivery.lease_token).get() == "stale"
    assert len(receiver.calls) == 2


def test_the_sweep_takes_back_a_delivery_whose_worker_died_mid_request(world, market, receiver, monkeypatch):
    endpoint_for(market)

    def killed(**kwargs):
        raise SystemExit("worker killed")  # nothing is recorded; the row keeps its lease

    monkeypatch.setattr(client, "post", killed)
    with pytest.raises(SystemExit):
        remove_listing(world)
    held = _delivery()
    assert held.status == DeliveryStatus.PENDING and held.attempts == 1
    assert sweep() == 0  # leased for WEBHOOK_LEASE_SECONDS
    monkeypatch.setattr(client, "post", receiver)
    with time_machine.travel(held.next_attempt_at + timedelta(seconds=1)):
        assert sweep() == 1
    assert _delivery().status == DeliveryStatus.DELIVERED and _delivery().attempts == 2


def test_a_lost_first_message_is_sent_by_the_sweep(world, market, receiver, monkeypatch):
    endpoint_for(market)
    monkeypatch.setattr(deliver_webhook, "delay", lambda *args: None)  # the broker dropped it
    remove_listing(world)
    monkeypatch.undo()
    monkeypatch.setattr(client, "post", receiver)
    delivery = _delivery()
    assert delivery.attempts == 0
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        assert sweep() == 1
    assert _delivery().status == DeliveryStatus.DELIVERED


def test_the_sweep_works_in_small_batches(world, market, receiver, settings):
    settings.WEBHOOK_SWEEP_BATCH = 2
    for n in range(5):
        endpoint_for(market, url=f"https://hooks.example.test/{n}")
    receiver.answers = [500] * 5
    remove_listing(world)
    latest = max(WebhookDelivery.objects.values_list("next_attempt_at", flat=True))
    with time_machine.travel(latest + timedelta(seconds=1)):
        assert sweep() == 5
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_a_rotated_secret_signs_beside_the_new_one_for_24_hours(world, market, receiver):
    endpoint = endpoint_for(market)
    old_secret = endpoint.secret
    endpoint = webhook_endpoint_rotate_secret(endpoint=endpoint, actor=market)
    remove_listing(world)
    call = receiver.calls[-1]
    assert len(call["headers"]["webhook-signature"].split(" ")) == 2
    verify(secret=old_secret, headers=call["headers"], body=call["body"])
    verify(secret=endpoint.secret, headers=call["headers"], body=call["body"])

    with time_machine.travel(timezone.now() + DAY + timedelta(minutes=1)):
        remove_listing(world, world.listings_a[1])
        assert len(receiver.calls[-1]["headers"]["webhook-signature"].split(" ")) == 1


def test_redelivering_a_delivered_event_sends_it_again_with_the_same_id(world, market, receiver):
    endpoint_for(market)
    remove_listing(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        webhook_delivery_redeliver(delivery=_delivery(), actor=market)
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert [c["headers"]["webhook-id"] for c in receiver.calls] == [delivery.event.event_id] * 2


def test_redelivering_a_failed_delivery_opens_a_fresh_window(world, market, receiver):
    endpoint_for(market)
    receiver.answers = [400]
    remove_listing(world)
    failed = _delivery()
    WebhookDelivery.objects.filter(pk=failed.pk).update(status=DeliveryStatus.FAILED)  # as after 3 days
    later = timezone.now() + 4 * DAY
    with time_machine.travel(later), TestCase.captureOnCommitCallbacks(execute=True):
        webhook_delivery_redeliver(delivery=failed, actor=market)
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.window_started_at >= later


def test_redelivering_a_pending_delivery_sends_it_now(world, market, receiver):
    endpoint_for(market)
    receiver.answers = [500]
    remove_listing(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        webhook_delivery_redeliver(delivery=_delivery(), actor=market)
    assert _delivery().status == DeliveryStatus.DELIVERED and len(receiver.calls) == 2


def test_redelivery_is_refused_while_the_endpoint_is_disabled(world, market, receiver):
    endpoint = endpoint_for(market)
    remove_listing(world)
    webhook_endpoint_disable(endpoint=endpoint, actor=market)
    with pytest.raises(WebhookError, match="Enable the endpoint first"):
        webhook_delivery_redeliver(delivery=_delivery(), actor=market)


class _Slow(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        threading.Event().wait(0.5)
        try:
            self.send_response(200)
            self.end_headers()
        except OSError:
            pass  # the sender hung up, as it should

    def log_message(self, *args):
        pass


def test_a_slow_receiver_times_out_and_counts_as_a_failure(world, market, settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.WEBHOOK_ALLOW_HTTP, settings.WEBHOOK_READ_TIMEOUT = True, 0.2
        settings.OUTBOUND_ALLOW_LOOPBACK = True
        endpoint_for(market, url=f"http://127.0.0.1:{server.server_address[1]}/hook")
        remove_listing(world)
    finally:
        server.shutdown()
        server.server_close()
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_response_code is None and delivery.last_error == "Timed out (connect or read)"
    assert delivery.next_attempt_at > delivery.last_attempt_at


def test_a_refused_connection_counts_as_a_failure(world, market, settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    settings.WEBHOOK_ALLOW_HTTP = settings.OUTBOUND_ALLOW_LOOPBACK = True
    endpoint_for(market, url=f"http://127.0.0.1:{port}/hook")
    remove_listing(world)
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_response_code is None
    assert "ConnectionRefused" in delivery.last_error
