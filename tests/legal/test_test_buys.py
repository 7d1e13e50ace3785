"""Test buys: recorded with photos checked by content, on the case, in packages; who may record."""

import datetime
import json
import logging
import zipfile

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from evidence.models import EvidenceFile
from legal.models import PackageScope, TestBuy, Verdict
from legal.packages import package_path
from legal.services import LegalError, package_request
from legal.services import test_buy_record as record_buy
from tests.conftest import file_report
from tests.evidence.samples import PDF, upload

from .conftest import photo


def form(listing, **extra):
    return {"listing": listing.external_id, "order_reference": "ORD-77", "purchased_on": "2026-11-20",
            "price": "9.99", "currency": "usd", "delivered_to": "Acme legal, 1 Main St", "verdict": "counterfeit",
            "examiner": "Acme Labs", "custody_notes": "Sealed bag #4 in Acme's safe.", **extra}


def test_a_brand_admin_records_a_counterfeit_test_buy_that_strengthens_its_open_case(world, client):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]])
    case = report.cases.get()
    client.force_login(world.alice)
    response = client.post(reverse("legal:test_buy_new"), form(world.listings_a[0], brand=world.brand_a.pk,
                           item_photos=[photo("front.png"), photo("back.png")], packaging_photos=[photo("box.png")]))
    buy = TestBuy.objects.get()
    assert response.status_code == 302 and response.url == reverse("legal:test_buy_detail", args=[buy.pk])
    assert (buy.case, buy.brand, buy.seller, buy.currency, buy.verdict) == (
        case, world.brand_a, world.seller_a, "USD", Verdict.COUNTERFEIT)
    assert sorted(buy.photos.values_list("kind", flat=True)) == ["item", "item", "packaging"]
    assert AuditEntry.objects.filter(action="case.test_buy_added", target_id=case.pk).exists()
    page = client.get(reverse("reporters:case", args=[case.pk])).content.decode()
    assert buy.reference in page and "Counterfeit" in page
    detail = client.get(response.url).content.decode()
    assert "Acme Labs" in detail and "Sealed bag #4" in detail


def test_a_counterfeit_test_buy_without_a_case_starts_a_report_filled_in_with_it(world, client):
    client.force_login(world.alice)
    listing = world.listings_a[1]
    response = client.post(reverse("legal:test_buy_new"), form(listing, brand=world.brand_a.pk,
                           item_photos=[photo("front.png")]))
    buy = TestBuy.objects.get()
    assert buy.case is None
    detail = client.get(response.url).content.decode()
    link = detail.split('data-testid="report-from-test-buy"')[0].rsplit('href="', 1)[1].split('"')[0]
    answer = client.get(link.replace("&amp;", "&"))
    assert answer.status_code == 200, (link, answer.status_code)
    report_form = answer.content.decode()
    assert listing.external_id in report_form.split('name="listings"')[1].split("</textarea>")[0]
    assert (f"A test purchase ({buy.reference}, order ORD-77 of 20 November 2026) was examined by Acme Labs"
            in report_form)


