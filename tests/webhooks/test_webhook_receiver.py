"""The proof: a real receiver on 127.0.0.1 that fails half the time and answers slowly. Driving
the deliveries and the beat sweep (moving the clock, not sleeping through the backoff) gets every
event delivered; the receiver dedupes by webhook-id and processes each event exactly once; every
request it got carried a signature it could verify with the secret it holds."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.db.models import Max

from actions.models import EnforcementAction
from actions.tasks import apply_action
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from webhooks.services import webhook_endpoint_rotate_secret
from webhooks.signing import SignatureError, verify
from webhooks.tasks import sweep_webhook_deliveries

from ..actions.test_worker_integration import queue, start_worker, wait_for  # noqa: F401 (fixtures used below)
from .webhooks import endpoint_for, marketplace_user, remove_listing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

READ_TIMEOUT = 0.2


class Receiver:
    """A marketplace receiver: verifies, dedupes by webhook-id, processes each event once.
    Request n answers by the cycle: 500; slow (processes, then answers after the sender's read
    timeout); 503; 200."""

    def __init__(self, secret: str):
        self.secret, self.lock = secret, threading.Lock()
        self.requests, self.bad_signatures, self.duplicates = 0, 0, 0
        self.processed: dict[str, bytes] = {}
        self.signature_counts: set[int] = set()

    def handle(self, headers: dict, body: bytes) -> tuple[int, float]:
        with self.lock:
            n, self.requests = self.requests, self.requests + 1
            self.signature_counts.add(len(headers.get("webhook-signature", "").split(" ")))
            try:
                verify(secret=self.secret, headers=headers, body=body)
            except SignatureError:
                self.bad_signatures += 1
                return 401, 0
            if n % 4 in (0, 2):
                return (500 if n % 4 == 0 else 503), 0.02
            if headers["webhook-id"] in self.processed:
                self.duplicates += 1
            else:
                self.processed[headers["webhook-id"]] = body
            return 200, (READ_TIMEOUT * 2 if n % 4 == 1 else 0.02)


def _serve(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status, delay = receiver.handle(dict(self.headers.items()), body)
            threading.Event().wait(delay)
            try:
                self.send_response(status)
                self.end_headers()
            except OSError:
                pass  # the sender timed out and hung up

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_every_event_reaches_a_flaky_slow_receiver_exactly_once(world, settings):
    settings.WEBHOOK_ALLOW_HTTP, settings.WEBHOOK_READ_TIMEOUT = True, READ_TIMEOUT
    settings.OUTBOUND_ALLOW_LOOPBACK = True  # the receiver is on 127.0.0.1 (development only)
    market = marketplace_user()
    receiver = Receiver(secret="")
    server = _serve(receiver)
    try:
        endpoint = endpoint_for(market, url=f"http://127.0.0.1:{server.server_address[1]}/hooks")
        # The receiver still holds the previous secret: rotation must not break it.
        receiver.secret = endpoint.secret
        webhook_endpoint_rotate_secret(endpoint=endpoint, actor=market)

        for listing in [*world.listings_a, *world.listings_b]:
            remove_listing(world, listing)
        for action in EnforcementAction.objects.all():  # every task run twice: nothing new
            apply_action.delay(action.pk)

        for _ in range(40):
            due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(t=Max("next_attempt_at"))["t"]
            if due is None:
                break
            with time_machine.travel(due + timedelta(seconds=1)):
                sweep_webhook_deliveries.delay()
    finally:
        server.shutdown()
        server.server_close()

    events = set(WebhookEvent.objects.values_list("event_id", flat=True))
    assert len(events) == 5 and WebhookDelivery.objects.count() == 5
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert set(receiver.processed) == events  # each event processed, once
    assert receiver.bad_signatures == 0 and receiver.signature_counts == {2}
    assert receiver.duplicates >= 1  # a slow answer timed out, was sent again, and was deduped
    assert receiver.requests > 5 * 2 - 1  # half failed, so retries happened
    assert sum(WebhookDelivery.objects.values_list("attempts", flat=True)) == receiver.requests


@pytest.mark.worker
def test_a_real_worker_gets_every_event_to_the_flaky_receiver_once(world, settings, monkeypatch, request):
    """The same proof end to end: a celery worker process on Redis and PostgreSQL sends; this test
    plays beat, calling the sweep. The worker's clock is real, so the backoff is made short."""
    for name, value in {"WEBHOOK_RETRY_BASE_SECONDS": "1", "WEBHOOK_RETRY_MAX_SECONDS": "2",
                        "WEBHOOK_READ_TIMEOUT": str(READ_TIMEOUT), "WEBHOOK_LEASE_SECONDS": "5",
                        "WEBHOOK_ALLOW_HTTP": "true", "OUTBOUND_ALLOW_LOOPBACK": "true"}.items():
        monkeypatch.setenv(name, value)  # read by the worker process's settings
    settings.WEBHOOK_ALLOW_HTTP, settings.WEBHOOK_LEASE_SECONDS = True, 5
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    request.getfixturevalue("queue")
    worker = request.getfixturevalue("start_worker")()
    receiver = Receiver(secret="")
    server = _serve(receiver)
    try:
        endpoint = endpoint_for(marketplace_user(), url=f"http://127.0.0.1:{server.server_address[1]}/hooks")
        receiver.secret = endpoint.secret
        for listing in [*world.listings_a, *world.listings_b]:
            remove_listing(world, listing)  # the worker applies each takedown, then sends its event
        for action in EnforcementAction.objects.all():
            apply_action.delay(action.pk)  # every takedown task delivered twice

        def all_delivered() -> bool:
            from webhooks.services import webhook_deliveries_sweep

            webhook_deliveries_sweep()  # what beat does every 15 s
            statuses = list(WebhookDelivery.objects.values_list("status", flat=True))
            return len(statuses) == 5 and set(statuses) == {DeliveryStatus.DELIVERED}

        wait_for(all_delivered, what="every webhook to be delivered", worker=worker, timeout=60)
    finally:
        server.shutdown()
        server.server_close()

    assert set(receiver.processed) == set(WebhookEvent.objects.values_list("event_id", flat=True))
    assert len(receiver.processed) == 5 and receiver.bad_signatures == 0 and receiver.duplicates >= 1
    assert WebhookEvent.objects.count() == 5
