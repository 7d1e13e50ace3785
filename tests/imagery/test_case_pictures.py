"""A case keeps its listing's pictures as reported, whichever way it opened (a report, the ingest
batch, one listing's change), read in one query however many listings; the reviewer, the rights
holder and the seller see them beside the pictures now, each through an address only who may see
the case can open. Linked sellers are for staff: on the case page and the seller dossier, never
on the seller's or the rights holder's pages."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Case, CaseSource
from imagery.models import ImageOrigin, ImageStatus, ListingImage
from imagery.selectors import images_snapshots
from imagery.services import seller_signals_set
from listings.ingest import ingest_batch
from listings.models import Listing

from ..conftest import file_report
from ..factories import CaseFactory, ListingFactory, SellerFactory
from ..monitoring.helpers import set_rules
from ..views import removed_case
from .pictures import jpeg, logo

THUMB = jpeg(logo(3).resize((120, 120)))


def picture(listing, position=0, *, current=True, status=ImageStatus.READY, origin=ImageOrigin.URL):
    """A picture as the fetch worker leaves it (hashed, with its thumbnail)."""
    ready = status == ImageStatus.READY and origin == ImageOrigin.URL
    return ListingImage.objects.create(
        listing=listing, position=position, origin=origin, status=status, current=current,
        url=f"https://img.example.test/{listing.pk}/{position}.jpg" if origin == ImageOrigin.URL else "",
        sha256=f"{listing.pk:032x}{position:032x}", phash=listing.pk * 100 + position,
        thumbnail=THUMB if ready else None, width=120 if ready else None, height=120 if ready else None)


def replace_pictures(listing, *positions):
    """The marketplace sends the listing a new set: the old pictures stay, no longer current."""
    ListingImage.objects.filter(listing=listing).update(current=False)
    return [picture(listing, p) for p in positions]


def image_queries(queries) -> int:
    return sum('"imagery_listingimage"' in q["sql"] for q in queries.captured_queries)


# --- 1. The snapshot ------------------------------------------------------------------------------


def test_snapshots_of_many_listings_are_one_query(world, django_assert_num_queries):
    a, b, bare = world.listings_a
    a1, a0 = picture(a, 1), picture(a, 0)
    picture(a, 2, current=False)  # replaced before: not as reported
    b0 = picture(b, 0, status=ImageStatus.PENDING)
    with django_assert_num_queries(1):
        snaps = images_snapshots(listing_ids=[a.pk, b.pk, bare.pk])
    assert [i["id"] for i in snaps[a.pk]] == [a0.pk, a1.pk]
    assert snaps[a.pk][0] == {"id": a0.pk, "url": a0.url, "origin": "url", "status": "ready", "sha256": a0.sha256,
                              "phash": a0.phash, "pdq": ""}
    assert [(i["id"], i["status"]) for i in snaps[b.pk]] == [(b0.pk, "pending")]
    assert snaps[bare.pk] == []
    with django_assert_num_queries(0):
        assert images_snapshots(listing_ids=[]) == {}


def test_a_reports_cases_keep_the_pictures_as_reported_read_once_for_the_report(world):
    listings = [ListingFactory(seller=world.seller_a) for _ in range(12)]
    kept = {lst.pk: [picture(lst, 0).pk, picture(lst, 1).pk] for lst in listings[:10]}
    with CaptureQueriesContext(connection) as queries:
        report = file_report(reporter=world.alice, right=world.tm_a, listings=listings)
    assert image_queries(queries) == 1  # not one per listing
    cases = {c.listing_id: c for c in report.cases.all()}
    assert len(cases) == 12
    for lst in listings:
        snap = cases[lst.pk].listing_snapshot
        assert [i["id"] for i in snap["images"]] == kept.get(lst.pk, [])
        assert snap["title"] == lst.title  # the rest of the snapshot as before
    # The listing changes its pictures after the report: the case keeps the ones reported.
    replace_pictures(listings[0], 0)
    case = Case.objects.get(pk=cases[listings[0].pk].pk)
    assert [i["id"] for i in case.listing_snapshot["images"]] == kept[listings[0].pk]


@pytest.mark.postgres
def test_the_ingest_batchs_automatic_cases_keep_the_pictures_too(world, require_postgres,
                                                                 django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks)  # Acme: ships from DE or US only, suppress

    def item(i, **kw):
        return {"external_id": f"PB-{i}", "seller_external_id": world.seller_b.external_id, "title": f"Lamp {i}",
                "ships_from": "CN", "price": "19.90", **kw}

    with django_capture_on_commit_callbacks(execute=True):
        assert ingest_batch(listings=[item(i) for i in range(6)]).errors == []
    listings = {lst.external_id: lst for lst in Listing.objects.filter(external_id__startswith="PB-")}
    kept = {ext: [picture(lst, 0).pk] for ext, lst in listings.items() if ext != "PB-5"}
    with django_capture_on_commit_callbacks(execute=True):
        assert ingest_batch(listings=[item(i, title=f"ACME lamp {i}") for i in range(6)]).errors == []
    cases = Case.objects.filter(listing__external_id__startswith="PB-", source=CaseSource.AUTOMATIC)
    assert cases.count() == 6
    for case in cases.select_related("listing"):
        assert [i["id"] for i in case.listing_snapshot["images"]] == kept.get(case.listing.external_id, [])
        assert case.listing_snapshot["title"].startswith("ACME lamp")


# --- 2. Who sees them ------------------------------------------------------------------------------


@pytest.fixture
def reported(world):
    """A removed case on sam's listing reported with two pictures, which the seller has replaced since."""
    listing = world.listings_a[0]
    then = [picture(listing, 0), picture(listing, 1)]
    case = removed_case(world, listing=listing)
    now = replace_pictures(listing, 0)
    return case, then, now


