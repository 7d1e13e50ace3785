"""The signed one-time link from the marketplace's seller console opens Seller Center."""

import time
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from accounts.models import Role, User
from listings.models import SellerMember
from listings.seller_accounts import seller_link_signature

pytestmark = pytest.mark.django_db
SECRET = "console-shared-secret"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.SELLER_LINK_SECRET = SECRET


def _link(seller, email, name="Tina Shop", expires=None, secret=SECRET, **tamper) -> str:
    expires = expires or int(time.time()) + 600
    params = {"seller": seller.external_id, "email": email, "name": name, "expires": expires,
              "sig": seller_link_signature(seller=seller.external_id, email=email, name=name, expires=expires,
                                           secret=secret)}
    params.update(tamper)
    return reverse("sellers:seller_link") + "?" + urlencode(params)


def test_a_new_seller_gets_an_account_and_seller_center_once(world, client):
    link = _link(world.seller_a, "tina@shop.test")
    resp = client.get(link)
    assert resp.status_code == 302 and resp["Location"] == reverse("sellers:seller_center")
    tina = User.objects.get(username="tina@shop.test")
    assert tina.role == Role.SELLER and SellerMember.objects.filter(seller=world.seller_a, user=tina).exists()
    assert client.get(reverse("sellers:seller_center")).status_code == 200  # logged in
    client.logout()
    resp = client.get(link)
    assert resp.status_code == 400 and "already used" in resp.content.decode()


def test_a_logged_in_seller_is_linked_to_another_seller(world, client):
    client.force_login(world.sam)
    assert client.get(_link(world.seller_b, world.sam.email))["Location"] == reverse("sellers:seller_center")
    assert SellerMember.objects.filter(seller=world.seller_b, user=world.sam).exists()


@pytest.mark.parametrize("case", ["tampered", "wrong key", "expired", "too far ahead", "no key set"])
def test_a_bad_link_links_nothing(world, client, settings, case):
    link = {
        "tampered": lambda: _link(world.seller_a, "tina@shop.test").replace("tina%40", "mallory%40"),
        "wrong key": lambda: _link(world.seller_a, "tina@shop.test", secret="guess"),
        "expired": lambda: _link(world.seller_a, "tina@shop.test", expires=int(time.time()) - 1),
        "too far ahead": lambda: _link(world.seller_a, "tina@shop.test", expires=int(time.time()) + 86400),
        "no key set": lambda: _link(world.seller_a, "tina@shop.test"),
    }[case]()
    if case == "no key set":
        settings.SELLER_LINK_SECRET = ""
    assert client.get(link).status_code == 400
    assert not User.objects.filter(email__in=["tina@shop.test", "mallory@shop.test"]).exists()


def test_a_rights_holder_logged_in_cannot_become_the_seller(world, client):
    client.force_login(world.alice)
    resp = client.get(_link(world.seller_a, world.alice.email))
    assert resp.status_code == 400 and not SellerMember.objects.filter(user=world.alice).exists()
