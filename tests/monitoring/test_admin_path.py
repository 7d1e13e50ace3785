"""An admin edit of a listing goes through listing_upsert, so monitoring checks it too."""

import pytest
from django.urls import reverse

from complaints.models import Case, CaseSource
from listings.models import Listing

from .helpers import set_rules

pytestmark = pytest.mark.django_db


def test_an_admin_edit_is_checked_like_any_other_change(world, admin_client, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"], countries_mode="flag")
    listing = world.listings_b[0]
    url = reverse("admin:listings_listing_change", args=[listing.pk])
    data = {"seller": listing.seller_id, "title": "ACME headphones", "description": "", "brand_name": "",
            "ships_from": "CN", "price": "9.99", "currency": "USD", "url": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302
    assert Listing.objects.get(pk=listing.pk).title == "ACME headphones"
    assert Listing.objects.get(pk=listing.pk).external_id == listing.external_id
    assert Case.objects.filter(listing=listing, source=CaseSource.AUTOMATIC).exists()


def test_an_admin_add_is_checked_too(world, admin_client, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"], countries_mode="flag")
    data = {"external_id": "ADM-1", "seller": world.seller_b.pk, "title": "Acme cable", "description": "",
            "brand_name": "", "ships_from": "CN", "price": "9.99", "currency": "USD", "url": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:listings_listing_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    listing = Listing.objects.get(external_id="ADM-1")
    assert Case.objects.filter(listing=listing, source=CaseSource.AUTOMATIC).exists()
