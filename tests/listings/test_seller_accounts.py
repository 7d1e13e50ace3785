"""The marketplace creates or links sellers' accounts; the portal never guesses who acts for a seller."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User
from listings.models import SellerMember

from ..factories import UserFactory, api_key_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketplace(db):
    return UserFactory(username="market", role=Role.MARKETPLACE)


def _post(client, user, external_id, payload, capture):
    key = api_key_for(user)
    with capture(execute=True):
        return client.post(reverse("listings_api:seller_account", args=[external_id]), payload,
                           content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")


def test_a_new_person_gets_an_account_and_a_one_time_password_link(world, client, marketplace,
                                                                    django_capture_on_commit_callbacks):
    resp = _post(client, marketplace, world.seller_a.external_id, {"email": "Tom@Shop.test", "name": "Tom Shop"},
                 django_capture_on_commit_callbacks)
    assert resp.status_code == 201, resp.content
    body = resp.json()
    tom = User.objects.get(username="tom@shop.test")
    assert (tom.role, tom.has_usable_password(), body["created"]) == (Role.SELLER, False, True)
    assert SellerMember.objects.filter(seller=world.seller_a, user=tom).exists()
    assert body["setup_url"] in mail.outbox[-1].body and mail.outbox[-1].to == ["tom@shop.test"]

    path = re.sub(r"^http://[^/]+", "", body["setup_url"])
    form_url = client.get(path)["Location"]  # Django hides the token behind a redirect
    client.post(form_url, {"new_password1": "shop-Pass-2031", "new_password2": "shop-Pass-2031"})
    assert client.login(username="tom@shop.test", password="shop-Pass-2031")
    assert client.get(reverse("sellers:seller_center")).status_code == 200
    client.logout()
    assert "set-password" not in client.get(path).get("Location", "")  # the link worked once


def test_an_existing_seller_account_is_linked_without_a_new_one(world, client, marketplace,
                                                                django_capture_on_commit_callbacks):
    resp = _post(client, marketplace, world.seller_b.external_id, {"email": world.sam.email, "name": "Sam"},
                 django_capture_on_commit_callbacks)
    assert resp.status_code == 200 and resp.json() == {
        "seller_external_id": world.seller_b.external_id, "username": "sam", "created": False, "setup_url": ""}
    assert SellerMember.objects.filter(seller=world.seller_b, user=world.sam).exists()
    assert User.objects.filter(email__iexact=world.sam.email).count() == 1


def test_a_rights_holders_address_is_refused(world, client, marketplace, django_capture_on_commit_callbacks):
    resp = _post(client, marketplace, world.seller_a.external_id, {"email": world.alice.email, "name": "A"},
                 django_capture_on_commit_callbacks)
    assert resp.status_code == 409 and "not a seller" in resp.json()["email"][0]
    assert not SellerMember.objects.filter(user=world.alice).exists()


def test_only_the_marketplace_may_say_who_acts_for_a_seller(world, client, django_capture_on_commit_callbacks):
    for persona in (world.alice, world.sam, world.rev1):
        resp = _post(client, persona, world.seller_a.external_id, {"email": "x@shop.test", "name": "X"},
                     django_capture_on_commit_callbacks)
        assert resp.status_code == 403
    assert not User.objects.filter(email="x@shop.test").exists()


def test_an_unknown_seller_and_bad_input_are_named(world, client, marketplace, django_capture_on_commit_callbacks):
    resp = _post(client, marketplace, "S-nope", {"email": "x@shop.test", "name": "X"},
                 django_capture_on_commit_callbacks)
    assert resp.status_code == 404 and "No seller S-nope" in resp.json()["detail"]
    resp = _post(client, marketplace, world.seller_a.external_id, {"email": "not-an-email"},
                 django_capture_on_commit_callbacks)
    assert resp.status_code == 400 and set(resp.json()) == {"email", "name"}
