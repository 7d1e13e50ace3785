"""Webhook endpoints cannot point inside: refused at save (page and API, naming the field), and a
name that resolves inside is refused at every delivery without a connection; the delivery log
keeps the status and a short error, never the answer's body (also for rows written before)."""

import http.server
import importlib
import threading

import pytest

from common import outbound
from webhooks.admin import WebhookEndpointAdmin
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

from .test_api_webhooks import _post
from .webhooks import endpoint_for, marketplace_user, remove_listing

pytestmark = pytest.mark.django_db

INSIDE = ["https://127.0.0.1/hook", "https://[::1]/hook", "https://localhost/hook", "https://0.0.0.0/hook",
          "https://169.254.169.254/latest/meta-data/", "https://10.0.0.8/hook", "https://192.168.1.1/hook",
          "https://[::ffff:127.0.0.1]/hook", "https://2130706433/hook", "https://metadata.google.internal/"]


@pytest.fixture
def market(db):
    return marketplace_user()


@pytest.mark.parametrize("url", INSIDE)
def test_the_page_refuses_an_inside_address_naming_the_field(client, market, url):
    client.force_login(market)
    response = client.post("/marketplace/webhooks/", {"url": url, "event_types": ["listing.removed"]})
    assert response.status_code == 400
    assert any(m in str(response.context["form"].errors["url"]) for m in ("Receiver URL:", "Enter a valid URL"))
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize("url", INSIDE)
def test_the_api_refuses_an_inside_address_naming_the_field(client, market, url):
    response = _post(client, market, "endpoints/", {"url": url, "event_types": ["listing.removed"]})
    assert response.status_code == 400 and response.json()["url"][0].startswith(("Receiver URL:", "Enter a valid URL"))
    assert WebhookEndpoint.objects.count() == 0


def test_changing_the_url_to_an_inside_address_is_refused(client, market):
    endpoint = endpoint_for(market)
    response = client.patch(f"/api/v1/webhooks/endpoints/{endpoint.pk}/", {"url": "https://10.1.1.1/x"},
                            content_type="application/json", **_auth_for(market))
    assert response.status_code == 400 and "private" in response.json()["url"][0]
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.example.test/ipportal"


def _auth_for(user):
    from .test_api_webhooks import _auth

    return _auth(user)


def test_the_admin_cannot_change_an_endpoints_url():
    assert "url" in WebhookEndpointAdmin.readonly_fields
    assert not WebhookEndpointAdmin.has_add_permission(None, None)


def test_a_name_resolving_to_the_metadata_address_is_refused_at_delivery(world, market, monkeypatch, client):
    lookups = []
    monkeypatch.setattr(outbound, "resolve", lambda host, port: lookups.append(host) or ["169.254.169.254"])
    monkeypatch.setattr(outbound.socket, "create_connection", lambda *a, **k: pytest.fail("connected"))
    endpoint = endpoint_for(market, url="https://rebound.example.test/hook")  # saved: the name looked public
    remove_listing(world)
    delivery = WebhookDelivery.objects.get()
    assert lookups == ["rebound.example.test"]
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_response_code is None
    assert "link-local" in delivery.last_error and "169.254" not in delivery.last_error
    client.force_login(market)
    assert "link-local address" in client.get(f"/marketplace/webhooks/{endpoint.pk}/").content.decode()


class _Failing(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b"<h1>Internal admin</h1> db_password=hunter2"
        self.send_response(503)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_log_keeps_the_status_never_the_body(world, market, settings, client):
    settings.WEBHOOK_ALLOW_HTTP = settings.OUTBOUND_ALLOW_LOOPBACK = True  # development
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = endpoint_for(market, url=f"http://127.0.0.1:{server.server_address[1]}/hook")
        remove_listing(world)
    finally:
        server.shutdown()
        server.server_close()
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_response_code == 503 and delivery.last_error == "HTTP 503 Service Unavailable"
    client.force_login(market)
    page = client.get(f"/marketplace/webhooks/{endpoint.pk}/").content.decode()
    assert "503" in page and "hunter2" not in page
    api = client.get(f"/api/v1/webhooks/endpoints/{endpoint.pk}/deliveries/", **_auth_for(market)).json()
    assert api["results"][0]["last_error"] == "HTTP 503 Service Unavailable"


def test_loopback_is_refused_without_the_development_setting(market, settings):
    settings.WEBHOOK_ALLOW_HTTP, settings.OUTBOUND_ALLOW_LOOPBACK = True, False
    with pytest.raises(Exception, match="loopback"):
        endpoint_for(market, url="http://127.0.0.1:8001/hook")


def test_the_migration_drops_bodies_kept_before():
    scrub = importlib.import_module("webhooks.migrations.0003_delivery_error_short").scrub
    assert scrub("HTTP 500 Internal Server Error: <html>secret\nstuff</html>") == "HTTP 500 Internal Server Error"
    assert scrub("Gave up after 25 attempts over 3 days. Last: HTTP 502 Bad Gateway: body") == \
        "Gave up after 25 attempts over 3 days. Last: HTTP 502 Bad Gateway"
    assert scrub("Timed out (connect or read)") == "Timed out (connect or read)"
    assert len(scrub("x" * 5000)) == 300


@pytest.mark.parametrize("url", INSIDE[:6])
def test_the_model_refuses_an_inside_address_in_any_model_form(market, url):
    from django.core.exceptions import ValidationError

    endpoint = WebhookEndpoint(owner=market, url=url, event_types=["listing.removed"], secret="whsec_x")
    with pytest.raises(ValidationError) as exc:
        endpoint.full_clean()
    assert "url" in exc.value.message_dict
