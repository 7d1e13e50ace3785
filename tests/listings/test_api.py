from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from listings.models import Listing, ListingStatus

from ..factories import UserFactory, api_key_for

URL = "/api/v1/listings/"


@pytest.fixture
def marketplace(db):
    return UserFactory(username="market", role="marketplace")


def _post(client, user, payload):
    return client.post(URL, payload, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")


def _payload(world, **overrides):
    data = {"external_id": "M-1001", "seller_external_id": world.seller_a.external_id,
            "title": "Running shoe", "brand_name": "Acme", "ships_from": "VN", "price": "49.90"}
    data.update(overrides)
    return data


def test_the_url_is_the_named_route():
    assert reverse("listings_api:listing_upsert") == URL


def test_it_creates_then_updates_a_listing(world, client, marketplace):
    created = _post(client, marketplace, _payload(world))
    assert created.status_code == 201
    assert created.json()["external_id"] == "M-1001" and created.json()["status"] == "active"
    assert created.json()["seller_external_id"] == world.seller_a.external_id

    updated = _post(client, marketplace, _payload(world, title="Running shoe v2", price="39.00"))
    assert updated.status_code == 200
    listing = Listing.objects.get(external_id="M-1001")
    assert (listing.title, listing.price, listing.seller) == ("Running shoe v2", Decimal("39.00"), world.seller_a)
    assert Listing.objects.filter(external_id="M-1001").count() == 1


def test_the_api_never_changes_a_listings_status(world, client, marketplace):
    listing = world.listings_a[0]
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.REMOVED)
    entries = AuditEntry.objects.count()
    response = _post(client, marketplace, _payload(world, external_id=listing.external_id, status="active"))
    assert response.status_code == 200
    assert response.json()["status"] == "removed"
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED
    assert AuditEntry.objects.count() == entries

    new = _post(client, marketplace, _payload(world, external_id="M-2002", status="removed"))
    assert new.status_code == 201 and new.json()["status"] == "active"


@pytest.mark.parametrize("persona", ["alice", "rev1", "sam"])
def test_only_the_marketplace_account_can_push(world, client, persona):
    response = _post(client, getattr(world, persona), _payload(world))
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the marketplace's service account can push listings."
    assert not Listing.objects.filter(external_id="M-1001").exists()


def test_it_refuses_an_anonymous_push(world, client):
    response = client.post(URL, _payload(world), content_type="application/json")
    assert response.status_code == 401
    assert not Listing.objects.filter(external_id="M-1001").exists()


def test_it_refuses_a_bad_token(world, client):
    response = client.post(URL, _payload(world), content_type="application/json",
                           HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401


@pytest.mark.parametrize("ships_from", ["vn", "VNM", "", "1A"])
def test_it_names_a_bad_ships_from(world, client, marketplace, ships_from):
    response = _post(client, marketplace, _payload(world, ships_from=ships_from))
    assert response.status_code == 400
    assert list(response.json()) == ["ships_from"]
    assert not Listing.objects.filter(external_id="M-1001").exists()


def test_it_names_an_unknown_seller(world, client, marketplace):
    response = _post(client, marketplace, _payload(world, seller_external_id="S-NOPE"))
    assert response.status_code == 400
    assert response.json() == {"seller_external_id": ["Unknown seller; register the seller first."]}
    assert not Listing.objects.filter(external_id="M-1001").exists()


def test_it_names_every_missing_field(world, client, marketplace):
    response = _post(client, marketplace, {})
    assert response.status_code == 400
    assert set(response.json()) == {"external_id", "seller_external_id", "title", "ships_from", "price"}


def test_it_refuses_a_get(world, client, marketplace):
    assert client.get(URL, HTTP_AUTHORIZATION=f"Token {api_key_for(marketplace)}").status_code == 405
