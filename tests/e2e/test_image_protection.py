"""Pictures in the browser: Acme adds its logo as a reference picture; the marketplace ingests a
listing whose photo is a re-encoded copy with a caption bar, and an automatic case opens, which
the reviewer reads with both pictures side by side; after the removal, a linked seller re-posts
the listing and is caught as a re-listing; Acme finds the copy by photo search in the report
form and adds it with one click. A reported listing's pictures are kept on its case, and the
reviewer sees them as reported, wrapping on a phone."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from rest_framework.test import APIClient

from accounts.models import Role
from complaints.models import Case
from listings.models import Listing, ListingStatus
from registry.services import protection_rules_set

from ..conftest import claim_and_remove, file_report
from ..factories import BrandMemberFactory, SellerFactory, TrademarkFactory, UserFactory, api_key_for
from ..imagery.conftest import ImageServer
from ..imagery.pictures import caption_bar, jpeg, logo, product, reencode
from .test_seller_due_process import login

pytestmark = pytest.mark.browser

TITLE = "Pro wireless earbuds, charging case, black"  # no watched term: only the picture tells


@pytest.fixture
def acme(transactional_db, settings):
    settings.IMAGERY_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOW_LOOPBACK = True  # the image host below runs on 127.0.0.1
    alice = UserFactory(username="alice", role=Role.RIGHTS_HOLDER)
    brand = BrandMemberFactory(user=alice, brand__name="Acme").brand
    right = TrademarkFactory(brand=brand, name="ACME")
    UserFactory(username="rev1", role=Role.REVIEWER)
    market = UserFactory(username="market", role=Role.MARKETPLACE)
    north = SellerFactory(name="Northwind", external_id="S-NORTH", country="CN")
    south = SellerFactory(name="Southwind", external_id="S-SOUTH", country="CN")
    protection_rules_set(brand=brand, by=alice, countries=["DE", "US"], countries_mode="suppress", sellers=[],
                         sellers_mode="flag", extra_terms=[], misspellings=[])
    server = ImageServer()
    yield {"right": right, "market": market, "north": north, "south": south, "server": server}
    server.server.shutdown()


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def test_a_logo_copy_is_caught_by_image_a_relisting_by_a_linked_seller_too_and_found_by_photo(
        browser, live_server, acme, shot):
    # 1. Acme adds its logo as a reference picture of its trademark.
    page = login(browser, live_server.url, "alice")
    page.goto(f"/registry/rights/{acme['right'].pk}/")
    page.get_by_role("link", name="Reference pictures").click()
    page.get_by_label("What it shows").select_option("logo")
    page.get_by_label("Label").fill("Acme roundel")
    page.get_by_label("Picture").set_input_files({"name": "roundel.png", "mimeType": "image/png",
                                                  "buffer": jpeg(logo(42), 95)})
    page.get_by_role("button", name="Add reference picture").click()
    expect(page.get_by_role("status").first).to_contain_text("Reference picture added")
    expect(page.get_by_test_id("references")).to_contain_text("Acme roundel")
    shot(page, "img-1-reference")
    page.context.close()

    # 2. The marketplace ingests a listing whose photo is a re-encoded copy with a caption bar.
    url = acme["server"].add("/p/earbuds.jpg", jpeg(caption_bar(reencode(logo(42), 30)), 40))
    answer = _api(acme["market"]).post("/api/v1/listings/bulk/", {"listings": [{
        "external_id": "L-1", "seller_external_id": "S-NORTH", "title": TITLE, "ships_from": "CN",
        "price": "19.90", "images": [url]}]}, format="json")
    assert answer.status_code == 200 and answer.json()["listings"]["created"] == 1, answer.json()
    first = Case.objects.get(listing__external_id="L-1")
    assert first.detection["by_image"] and Listing.objects.get(external_id="L-1").status == ListingStatus.SUPPRESSED

    # 3. The reviewer sees both pictures side by side.
    page = login(browser, live_server.url, "rev1")
    page.goto(f"/review/cases/{first.pk}/")
    pair = page.get_by_test_id("image-pair")
    expect(pair).to_contain_text("Listing picture")
    expect(pair).to_contain_text("Acme roundel")
    expect(page.get_by_test_id("detection")).to_contain_text("by image")
    for img in pair.locator("img").all():
        expect(img).to_be_visible()
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle(), timeout=15_000)
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), "a picture did not load"
    assert pair.locator("img").count() == 2
    shot(page, "img-2-side-by-side")
    page.context.close()

    # The reviewer removes it (deciding in the browser is covered by the other browser tests).
    claim_and_remove(case=first, reviewer=get_user_model().objects.get(username="rev1"))
    assert Listing.objects.get(external_id="L-1").status == ListingStatus.REMOVED

    # 4. The marketplace says Southwind is linked to Northwind; Southwind re-posts the listing
    #    (shipped from Germany, which Acme authorizes: only the re-listing catches it).
    market = _api(acme["market"])
    assert market.post("/api/v1/sellers/signals/", {"external_id": "S-SOUTH", "linked_ids": ["S-NORTH"]},
                       format="json").status_code == 200
    url2 = acme["server"].add("/p/earbuds-2.jpg", jpeg(caption_bar(reencode(logo(42), 30)), 60))
    market.post("/api/v1/listings/bulk/", {"listings": [{
        "external_id": "L-2", "seller_external_id": "S-SOUTH", "title": TITLE.upper(), "ships_from": "DE",
        "price": "17.90", "images": [url2]}]}, format="json")
    again = Case.objects.get(listing__external_id="L-2")
    assert again.detection["relisting_of"] == first.reference
    assert Listing.objects.get(external_id="L-2").status == ListingStatus.SUPPRESSED
    page = login(browser, live_server.url, "rev1")
    page.goto(f"/review/cases/{again.pk}/")
    expect(page.get_by_test_id("relisting")).to_contain_text(f"Re-listing of {first.reference}")
    expect(page.get_by_test_id("relisting")).to_contain_text("linked seller")
    expect(page.get_by_test_id("linked-sellers")).to_contain_text("Northwind")
    shot(page, "img-3-relisting")
    page.context.close()

    # 5. Acme finds the copies by photo in the report form and adds them all.
    page = login(browser, live_server.url, "alice")
    page.goto("/reports/new/trademark/")
    # A file that is no picture is answered where the results go (400), not dropped in silence.
    page.get_by_label("Photo to search by").set_input_files({"name": "notes.jpg", "mimeType": "image/jpeg",
                                                             "buffer": b"not a picture at all"})
    page.get_by_role("button", name="Search by photo").click()
    expect(page.get_by_test_id("photo-error")).to_be_visible()
    page.get_by_label("Photo to search by").set_input_files({"name": "ours.jpg", "mimeType": "image/jpeg",
                                                             "buffer": jpeg(logo(42), 95)})
    page.get_by_role("button", name="Search by photo").click()
    results = page.get_by_test_id("photo-results")
    expect(results).to_contain_text("L-2")
    expect(results).to_contain_text("L-1")
    page.get_by_role("button", name="Add all 2").click()
    expect(page.locator("#id_listings")).to_have_value(re.compile(r"^(L-1\nL-2|L-2\nL-1)$"))
    shot(page, "img-4-photo-search")
    page.context.close()

    # 6. Acme reports a listing with three photos: the reviewer sees them as reported (the same
    #    now), and on a phone they wrap without sideways scroll.
    urls = [acme["server"].add(f"/p/lamp-{i}.jpg", jpeg(product(i), 80)) for i in range(3)]
    market.post("/api/v1/listings/bulk/", {"listings": [{
        "external_id": "L-3", "seller_external_id": "S-SOUTH", "title": "Desk lamp", "ships_from": "DE",
        "price": "29.90", "images": urls}]}, format="json")
    report = file_report(reporter=get_user_model().objects.get(username="alice"), right=acme["right"],
                         listings=[Listing.objects.get(external_id="L-3")])
    page = login(browser, live_server.url, "rev1")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/review/cases/{report.cases.get().pk}/")
    reported = page.get_by_test_id("pictures-reported").locator("img")
    expect(reported).to_have_count(3)
    expect(page.get_by_test_id("pictures-now")).to_contain_text("The same as reported")
    # The thumbnails load lazily: below the fold on a phone they load once scrolled to, and then
    # take a moment; wait for them (a picture that never loads times this out), then check.
    for img in reported.all():
        img.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=pictures-reported] img')]"
                           ".every(i => i.complete && i.naturalWidth > 0)", timeout=15_000)
    assert reported.evaluate_all("imgs => imgs.every(i => i.complete && i.naturalWidth > 0)"), "a picture did not load"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert all(box["x"] + box["width"] <= 390 for box in (img.bounding_box() for img in reported.all()))
    shot(page, "img-5-reported-pictures-390")
    page.context.close()
