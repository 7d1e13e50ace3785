"""Listings with images: the ingest API accepts URLs or the marketplace's hashes; a worker fetches
each URL safely, hashes it and keeps a thumbnail; every bad image fails with its reason while the
listing stays stored, and a failed fetch is retried with backoff."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from PIL import Image

from audit.models import AuditEntry
from imagery import services
from imagery.models import ImageStatus, ListingImage
from listings.models import Listing

from ..factories import UserFactory, api_key_for
from .pictures import jpeg, logo

BULK = "/api/v1/listings/bulk/"
ONE = "/api/v1/listings/"


@pytest.fixture
def marketplace(db):
    return UserFactory(username="market", role="marketplace")


def _post(client, user, url, payload):
    key = api_key_for(user)
    return client.post(url, payload, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")


def _item(i, seller, **extra):
    return {"external_id": f"IMG-{i}", "seller_external_id": seller.external_id, "title": f"Lamp {i}",
            "ships_from": "DE", "price": "19.90", **extra}


def test_bulk_ingest_stores_images_and_the_worker_hashes_them(world, client, marketplace, image_server,
                                                               logo_jpeg, django_capture_on_commit_callbacks):
    url = image_server.add("/a.jpg", logo_jpeg)
    pdq = "f" * 64
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, marketplace, BULK, {"listings": [
            _item(1, world.seller_a, images=[url, {"pdq": pdq.upper()}]), _item(2, world.seller_a)]})
    assert response.status_code == 200, response.json()
    assert response.json()["listings"]["created"] == 2
    one = Listing.objects.get(external_id="IMG-1")
    fetched, hashed = one.images.order_by("position")
    assert (fetched.status, fetched.url, fetched.failure) == (ImageStatus.READY, url, "")
    assert len(fetched.sha256) == 64 and fetched.phash is not None and fetched.band0 is not None
    assert Image.open(io.BytesIO(fetched.thumbnail)).size[0] <= 240
    assert (hashed.status, hashed.pdq, hashed.origin) == (ImageStatus.READY, pdq, "hash")
    assert not Listing.objects.get(external_id="IMG-2").images.exists()
    assert AuditEntry.objects.filter(action="listingimage.ready", target_id=fetched.pk).exists()


def test_the_same_images_sent_again_change_nothing_and_a_new_list_replaces_the_old(world, client, marketplace):
    items = [_item(1, world.seller_a, images=[{"phash": "00ff00ff00ff00ff"}])]
    _post(client, marketplace, BULK, {"listings": items})
    first = ListingImage.objects.get()
    _post(client, marketplace, BULK, {"listings": items})
    assert list(ListingImage.objects.values_list("pk", flat=True)) == [first.pk]
    items[0]["images"] = [{"phash": "ff00ff00ff00ff00"}]
    _post(client, marketplace, BULK, {"listings": items})
    old, new = ListingImage.objects.order_by("id")
    assert (old.current, new.current, new.phash_hex) == (False, True, "ff00ff00ff00ff00")


def test_bad_image_items_are_refused_naming_the_field(world, client, marketplace):
    response = _post(client, marketplace, BULK, {"listings": [
        _item(1, world.seller_a, images=["http://169.254.169.254/latest/meta-data"]),
        _item(2, world.seller_a, images=[{"pdq": "xyz"}]),
        _item(3, world.seller_a, images=[{"url": "https://a.example/x.jpg", "pdq": "a" * 64}]),
    ]})
    errors = {e["index"]: e["errors"] for e in response.json()["errors"]}
    assert errors[0]["images"][0].startswith("Image 1: ") and "169.254.169.254" in errors[0]["images"][0]
    assert "64 hexadecimal" in str(errors[1]["images"])
    assert "one of url, pdq or phash" in str(errors[2]["images"])
    assert not Listing.objects.filter(external_id__startswith="IMG-").exists()


def test_the_single_listing_api_takes_images_too(world, client, marketplace):
    response = _post(client, marketplace, ONE, _item(9, world.seller_b, images=[{"phash": "0123456789abcdef"}]))
    assert response.status_code == 201
    assert Listing.objects.get(external_id="IMG-9").images.get().phash_hex == "0123456789abcdef"


def _record(listing, url, capture):
    with capture(execute=True):
        services.listing_images_record(images={listing.pk: [url]})
    return ListingImage.objects.get(listing=listing, current=True)


@pytest.mark.parametrize(("route", "expected", "retried"), [
    ("/missing.jpg", "HTTP 404", True),
    ("/page.jpg", "Not an acceptable image: its content is HTML", False),
    ("/moved.jpg", "redirects are not followed", False),
    ("/meta.jpg", "redirects are not followed", False),
    ("/huge.jpg", "Too large", False),
    ("/slow", "Timed out", True),
    ("/bomb.png", "megapixels. Scale it down", False),  # refused from its header, before decoding
])
def test_a_bad_image_fails_with_its_reason_and_the_listing_stays(world, image_server, settings, route, expected,
                                                                 retried, django_capture_on_commit_callbacks):
    settings.IMAGERY_MAX_IMAGE_BYTES = 200_000
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 1_000_000
    image_server.add("/page.jpg", b"<html><body>Sorry</body></html>", **{"Content-Type": "text/html"})
    image_server.add("/moved.jpg", b"", status=302, Location="http://127.0.0.1/admin/")
    image_server.add("/meta.jpg", b"", status=301, Location="http://169.254.169.254/latest/meta-data/")
    image_server.add("/huge.jpg", b"\xff\xd8\xff" + b"0" * 300_000)
    bomb = io.BytesIO()
    Image.new("1", (5000, 5000)).save(bomb, "PNG")  # 25 megapixels in a few kilobytes
    image_server.add("/bomb.png", bomb.getvalue(), **{"Content-Type": "image/png"})
    listing = world.listings_a[0]
    img = _record(listing, image_server.url(route), django_capture_on_commit_callbacks)
    assert img.status == ImageStatus.FAILED
    assert expected in img.failure
    assert (img.retry_at is not None) == retried
    assert Listing.objects.filter(pk=listing.pk).exists()


def test_a_failed_fetch_is_retried_with_backoff_and_succeeds_once_the_image_is_there(
        world, image_server, logo_jpeg, django_capture_on_commit_callbacks):
    img = _record(world.listings_a[0], image_server.url("/later.jpg"), django_capture_on_commit_callbacks)
    assert (img.status, img.attempts) == (ImageStatus.FAILED, 1)
    first_delay = img.retry_at - timezone.now()
    assert services.images_retry_due() == 0  # not due yet
    image_server.add("/later.jpg", logo_jpeg)
    with time_machine.travel(img.retry_at + timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.images_retry_due() == 1
    img.refresh_from_db()
    assert img.status == ImageStatus.READY and img.failure == "" and img.attempts == 2
    assert timedelta(seconds=30) < first_delay <= timedelta(seconds=60)


def test_backoff_grows_and_stops_after_the_last_attempt(world, image_server, settings,
                                                         django_capture_on_commit_callbacks):
    settings.IMAGERY_FETCH_MAX_ATTEMPTS = 3
    img = _record(world.listings_a[0], image_server.url("/gone.jpg"), django_capture_on_commit_callbacks)
    delays = []
    while img.retry_at is not None:
        delays.append((img.retry_at - timezone.now()).total_seconds())
        with time_machine.travel(img.retry_at + timedelta(seconds=1)):
            services.image_fetch(image_id=img.pk)
        img.refresh_from_db()
    assert img.attempts == 3 and img.status == ImageStatus.FAILED
    assert delays[1] > 3 * delays[0]


def test_a_private_address_is_never_fetched(world, settings, django_capture_on_commit_callbacks, monkeypatch):
    from common import outbound

    settings.IMAGERY_ALLOW_HTTP = True
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["10.0.0.7"])
    img = _record(world.listings_a[0], "https://cdn.example.com/a.jpg", django_capture_on_commit_callbacks)
    assert img.status == ImageStatus.FAILED and "private address" in img.failure and img.retry_at is None


def test_the_fetch_is_idempotent(world, image_server, logo_jpeg, django_capture_on_commit_callbacks):
    url = image_server.add("/b.jpg", logo_jpeg)
    img = _record(world.listings_a[0], url, django_capture_on_commit_callbacks)
    assert img.is_ready
    assert services.image_fetch(image_id=img.pk) is None  # a redelivered message does nothing
    assert AuditEntry.objects.filter(action="listingimage.ready", target_id=img.pk).count() == 1


def test_pictures_hash_alike_whatever_their_encoding():
    from certificates import fingerprints as fp
    from imagery.hashes import image_hash

    a, b = image_hash(jpeg(logo(3), 95)), image_hash(jpeg(logo(3), 30))
    assert fp.hamming(a.phash, b.phash) <= 4 and a.sha256 != b.sha256
    assert fp.hamming(a.phash, image_hash(jpeg(logo(4))).phash) > 10
