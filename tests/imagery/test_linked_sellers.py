"""Repeat infringers: the marketplace sends what links sellers (linked ids, opaque payment and
address hashes); reviewers see linked sellers on the case page and on the seller's links page,
with a suspended one flagged."""


from imagery.models import SellerSignal
from imagery.selectors import linked_sellers
from suspensions.models import Suspension, SuspensionStatus

from ..factories import CaseFactory, SellerFactory, UserFactory, api_key_for

API = "/api/v1/sellers/signals/"


def _post(client, user, payload):
    key = api_key_for(user)
    return client.post(API, payload, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")


def test_the_marketplace_links_sellers_by_id_and_by_fingerprint(world, client):
    market = UserFactory(username="market", role="marketplace")
    third = SellerFactory(external_id="S-3")
    response = _post(client, market, {"external_id": world.seller_a.external_id,
                                      "linked_ids": [world.seller_b.external_id]})
    assert response.status_code == 200 and response.json()["added"] == 1
    _post(client, market, {"external_id": "S-3", "fingerprints": [{"kind": "address", "value": "addr:0f0f0f0f"}]})
    _post(client, market, {"external_id": world.seller_b.external_id,
                           "fingerprints": [{"kind": "address", "value": "addr:0f0f0f0f"}]})
    assert [(ls.seller, ls.why) for ls in linked_sellers(seller_id=world.seller_a.pk)] == [
        (world.seller_b, ["Linked account (marketplace)"])]
    assert {ls.seller for ls in linked_sellers(seller_id=world.seller_b.pk)} == {world.seller_a, third}
    # Sent again: nothing new.
    again = _post(client, market, {"external_id": world.seller_a.external_id,
                                   "linked_ids": [world.seller_b.external_id]})
    assert again.json()["added"] == 0


def test_bad_signals_are_refused_naming_the_field(world, client):
    market = UserFactory(username="market", role="marketplace")
    response = _post(client, market, {"external_id": "NOPE", "fingerprints": [{"kind": "phone", "value": "x"}]})
    assert response.status_code == 400
    body = response.json()
    assert "Unknown seller" in body["external_id"][0] and "kind" in str(body["fingerprints"])
    assert not SellerSignal.objects.exists()
    assert _post(client, world.alice, {"external_id": world.seller_a.external_id}).status_code == 403


def test_reviewers_see_linked_sellers_and_a_suspended_one_flagged(world, client):
    from imagery.services import seller_signals_set

    seller_signals_set(seller=world.seller_a, linked_ids=[world.seller_b.external_id], fingerprints=[])
    Suspension.objects.create(seller=world.seller_b, status=SuspensionStatus.APPROVED, proposed_by=world.rev1,
                              proposal_reason="Counterfeits again and again")
    case = CaseFactory(listing=world.listings_a[0])
    client.force_login(world.rev1)
    page = client.get(f"/review/cases/{case.pk}/").content.decode()
    assert 'data-testid="linked-sellers"' in page and world.seller_b.name in page
    assert 'data-testid="linked-suspended"' in page
    links = client.get(f"/review/sellers/{world.seller_a.pk}/linked/")
    assert links.status_code == 200 and world.seller_b.name in links.content.decode()
    for user in (world.alice, world.sam):
        client.force_login(user)
        assert client.get(f"/review/sellers/{world.seller_a.pk}/linked/").status_code == 403
