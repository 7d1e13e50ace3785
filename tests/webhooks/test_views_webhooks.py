"""The marketplace's webhook pages: its own endpoints only (another account's: 404), other roles
403, field errors that keep what was typed, wrong methods 405."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from webhooks import client as http_client
from webhooks.models import DeliveryStatus, EndpointStatus, WebhookDelivery, WebhookEndpoint

from ..views import assert_login_redirect
from .webhooks import FakeReceiver, endpoint_for, marketplace_user, remove_listing

pytestmark = pytest.mark.django_db

LIST = "/marketplace/webhooks/"


@pytest.fixture
def market(db):
    return marketplace_user()


@pytest.fixture
def theirs(db):
    return endpoint_for(marketplace_user("market2"), url="https://other.example.test/hook")


@pytest.fixture
def receiver(monkeypatch):
    fake = FakeReceiver()
    monkeypatch.setattr(http_client, "post", fake)
    return fake


def _as(client, user):
    client.force_login(user)
    return client


def test_the_urls_are_the_named_routes():
    assert reverse("webhooks:webhook_list") == LIST
    assert reverse("webhooks:webhook_detail", args=[3]) == "/marketplace/webhooks/3/"


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert_login_redirect(client.get(LIST), LIST)


@pytest.mark.parametrize("persona", ["alice", "rev1", "senior", "sam", "outsider"])
def test_other_roles_are_forbidden(world, client, persona, theirs):
    user = getattr(world, persona)
    assert _as(client, user).get(LIST).status_code == 403
    assert client.get(f"{LIST}{theirs.pk}/").status_code == 403
    assert client.post(f"{LIST}{theirs.pk}/rotate/").status_code == 403


def test_a_marketplace_lists_only_its_own_endpoints(client, market, theirs):
    mine = endpoint_for(market, description="Production receiver")
    page = _as(client, market).get(LIST)
    assert page.status_code == 200
    assert mine.url in page.content.decode() and "Production receiver" in page.content.decode()
    assert theirs.url not in page.content.decode()


def test_it_adds_an_endpoint_and_shows_its_secret(client, market):
    response = _as(client, market).post(LIST, {"url": "https://hooks.example.test/in", "description": "Prod",
                                               "event_types": ["listing.removed"]})
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{endpoint.pk}/"
    assert endpoint.owner == market and endpoint.event_types == ["listing.removed"]
    assert endpoint.secret in client.get(response["Location"]).content.decode()
    assert endpoint.secret not in str(AuditEntry.objects.values_list("data", flat=True))


@pytest.mark.parametrize("data,field,message", [
    ({"url": "not a url", "event_types": ["listing.removed"]}, "url", "Enter a valid URL"),
    ({"url": "ftp://hooks.example.test/x", "event_types": ["listing.removed"]}, "url", "starting with https://"),
    ({"url": "https://hooks.example.test/x", "event_types": ["listing.exploded"]}, "event_types",
     "Select a valid choice"),
    ({"url": "https://hooks.example.test/x"}, "event_types", "Choose at least one event type"),
], ids=["not-a-url", "ftp", "unknown-event", "no-event"])
def test_bad_input_names_the_field_and_keeps_what_was_typed(client, market, data, field, message):
    response = _as(client, market).post(LIST, {"description": "typed by me", **data})
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert "typed by me" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_plain_http_is_refused_in_production(client, market, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    response = _as(client, market).post(LIST, {"url": "http://hooks.example.test/x",
                                               "event_types": ["listing.removed"]})
    assert response.status_code == 400
    assert "Use an https:// address" in str(response.context["form"].errors["url"])


def test_it_edits_the_event_types(client, market):
    endpoint = endpoint_for(market)
    response = _as(client, market).post(f"{LIST}{endpoint.pk}/", {"url": endpoint.url,
                                                                 "event_types": ["listing.reinstated"]})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.event_types == ["listing.reinstated"]
    assert AuditEntry.objects.filter(action="webhookendpoint.updated", target_id=endpoint.pk).exists()


def test_it_rotates_the_secret(client, market):
    endpoint = endpoint_for(market)
    old = endpoint.secret
    response = _as(client, market).post(f"{LIST}{endpoint.pk}/rotate/")
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old and endpoint.previous_secret_expires_at


def test_it_disables_and_enables_an_endpoint(client, market):
    endpoint = endpoint_for(market)
    _as(client, market).post(f"{LIST}{endpoint.pk}/enabled/", {"enabled": "0"})
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.DISABLED and "Disabled by market" in endpoint.disabled_reason
    assert "Nothing is sent until you enable it" in client.get(f"{LIST}{endpoint.pk}/").content.decode()
    client.post(f"{LIST}{endpoint.pk}/enabled/", {"enabled": "1"})
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.ENABLED and endpoint.disabled_reason == ""


def test_the_delivery_log_shows_status_attempts_and_response_code(world, client, market, receiver):
    endpoint = endpoint_for(market)
    receiver.answers = [502]
    remove_listing(world)
    page = _as(client, market).get(f"{LIST}{endpoint.pk}/").content.decode()
    delivery = WebhookDelivery.objects.get()
    assert delivery.event.event_id in page and "Pending" in page and "502" in page and "HTTP 502" in page


def test_the_redeliver_button_sends_it_again(world, client, market, receiver, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(market)
    remove_listing(world)
    delivery = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(client, market).post(f"{LIST}deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 302 and response["Location"] == f"{LIST}{endpoint.pk}/"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2 and len(receiver.calls) == 2


def test_another_marketplace_account_gets_404_everywhere(world, client, market, theirs, receiver):
    remove_listing(world)
    delivery = WebhookDelivery.objects.get(endpoint=theirs)
    before = (theirs.secret, theirs.status, theirs.event_types, delivery.attempts)
    _as(client, market)
    assert client.get(f"{LIST}{theirs.pk}/").status_code == 404
    assert client.post(f"{LIST}{theirs.pk}/", {"url": "https://evil.example.test/",
                                               "event_types": ["listing.removed"]}).status_code == 404
    assert client.post(f"{LIST}{theirs.pk}/rotate/").status_code == 404
    assert client.post(f"{LIST}{theirs.pk}/enabled/", {"enabled": "0"}).status_code == 404
    assert client.post(f"{LIST}deliveries/{delivery.pk}/redeliver/").status_code == 404
    theirs.refresh_from_db()
    delivery.refresh_from_db()
    assert (theirs.secret, theirs.status, theirs.event_types, delivery.attempts) == before
    assert theirs.url == "https://other.example.test/hook"


@pytest.mark.parametrize("path", ["{pk}/rotate/", "{pk}/enabled/", "deliveries/{pk}/redeliver/"])
def test_actions_refuse_get(client, market, path):
    endpoint = endpoint_for(market)
    assert _as(client, market).get(LIST + path.format(pk=endpoint.pk)).status_code == 405


def test_the_list_page_refuses_put(client, market):
    assert _as(client, market).put(LIST).status_code == 405


def test_the_detail_page_has_a_pinned_query_count(world, client, market, receiver, django_assert_max_num_queries):
    endpoint = endpoint_for(market)
    for listing in world.listings_a:
        remove_listing(world, listing)
    _as(client, market)
    with django_assert_max_num_queries(8):
        assert client.get(f"{LIST}{endpoint.pk}/").status_code == 200


def test_send_test_event_delivers_a_signed_ping_to_that_endpoint_only(client, market, theirs, receiver,
                                                                      django_capture_on_commit_callbacks):
    mine = endpoint_for(market)
    other_mine = endpoint_for(market, url="https://second.example.test/hook")
    url = reverse("webhooks:webhook_test", args=[mine.pk])
    page = _as(client, market).get(reverse("webhooks:webhook_detail", args=[mine.pk]))
    assert "Send test event" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Test event sent." in response.content.decode()
    [call] = receiver.calls
    assert call["url"] == mine.url and b'"type":"ping"' in call["body"]
    assert call["headers"]["webhook-signature"].startswith("v1,")
    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == mine and delivery.status == DeliveryStatus.DELIVERED
    assert not WebhookDelivery.objects.filter(endpoint=other_mine).exists()
    assert client.get(url).status_code == 405
    assert client.post(reverse("webhooks:webhook_test", args=[theirs.pk])).status_code == 404
