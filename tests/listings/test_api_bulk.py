"""Bulk ingest: sellers and listings upserted by external id, bad items reported, good ones kept."""

import pytest

from complaints.models import Case, CaseSource
from listings.models import Listing, Seller

from ..factories import UserFactory, api_key_for

URL = "/api/v1/listings/bulk/"


@pytest.fixture
def marketplace(db):
    return UserFactory(username="market", role="marketplace")


def _post(client, user, payload):
    return client.post(URL, payload, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")


def _listing(i, seller="NEW-S1", **overrides):
    item = {"external_id": f"B-{i}", "seller_external_id": seller, "title": f"Lamp {i}", "ships_from": "DE",
            "price": "19.90"}
    item.update(overrides)
    return item


def test_it_upserts_sellers_and_listings_and_reports_each_bad_item(world, client, marketplace):
    payload = {
        "sellers": [{"external_id": "NEW-S1", "name": "Lamp Shop", "country": "DE"},
                    {"external_id": "NEW-S2", "name": "", "country": "germany"}],
        "listings": [_listing(1), _listing(2, ships_from="Germany"), _listing(3, seller="NOPE"),
                     _listing(4, price="-1"), _listing(5, seller=world.seller_a.external_id)],
    }
    response = _post(client, marketplace, payload)
    assert response.status_code == 200
    body = response.json()
    assert body["sellers"] == {"created": 1, "updated": 0, "unchanged": 0, "failed": 1}
    assert body["listings"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 3}
    errors = {(e["kind"], e["index"]): e for e in body["errors"]}
    assert set(errors["seller", 1]["errors"]) == {"name", "country"}
    assert errors["listing", 1]["external_id"] == "B-2" and "ships_from" in errors["listing", 1]["errors"]
    assert "Unknown seller" in errors["listing", 2]["errors"]["seller_external_id"][0]
    assert "price" in errors["listing", 3]["errors"]
    assert set(Listing.objects.filter(external_id__startswith="B-").values_list("external_id", flat=True)) == {
        "B-1", "B-5"}
    assert Seller.objects.get(external_id="NEW-S1").name == "Lamp Shop"


def test_it_is_idempotent_by_external_id(world, client, marketplace):
    payload = {"sellers": [{"external_id": "NEW-S1", "name": "Lamp Shop", "country": "DE"}],
               "listings": [_listing(1), _listing(2)]}
    _post(client, marketplace, payload)
    again = _post(client, marketplace, payload).json()
    assert again["sellers"]["unchanged"] == 1 and again["listings"]["unchanged"] == 2
    payload["listings"][0]["title"] = "Lamp 1, brass"
    changed = _post(client, marketplace, payload).json()
    assert changed["listings"] == {"created": 0, "updated": 1, "unchanged": 1, "failed": 0}
    assert Listing.objects.get(external_id="B-1").title == "Lamp 1, brass"
    assert Listing.objects.filter(external_id__startswith="B-").count() == 2


def test_it_refuses_more_than_a_thousand_items_and_a_body_that_is_not_lists(world, client, marketplace):
    too_many = _post(client, marketplace, {"listings": [_listing(i) for i in range(1001)]})
    assert too_many.status_code == 400 and "listings" in too_many.json()
    assert _post(client, marketplace, {"listings": "B-1"}).status_code == 400
    assert not Listing.objects.filter(external_id__startswith="B-").exists()


def test_only_the_marketplace_may_ingest(world, client):
    assert _post(client, world.alice, {"listings": [_listing(1)]}).status_code == 403
    assert client.post(URL, {}, content_type="application/json").status_code in (401, 403)
    key = api_key_for(UserFactory(username="market2", role="marketplace"))
    assert client.get(URL, HTTP_AUTHORIZATION=f"Token {key}").status_code == 405


def test_ingested_listings_are_checked_by_monitoring(world, client, marketplace, django_capture_on_commit_callbacks):
    from registry.services import protection_rules_set

    with django_capture_on_commit_callbacks(execute=True):
        protection_rules_set(brand=world.brand_a, by=world.alice, countries=["DE"], countries_mode="suppress",
                             sellers=[], sellers_mode="flag", extra_terms=[], misspellings=[])
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, marketplace, {"listings": [_listing(1, seller=world.seller_b.external_id,
                                                          title="ACME lamp", ships_from="CN")]})
    listing = Listing.objects.get(external_id="B-1")
    assert listing.status == "suppressed"
    assert Case.objects.get(listing=listing).source == CaseSource.AUTOMATIC


def test_a_listing_sent_twice_in_one_call_is_reported_once(world, client, marketplace):
    body = _post(client, marketplace, {"listings": [_listing(1, seller=world.seller_a.external_id),
                                                    _listing(1, seller=world.seller_a.external_id)]}).json()
    assert body["listings"]["created"] == 1 and body["errors"][0]["index"] == 1
    assert "Sent twice" in body["errors"][0]["errors"]["external_id"][0]
    body = _post(client, marketplace, {"listings": [_listing(1, seller=world.seller_a.external_id, title="a"),
                                                    _listing(1, seller=world.seller_a.external_id, title="b")]}).json()
    assert body["listings"]["updated"] == 1 and body["errors"][0]["index"] == 1
    assert Listing.objects.get(external_id="B-1").title == "a"


def test_a_row_the_database_refuses_fails_alone(world, monkeypatch):
    """If the one-statement insert is refused (a concurrent call took an id), each item is retried
    on its own and only the one at fault is reported."""
    from django.db import IntegrityError

    from listings import ingest

    def refused_bulk_create(objs, *args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    real_save_new = ingest._save_new

    def save_new(item):
        if item["external_id"] == "B-2":  # another call inserted B-2 between our read and our write
            Listing.objects.create(external_id="B-2", seller=world.seller_b, title="Theirs", ships_from="DE",
                                   price="1")
        return real_save_new(item)

    monkeypatch.setattr(Listing.objects, "bulk_create", refused_bulk_create)
    monkeypatch.setattr(ingest, "_save_new", save_new)
    items = {i: {"external_id": f"B-{i}", "seller": world.seller_a, "title": f"Lamp {i}", "ships_from": "DE",
                 "price": "19.90"} for i in (1, 2, 3)}
    result = ingest.listings_upsert_bulk(items=items)
    assert sorted(result.created) == ["B-1", "B-3"] and list(result.errors) == [2]