def test_a_genuine_test_buy_does_not_attach_to_a_case(world):
    file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]])
    buy = record_buy(user=world.alice, listing=world.listings_a[0], brand=world.brand_a, case=None,
                          order_reference="O", purchased_on=datetime.date(2026, 11, 1), price=5, currency="USD",
                          delivered_to="x", verdict=Verdict.GENUINE, examiner="Lab", custody_notes="n",
                          item_photos=[photo()])
    assert buy.case is None


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_kept(world, client, caplog):
    client.force_login(world.alice)
    with caplog.at_level(logging.INFO, logger="legal.security"):
        response = client.post(reverse("legal:test_buy_new"), form(
            world.listings_a[0], brand=world.brand_a.pk, item_photos=[upload("lab.pdf", PDF, "image/png")]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "not a photo" in body and "Pick the photos again" in body
    assert "ORD-77" in body  # what was typed is kept
    assert not TestBuy.objects.exists() and not EvidenceFile.objects.exists()


def test_hostile_content_is_refused_by_the_evidence_checks(world, client):
    client.force_login(world.alice)
    response = client.post(reverse("legal:test_buy_new"), form(
        world.listings_a[0], brand=world.brand_a.pk,
        item_photos=[upload("x.png", b"<html><script>alert(1)</script></html>")]))
    assert response.status_code == 400
    assert "was not accepted" in response.content.decode()
    assert not TestBuy.objects.exists()


def test_bad_input_names_the_field(world, client):
    client.force_login(world.alice)
    response = client.post(reverse("legal:test_buy_new"), form(world.listings_a[0], brand=world.brand_a.pk,
                                                                 purchased_on="2999-01-01", currency="US1",
                                                                 item_photos=[photo()]))
    body = response.content.decode()
    assert response.status_code == 400
    assert "cannot be in the future" in body and "three-letter code" in body
    response = client.post(reverse("legal:test_buy_new"), {**form(world.listings_a[0], brand=world.brand_a.pk),
                                                            "listing": "L-NOPE", "item_photos": [photo()]})
    assert "No listing “L-NOPE” is known" in response.content.decode()
    response = client.post(reverse("legal:test_buy_new"), form(world.listings_a[0], brand=world.brand_a.pk))
    assert "at least one photo of the item" in response.content.decode()
    assert not TestBuy.objects.exists()


def test_a_brand_admin_cannot_record_for_another_brand_or_on_its_case(world, client, caplog):
    bobs = file_report(reporter=world.bob, right=world.tm_b, listings=[world.listings_b[0]]).cases.get()
    client.force_login(world.alice)
    response = client.post(reverse("legal:test_buy_new"), form(world.listings_b[0], brand=world.brand_b.pk,
                                                                 item_photos=[photo()]))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    with caplog.at_level(logging.WARNING, logger="legal.security"):
        response = client.post(reverse("legal:test_buy_new") + f"?case={bobs.pk}",
                               form(world.listings_b[0], brand=world.brand_a.pk, item_photos=[photo()]))
    assert response.status_code == 404
    assert any("refused" in r.getMessage() for r in caplog.records)
    assert not TestBuy.objects.exists()


def test_sellers_agents_and_outsiders_cannot_record(world, client):
    for user in (world.sam, world.agent, world.outsider):
        client.force_login(user)
        assert client.get(reverse("legal:test_buy_new")).status_code == 403


def test_another_brand_cannot_see_a_test_buy_or_its_photos(world, client):
    buy = record_buy(user=world.alice, listing=world.listings_a[0], brand=world.brand_a, case=None,
                          order_reference="O", purchased_on=datetime.date(2026, 11, 1), price=5, currency="USD",
                          delivered_to="x", verdict=Verdict.COUNTERFEIT, examiner="Lab", custody_notes="n",
                          item_photos=[photo()])
    file_pk = buy.photos.get().file_id
    client.force_login(world.bob)
    assert client.get(reverse("legal:test_buy_detail", args=[buy.pk])).status_code == 404
    assert client.get(reverse("legal:test_buy_photo", args=[buy.pk, file_pk])).status_code == 404
    client.force_login(world.rev1)
    response = client.get(reverse("legal:test_buy_photo", args=[buy.pk, file_pk]))
    assert response["Content-Type"] == "image/png"


def test_a_case_with_the_wrong_listing_is_refused(world):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()
    with pytest.raises(LegalError) as exc:
        record_buy(user=world.rev1, listing=world.listings_a[1], brand=None, case=case, order_reference="O",
                        purchased_on=datetime.date(2026, 11, 1), price=5, currency="USD", delivered_to="x",
                        verdict=Verdict.COUNTERFEIT, examiner="Lab", custody_notes="n", item_photos=[photo()])
    assert exc.value.field == "listing"


def test_a_test_buy_and_its_photos_are_in_the_package(world, django_capture_on_commit_callbacks):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()
    buy = record_buy(user=world.alice, listing=world.listings_a[0], brand=world.brand_a, case=None,
                          order_reference="ORD-9", purchased_on=datetime.date(2026, 11, 1), price=5, currency="USD",
                          delivered_to="x", verdict=Verdict.COUNTERFEIT, examiner="Lab", custody_notes="n",
                          item_photos=[photo()])
    with django_capture_on_commit_callbacks(execute=True):
        package = package_request(user=world.rev1, scope=PackageScope.CASE, subject=case)
    package.refresh_from_db()
    assert package.error == ""
    with zipfile.ZipFile(package_path(package)) as zf:
        rows = [json.loads(line) for line in zf.read("test_buys/test_buys.jsonl").decode().splitlines()]
        photo_name = rows[0]["photos"][0]["path"]
        assert zf.read(photo_name)[:4] == b"\x89PNG"
        audit = zf.read("audit/entries-test-buys.jsonl").decode()
        case_row = json.loads(zf.read("cases/cases-00001.jsonl").decode().splitlines()[0])
    assert rows[0]["reference"] == buy.reference and rows[0]["verdict"] == "counterfeit"
    assert rows[0]["case"] == case.reference and case_row["test_buys"] == [buy.reference]
    assert "testbuy.recorded" in audit