def _srcs(page: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)" alt="Picture', page)


def test_the_reviewer_sees_the_pictures_as_reported_beside_now(world, client, reported):
    case, then, now = reported
    client.force_login(world.rev1)
    page = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    reported_part = page.split('data-testid="pictures-reported"')[1].split('data-testid="pictures-now"')[0]
    now_part = page.split('data-testid="pictures-now"')[1].split("</section>")[0]
    assert _srcs(reported_part) == [f"/images/listings/{i.pk}.jpg" for i in then]
    assert _srcs(now_part) == [f"/images/listings/{now[0].pk}.jpg"]
    external_id = case.listing_snapshot["external_id"]
    assert f'alt="Picture 2 of listing {external_id}, as reported"' in reported_part
    assert f'<a href="/images/listings/{then[1].pk}.jpg"' in reported_part  # opens the picture the portal serves
    assert "changed" in now_part
    response = client.get(f"/images/listings/{then[0].pk}.jpg")
    assert response.status_code == 200 and bytes(response.content) == THUMB


def test_the_rights_holder_sees_the_pictures_on_their_case_and_another_brand_gets_404(world, client, reported):
    case, then, now = reported
    client.force_login(world.alice)
    page = client.get(reverse("reporters:case", args=[case.pk])).content.decode()
    srcs = [reverse("reporters:case_image", args=[case.pk, i.pk]) for i in then]
    assert _srcs(page.split('data-testid="pictures-now"')[0]) == srcs
    assert reverse("reporters:case_image", args=[case.pk, now[0].pk]) in page
    response = client.get(srcs[0])
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert bytes(response.content) == THUMB
    # Another listing's picture through this case's address: 404.
    other = picture(world.listings_b[0])
    assert client.get(reverse("reporters:case_image", args=[case.pk, other.pk])).status_code == 404
    # Another brand: neither the case nor its pictures, nor the replaced picture by its own id.
    client.force_login(world.bob)
    assert client.get(reverse("reporters:case", args=[case.pk])).status_code == 404
    for img in [*then, *now]:
        assert client.get(reverse("reporters:case_image", args=[case.pk, img.pk])).status_code == 404
    assert client.get(f"/images/listings/{then[1].pk}.jpg").status_code == 404  # replaced: not public any more


def test_the_seller_sees_the_pictures_on_the_notice_and_another_seller_gets_404(world, client, reported):
    case, then, now = reported
    client.force_login(world.sam)
    page = client.get(reverse("sellers:notice_detail", args=[case.pk])).content.decode()
    srcs = [reverse("sellers:notice_image", args=[case.pk, i.pk]) for i in then]
    assert _srcs(page.split('data-testid="pictures-now"')[0]) == srcs
    assert _srcs(page.split('data-testid="pictures-now"')[1]) == [
        reverse("sellers:notice_image", args=[case.pk, now[0].pk])]
    response = client.get(srcs[1])
    assert response.status_code == 200 and bytes(response.content) == THUMB
    client.force_login(world.sue)
    assert client.get(reverse("sellers:notice_detail", args=[case.pk])).status_code == 404
    for img in [*then, *now]:
        assert client.get(reverse("sellers:notice_image", args=[case.pk, img.pk])).status_code == 404
        assert client.get(f"/images/listings/{img.pk}.jpg").status_code == 404


def test_the_picture_addresses_refuse_other_methods_and_unfetched_pictures(world, client, reported):
    case, then, _ = reported
    pending = picture(case.listing, 5, status=ImageStatus.PENDING)
    client.force_login(world.alice)
    assert client.post(reverse("reporters:case_image", args=[case.pk, then[0].pk])).status_code == 405
    assert client.get(reverse("reporters:case_image", args=[case.pk, pending.pk])).status_code == 404
    client.force_login(world.sam)
    assert client.post(reverse("sellers:notice_image", args=[case.pk, then[0].pk])).status_code == 405


