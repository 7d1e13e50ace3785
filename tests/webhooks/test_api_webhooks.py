"""The webhooks API: token auth, marketplace accounts only, each its own endpoints, 400s naming
the field."""

import pytest

from webhooks import client as http_client
from webhooks.models import DeliveryStatus, EndpointStatus, WebhookDelivery, WebhookEndpoint

from ..factories import api_key_for
from .webhooks import FakeReceiver, endpoint_for, marketplace_user, remove_listing

pytestmark = pytest.mark.django_db

API = "/api/v1/webhooks/"


@pytest.fixture
def market(db):
    return marketplace_user()


@pytest.fixture
def receiver(monkeypatch):
    fake = FakeReceiver()
    monkeypatch.setattr(http_client, "post", fake)
    return fake


def _auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_key_for(user)}"}


def _post(client, user, path, data=None):
    return client.post(API + path, data or {}, content_type="application/json", **_auth(user))


def test_a_marketplace_registers_an_endpoint_and_gets_its_secret(client, market):
    response = _post(client, market, "endpoints/", {"url": "https://hooks.example.test/in",
                                                    "event_types": ["listing.removed", "listing.reinstated"]})
    assert response.status_code == 201
    body, endpoint = response.json(), WebhookEndpoint.objects.get()
    assert body["id"] == endpoint.pk and body["secret"] == endpoint.secret and body["status"] == "enabled"
    assert body["event_types"] == ["listing.reinstated", "listing.removed"] and endpoint.owner == market


@pytest.mark.parametrize("data,field,message", [
    ({"url": "nope", "event_types": ["listing.removed"]}, "url", "Enter a valid URL."),
    ({"url": "https://hooks.example.test/in", "event_types": ["listing.exploded"]}, "event_types",
     '"listing.exploded" is not a valid choice.'),
    ({"url": "https://hooks.example.test/in", "event_types": []}, "event_types", "This selection may not be empty."),
    ({"event_types": ["listing.removed"]}, "url", "This field is required."),
], ids=["bad-url", "unknown-event", "no-events", "missing-url"])
def test_bad_input_is_a_400_naming_the_field(client, market, data, field, message):
    response = _post(client, market, "endpoints/", data)
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert WebhookEndpoint.objects.count() == 0


def test_plain_http_is_refused_in_production(client, market, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    response = _post(client, market, "endpoints/", {"url": "http://hooks.example.test/in",
                                                    "event_types": ["listing.removed"]})
    assert response.status_code == 400 and "https://" in response.json()["url"][0]


def test_the_list_holds_only_the_callers_endpoints_without_secrets(client, market):
    mine = endpoint_for(market)
    endpoint_for(marketplace_user("market2"), url="https://other.example.test/hook")
    body = client.get(API + "endpoints/", **_auth(market)).json()
    assert [e["id"] for e in body["results"]] == [mine.pk] and "secret" not in body["results"][0]


def test_it_updates_event_types_and_disables(client, market):
    endpoint = endpoint_for(market)
    response = client.patch(f"{API}endpoints/{endpoint.pk}/", {"event_types": ["listing.reinstated"], "enabled": False},
                            content_type="application/json", **_auth(market))
    assert response.status_code == 200
    assert response.json()["event_types"] == ["listing.reinstated"] and response.json()["status"] == "disabled"
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.DISABLED


def test_a_patch_with_an_unknown_event_type_changes_nothing(client, market):
    endpoint = endpoint_for(market)
    response = client.patch(f"{API}endpoints/{endpoint.pk}/", {"event_types": ["nope"]},
                            content_type="application/json", **_auth(market))
    assert response.status_code == 400 and "event_types" in response.json()
    endpoint.refresh_from_db()
    assert endpoint.event_types == ["listing.reinstated", "listing.removed"]


def test_it_rotates_the_secret(client, market):
    endpoint = endpoint_for(market)
    response = _post(client, market, f"endpoints/{endpoint.pk}/rotate-secret/")
    assert response.status_code == 200
    endpoint.refresh_from_db()
    assert response.json()["secret"] == endpoint.secret != endpoint.previous_secret


def test_it_lists_deliveries_and_redelivers(world, client, market, receiver, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(market)
    receiver.answers = [500]
    remove_listing(world)
    (row,) = client.get(f"{API}endpoints/{endpoint.pk}/deliveries/", **_auth(market)).json()["results"]
    assert row["status"] == "pending" and row["attempts"] == 1 and row["last_response_code"] == 500
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, market, f"deliveries/{row['id']}/redeliver/")
    assert response.status_code == 202
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_another_marketplace_account_gets_404(world, client, market, receiver):
    theirs = endpoint_for(marketplace_user("market2"), url="https://other.example.test/hook")
    remove_listing(world)
    delivery = WebhookDelivery.objects.get()
    auth = _auth(market)
    assert client.get(f"{API}endpoints/{theirs.pk}/", **auth).status_code == 404
    assert client.patch(f"{API}endpoints/{theirs.pk}/", {"enabled": False}, content_type="application/json",
                        **auth).status_code == 404
    assert _post(client, market, f"endpoints/{theirs.pk}/rotate-secret/").status_code == 404
    assert client.get(f"{API}endpoints/{theirs.pk}/deliveries/", **auth).status_code == 404
    assert _post(client, market, f"deliveries/{delivery.pk}/redeliver/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == EndpointStatus.ENABLED and WebhookDelivery.objects.get().attempts == 1


@pytest.mark.parametrize("persona", ["alice", "rev1", "sam", "outsider"])
def test_other_roles_are_forbidden(world, client, persona):
    user = getattr(world, persona)
    assert client.get(API + "endpoints/", **_auth(user)).status_code == 403
    assert _post(client, user, "endpoints/", {"url": "https://x.example.test/", "event_types": ["listing.removed"]}
                 ).status_code == 403


def test_without_a_token_it_is_401(client, db):
    assert client.get(API + "endpoints/").status_code == 401


def test_the_schema_documents_the_webhook_operations(client, db):
    schema = client.get("/api/schema/").content.decode()
    for path in ["/api/v1/webhooks/endpoints/", "/api/v1/webhooks/endpoints/{id}/rotate-secret/",
                 "/api/v1/webhooks/deliveries/{id}/redeliver/"]:
        assert path in schema
    assert "EndpointWithSecretOut" in schema and "listing.reinstated" in schema
