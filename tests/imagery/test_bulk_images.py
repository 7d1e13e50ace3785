"""Pictures in an ingest batch: checked image by image with the single API's sentences, written as
rows, and fetched by one message per services.FETCH_CHUNK pictures rather than one per picture."""

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from rest_framework import serializers

from imagery import services
from imagery.models import ImageOrigin, ImageStatus, ListingImage
from listings.api import MAX_IMAGES, ImageList, ImageRef, images_ingest_check
from listings.ingest import ingest_batch
from listings.models import Listing


def _field(value):
    """What DRF's field, the single listing API's, answers for the same value."""
    try:
        return ImageList(child=ImageRef(), max_length=MAX_IMAGES).run_validation(value), None
    except serializers.ValidationError as exc:
        detail = exc.detail if isinstance(exc.detail, list) else [exc.detail]
        return None, " ".join(str(m) for m in detail)


_hex = st.text("0123456789abcdefABCDEF", min_size=0, max_size=70)
_url = st.sampled_from(["https://img.example.com/a.jpg", " https://cdn.shop.example/x.png ", "http://a.example/b",
                        "https://10.0.0.1/x.jpg", "https://localhost/x", "ftp://a.example/x", "https://intranet/x",
                        "https://u:p@a.example/x", "", "https://[::1]/x", "https://0x7f000001/x"])
_item = st.one_of(
    _url, st.builds(lambda u: {"url": u}, _url), st.builds(lambda h: {"pdq": h}, _hex),
    st.builds(lambda h: {"phash": h}, _hex), st.just({}), st.just({"url": "https://a.example/x", "pdq": "a" * 64}),
    st.none(), st.integers(), st.just([]))
_value = st.one_of(st.lists(_item, max_size=MAX_IMAGES + 3), st.none(), st.text(max_size=5), st.just({"url": "x"}))


@hsettings(max_examples=400, deadline=None)
@given(_value)
def test_the_batch_check_answers_what_the_single_apis_field_answers(value):
    assert images_ingest_check(value) == _field(value)


def _items(seller, count, pictures):
    """`count` listings, each with `pictures` URLs and one pHash sent by the marketplace."""
    return [{"external_id": f"PIC-{i}", "seller_external_id": seller.external_id, "title": f"Desk lamp {i}",
             "ships_from": "DE", "price": "9.90",
             "images": [*(f"https://img.example.com/{i}/{j}.jpg" for j in range(pictures)),
                        {"phash": "00ff00ff00ff00ff"}]} for i in range(count)]


def test_a_batch_writes_its_pictures_and_queues_their_fetches_a_chunk_to_a_message(
        world, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(services, "enqueue_many_on_commit", lambda name, calls: queued.append((name, calls)))
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest_batch(listings=_items(world.seller_a, 30, 3))
    assert not result.errors
    images = ListingImage.objects.filter(listing__external_id__startswith="PIC-", current=True)
    urls = sorted(images.filter(origin=ImageOrigin.URL).values_list("pk", flat=True))
    assert len(urls) == 90 and images.filter(origin=ImageOrigin.HASH, status=ImageStatus.READY).count() == 30
    first = Listing.objects.get(external_id="PIC-7").images.order_by("position")
    assert [(i.position, i.url or i.phash_hex, i.status) for i in first] == [
        (0, "https://img.example.com/7/0.jpg", ImageStatus.PENDING), (1, "https://img.example.com/7/1.jpg", "pending"),
        (2, "https://img.example.com/7/2.jpg", "pending"), (3, "00ff00ff00ff00ff", "ready")]
    hashed = first.last()
    assert hashed.band0 is not None and hashed.phash is not None  # searchable by its bands
    [(name, calls)] = queued
    assert name == services.FETCH_CHUNK_TASK and len(calls) == -(-90 // services.FETCH_CHUNK)
    assert sorted(pk for (chunk,) in calls for pk in chunk) == urls  # each picture once
    # The same lists again: nothing written or queued; one listing's new list replaces its rows.
    queued.clear()
    again = _items(world.seller_a, 30, 3)
    again[0]["images"] = ["https://img.example.com/0/new.jpg"]
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(listings=again)
    [(name, calls)] = queued
    new = ListingImage.objects.get(listing__external_id="PIC-0", current=True)
    assert calls == [([new.pk],)] and new.url.endswith("/new.jpg")
    assert ListingImage.objects.filter(listing__external_id="PIC-0", current=False).count() == 4


def test_the_chunk_task_fetches_each_picture_of_its_chunk(world, image_server, logo_jpeg):
    from imagery.tasks import fetch_listing_images

    listing = Listing.objects.create(external_id="PIC-T", seller=world.seller_a, title="Lamp", ships_from="DE",
                                     price="1.00")
    url = image_server.add("/t.jpg", logo_jpeg)
    services.listing_images_record(images={listing.pk: [url, image_server.url("/not-there.jpg")]})
    ids = list(listing.images.order_by("position").values_list("pk", flat=True))
    fetch_listing_images(ids)
    statuses = list(listing.images.order_by("position").values_list("status", flat=True))
    assert statuses == [ImageStatus.READY, ImageStatus.FAILED]