def test_pictures_not_fetched_or_sent_as_hashes_are_named_not_shown(world, client):
    listing = world.listings_a[1]
    picture(listing, 0, status=ImageStatus.PENDING)
    failed = picture(listing, 1, status=ImageStatus.FAILED)
    ListingImage.objects.filter(pk=failed.pk).update(failure="the address answered 404")
    picture(listing, 2, origin=ImageOrigin.HASH)
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[listing]).cases.get()
    client.force_login(world.rev1)
    page = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    part = page.split('data-testid="pictures-reported"')[1].split("</section>")[0]
    assert _srcs(part) == []
    assert "picture 1 being fetched" in part and "the address answered 404" in part and "hash only" in part
    assert "The same as reported." in page.split('data-testid="pictures-now"')[1].split("</section>")[0]


def test_a_case_from_before_pictures_were_kept_says_so(world, client):
    listing = world.listings_a[2]
    picture(listing, 0)
    case = CaseFactory(listing=listing)  # its snapshot has no "images"
    assert "images" not in case.listing_snapshot
    client.force_login(world.rev1)
    page = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    assert "Not kept: this case was opened before" in page
    assert "changed-tag" not in page.split('data-testid="pictures-now"')[1].split("</section>")[0]
    assert _srcs(page.split('data-testid="pictures-now"')[1]) == [f"/images/listings/{listing.images.get().pk}.jpg"]


# --- 3. Linked sellers: staff only -----------------------------------------------------------------


def test_staff_see_linked_sellers_on_the_dossier_with_why_and_a_link(world, client):
    third = SellerFactory(name="Third Shop")
    seller_signals_set(seller=world.seller_a, linked_ids=[world.seller_b.external_id],
                       fingerprints=[{"kind": "payment", "value": "pay:abc"}])
    seller_signals_set(seller=third, linked_ids=[], fingerprints=[{"kind": "payment", "value": "pay:abc"}])
    client.force_login(world.rev1)
    page = client.get(reverse("legal:seller_dossier", args=[world.seller_a.pk])).content.decode()
    section = page.split('data-testid="linked-sellers"')[1].split("</section>")[0]
    rows = re.findall(r'<li data-testid="linked-seller"><a href="([^"]+)">([^<]+)</a>.*?'
                      r'<span data-testid="linked-why">([^<]+)</span>', section)
    assert rows == [
        (reverse("legal:seller_dossier", args=[world.seller_b.pk]), world.seller_b.name,
         "Linked account (marketplace)"),
        (reverse("legal:seller_dossier", args=[third.pk]), "Third Shop", "Payment fingerprint"),
    ]
    lone = SellerFactory(name="Lone Shop")
    page = client.get(reverse("legal:seller_dossier", args=[lone.pk])).content.decode()
    assert "No seller shares a linked account" in page


def test_the_case_page_links_each_linked_seller(world, client):
    seller_signals_set(seller=world.seller_a, linked_ids=[world.seller_b.external_id], fingerprints=[])
    case = CaseFactory(listing=world.listings_a[0])
    client.force_login(world.rev1)
    page = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    assert f'<a href="{reverse("legal:seller_dossier", args=[world.seller_b.pk])}">{world.seller_b.name}</a>' in page


def test_linked_sellers_never_reach_the_seller_or_the_rights_holder(world, client, reported):
    case, _, _ = reported
    hidden = SellerFactory(name="Hidden Twin Shop")
    seller_signals_set(seller=hidden, linked_ids=[world.seller_a.external_id],
                       fingerprints=[{"kind": "address", "value": "addr:1"}])
    pages = {"sam": [reverse("sellers:notice_detail", args=[case.pk]), reverse("sellers:seller_center")],
             "alice": [reverse("reporters:case", args=[case.pk]),
                       reverse("reporters:report_detail", args=[case.report_id])]}
    for who, urls in pages.items():
        client.force_login(getattr(world, who))
        for url in urls:
            response = client.get(url)
            body = response.content.decode()
            assert response.status_code == 200, url
            assert "Hidden Twin Shop" not in body and 'data-testid="linked-sellers"' not in body, (who, url)
        assert client.get(reverse("legal:seller_dossier", args=[world.seller_a.pk])).status_code == 403
        assert client.get(reverse("imagery:seller_linked", args=[world.seller_a.pk])).status_code == 403
    client.force_login(world.rev1)
    assert "Hidden Twin Shop" in client.get(reverse("review:case_detail", args=[case.pk])).content.decode()


def test_the_dossier_reads_linked_sellers_in_a_fixed_number_of_queries(world, client, django_assert_num_queries):
    seller_signals_set(seller=world.seller_a, linked_ids=[world.seller_b.external_id], fingerprints=[])
    client.force_login(world.rev1)
    url = reverse("legal:seller_dossier", args=[world.seller_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    more = [SellerFactory() for _ in range(4)]
    seller_signals_set(seller=world.seller_a, linked_ids=[s.external_id for s in more], fingerprints=[])
    with django_assert_num_queries(len(first.captured_queries)):
        body = client.get(url).content.decode()
    assert all(s.name in body for s in more)
