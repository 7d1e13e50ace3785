"""Image matching on every listing change, beside the text automaton: a listing picture near a
reference picture of a verified right opens an automatic case with the pair (and suppresses in
suppress mode), exempting what the brand's rules exempt; the statement says it was by image."""

import pytest

from complaints.models import Case, CaseSource
from imagery import services
from imagery.models import ReferenceImage
from listings.models import ListingStatus
from registry.models import RightStatus

from ..monitoring.helpers import set_rules, upsert
from .pictures import caption_bar, jpeg, logo, reencode


def _reference(world, seed=1, right=None):
    return services.reference_add(right=right or world.tm_a, by=world.alice, kind="logo", label="",
                                  data=jpeg(logo(seed)))


def _with_picture(capture, listing, img, image_server, name):
    url = image_server.add(f"/{name}.jpg", jpeg(img, 40))
    with capture(execute=True):
        services.listing_images_record(images={listing.pk: [url]})


@pytest.fixture
def acme_protected(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=("DE", "US"), countries_mode="suppress")
    with django_capture_on_commit_callbacks(execute=True):
        ref = _reference(world)
    return ref


def test_a_captioned_re_encoded_copy_opens_an_automatic_case_and_suppresses(
        world, acme_protected, image_server, django_capture_on_commit_callbacks):
    listing = upsert(django_capture_on_commit_callbacks, world.seller_a, "P-1", title="Wireless earbuds")
    assert not Case.objects.exists()  # nothing in the text
    _with_picture(django_capture_on_commit_callbacks, listing, caption_bar(reencode(logo(1))), image_server, "p1")
    case = Case.objects.get(listing=listing)
    assert (case.source, case.right) == (CaseSource.AUTOMATIC, world.tm_a)
    assert case.detection["by_image"] is True and case.detection["reference"] == acme_protected.pk
    assert case.detection["listing_image"] == listing.images.get().pk
    # The case keeps the pictures as reported.
    assert [i["id"] for i in case.listing_snapshot["images"]] == [listing.images.get().pk]
    assert case.listing_snapshot["images"][0]["sha256"] == listing.images.get().sha256
    assert case.detection["distance"] <= 10
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUPPRESSED
    statement = case.decisions.get().statement
    assert "detected automatically by image" in statement


def test_an_unrelated_picture_opens_nothing(world, acme_protected, image_server, django_capture_on_commit_callbacks):
    listing = upsert(django_capture_on_commit_callbacks, world.seller_a, "P-2", title="Lamp")
    _with_picture(django_capture_on_commit_callbacks, listing, logo(77), image_server, "p2")
    assert not Case.objects.exists()


def test_the_rules_exemptions_hold_for_pictures_too(world, acme_protected, image_server,
                                                    django_capture_on_commit_callbacks):
    listing = upsert(django_capture_on_commit_callbacks, world.seller_a, "P-3", title="Lamp", ships_from="DE")
    _with_picture(django_capture_on_commit_callbacks, listing, logo(1), image_server, "p3")
    assert not Case.objects.exists()  # ships from an authorized country


def test_an_unverified_right_drives_nothing(world, acme_protected, image_server, django_capture_on_commit_callbacks):
    type(world.tm_a).objects.filter(pk=world.tm_a.pk).update(status=RightStatus.PENDING)
    listing = upsert(django_capture_on_commit_callbacks, world.seller_a, "P-4", title="Lamp")
    _with_picture(django_capture_on_commit_callbacks, listing, logo(1), image_server, "p4")
    assert not Case.objects.exists()


def test_a_reference_added_later_rechecks_existing_listings(world, image_server, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=("DE",), countries_mode="flag")
    listing = upsert(django_capture_on_commit_callbacks, world.seller_a, "P-5", title="Lamp")
    _with_picture(django_capture_on_commit_callbacks, listing, logo(9), image_server, "p5")
    assert not Case.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        _reference(world, seed=9)
    case = Case.objects.get(listing=listing)
    assert case.detection["by_image"] and not case.detection_suppresses
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE  # flag mode


def test_a_marketplace_phash_matches_without_fetching(world, acme_protected, django_capture_on_commit_callbacks):
    listing = upsert(django_capture_on_commit_callbacks, world.seller_a, "P-6", title="Lamp")
    near = (acme_protected.phash & 0xFFFFFFFFFFFFFFFF) ^ 0b101
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_images_record(images={listing.pk: [{"phash": f"{near:016x}"}]})
    assert Case.objects.get(listing=listing).detection["distance"] == 2


def test_a_certified_work_is_a_reference_too(world, settings, image_server, django_capture_on_commit_callbacks):
    """The certificate's own pHash is used (hashed once, when certified); its right protects it."""
    import base64

    from certificates.logkey import raw_private

    from ..certificates.conftest import TEST_KEY, register  # noqa: F401

    settings.CERTIFICATES_LOG_KEY = base64.b64encode(raw_private(TEST_KEY)).decode()
    set_rules(world, django_capture_on_commit_callbacks, countries=("DE",), countries_mode="flag")
    with django_capture_on_commit_callbacks(execute=True):
        cert = register(world, jpeg(logo(21)), name="work.jpg")
    assert not ReferenceImage.objects.exists()
    listing = upsert(django_capture_on_commit_callbacks, world.seller_a, "P-8", title="Poster")
    _with_picture(django_capture_on_commit_callbacks, listing, reencode(logo(21)), image_server, "p8")
    case = Case.objects.get(listing=listing)
    assert (case.right_id, case.detection["reference_kind"], case.detection["reference"]) == (
        cert.right_id, "certificate", cert.pk)


def test_the_reviewer_sees_both_pictures_side_by_side(world, client, acme_protected, image_server,
                                                      django_capture_on_commit_callbacks):
    listing = upsert(django_capture_on_commit_callbacks, world.seller_a, "P-7", title="Lamp")
    _with_picture(django_capture_on_commit_callbacks, listing, caption_bar(logo(1)), image_server, "p7")
    case = Case.objects.get(listing=listing)
    client.force_login(world.rev1)
    page = client.get(f"/review/cases/{case.pk}/").content.decode()
    assert f"/images/listings/{case.detection['listing_image']}.jpg" in page
    assert f"/images/references/{acme_protected.pk}.jpg" in page
    assert "by image" in page


def test_a_batch_sending_a_near_phash_opens_the_case_in_its_own_transaction_and_checks_it_once(
        world, acme_protected, django_capture_on_commit_callbacks, monkeypatch):
    """The batch records its pictures before its rule stage matches, so the case (and, in suppress
    mode, the suppression) commits with the listing; nothing is left to check again after commit."""
    from listings.ingest import ingest_batch

    rechecked = []
    monkeypatch.setattr(services, "listings_changed_on_commit", lambda *, listing_ids: rechecked.extend(listing_ids))
    near = (acme_protected.phash & 0xFFFFFFFFFFFFFFFF) ^ 0b11
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingest_batch(listings=[{"external_id": "P-B1", "seller_external_id": world.seller_a.external_id,
                                "title": "Lamp", "ships_from": "CN", "price": "9.90",
                                "images": [{"phash": f"{near:016x}"}]}])
        case = Case.objects.get(listing__external_id="P-B1")  # before commit: in the batch itself
    assert case.detection["by_image"] and case.detection["distance"] == 2 and case.source == CaseSource.AUTOMATIC
    for callback in callbacks:
        callback()
    assert not rechecked and Case.objects.filter(listing__external_id="P-B1").count() == 1


def test_a_reviewers_rejection_of_a_picture_case_holds_when_the_batch_sends_the_same_picture_again(
        world, acme_protected, django_capture_on_commit_callbacks):
    """The batch matches its pictures itself now: a reviewer who found the picture no infringement is
    not overruled by the marketplace sending the listing again with a new price and the same hash."""
    from decisions.services import case_decide
    from listings.ingest import ingest_batch

    from ..conftest import claim

    near = (acme_protected.phash & 0xFFFFFFFFFFFFFFFF) ^ 0b11

    def send(price):
        with django_capture_on_commit_callbacks(execute=True):
            result = ingest_batch(listings=[{
                "external_id": "P-R1", "seller_external_id": world.seller_a.external_id, "title": "Lamp",
                "ships_from": "CN", "price": price, "images": [{"phash": f"{near:016x}"}]}])
        assert not result.errors

    send("9.90")
    case = Case.objects.get(listing__external_id="P-R1")
    claim(case, world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=case, reviewer=world.rev1, reason_code="no_infringement", facts="A different lamp.")
    send("12.50")
    assert list(Case.objects.filter(listing__external_id="P-R1").values_list("state", flat=True)) == ["rejected"]
