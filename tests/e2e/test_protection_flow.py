"""Automatic protection through the real pages: a rights holder registers a trademark, a reviewer
checks it and sends the code, the holder enters the code and sets a suppress rule; the marketplace
ingests an offending listing through the API and the holder sees it suppressed on the impact page."""

import json
import re
import urllib.request

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Role
from listings.models import Listing
from registry.models import IPRight, RightStatus

from ..factories import BrandMemberFactory, UserFactory, api_key_for
from .test_full_flow import PASSWORD, Sessions

pytestmark = pytest.mark.browser


def ingest(base_url: str, token: str, payload: dict) -> dict:
    request = urllib.request.Request(
        f"{base_url}/api/v1/listings/bulk/", data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_register_verify_rule_ingest_and_see_it_suppressed(browser, live_server, shot, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    holder = UserFactory(username="holder", role=Role.RIGHTS_HOLDER, password=PASSWORD)
    brand = BrandMemberFactory(user=holder, brand__name="Zephyr Audio").brand
    UserFactory(username="checker", role=Role.REVIEWER, password=PASSWORD)
    market = UserFactory(username="market", role=Role.MARKETPLACE, password=PASSWORD)
    token = api_key_for(market)
    people = Sessions(browser, live_server.url)

    page = people.page("holder")
    page.goto(f"/registry/brands/{brand.pk}/rights/new/trademark/")
    page.get_by_label("Mark text").fill("ZEPHYR")
    page.get_by_label("Office").select_option("EUIPO")
    page.get_by_label("Registration number").fill("018 123 457")
    page.get_by_label("Nice classes").fill("9")
    page.get_by_label("Registration date").fill("2021-01-01")
    page.get_by_label("Expiry date").fill("2031-01-01")
    page.get_by_role("button", name="Register trademark").click()
    expect(page.get_by_test_id("verification")).to_contain_text("Waiting for a reviewer")
    right = IPRight.objects.get(brand=brand, name="ZEPHYR")
    page.close()

    page = people.page("checker")
    page.goto(f"/registry/verification/{right.pk}/")
    page.get_by_label("I checked this registration against the office record").check()
    page.get_by_label("Correspondent email on the office record").fill("tm@office-record.example")
    page.get_by_role("button", name="Send code").click()
    shot(page, "protection-1-code-sent")
    page.close()
    code = re.search(r"\b(\d{4}) (\d{4})\b", mail.outbox[-1].body).group(0)

    page = people.page("holder")
    page.goto(f"/registry/rights/{right.pk}/")
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify").click()
    right.refresh_from_db()
    assert right.status == RightStatus.VERIFIED
    page.goto(f"/registry/brands/{brand.pk}/rules/")
    page.locator("input[name=countries][value=DE]").check()
    page.locator("input[name=countries_mode][value=suppress]").check()
    page.get_by_role("button", name="Save rules").click()
    expect(page.get_by_test_id("recheck")).to_contain_text("Last re-check done")
    shot(page, "protection-2-rules-saved")

    result = ingest(live_server.url, token, {
        "sellers": [{"external_id": "GREY-1", "name": "Grey Imports", "country": "CN"}],
        "listings": [
            {"external_id": "M-900", "seller_external_id": "GREY-1", "title": "Zéphyr wireless headphones",
             "ships_from": "CN", "price": "12.00"},
            {"external_id": "M-901", "seller_external_id": "GREY-1", "title": "Zephyrine lamp",
             "ships_from": "CN", "price": "12.00"},
            {"external_id": "M-902", "seller_external_id": "GREY-1", "title": "Broken", "ships_from": "China",
             "price": "1"},
        ]})
    assert result["listings"]["created"] == 2 and result["errors"][0]["external_id"] == "M-902"
    assert Listing.objects.get(external_id="M-900").status == "suppressed"
    assert Listing.objects.get(external_id="M-901").status == "active"  # not a whole word

    page.goto(f"/registry/brands/{brand.pk}/impact/")
    expect(page.get_by_test_id("listing-status-M-900")).to_have_text("Suppressed")
    expect(page.get_by_test_id("total-protected")).to_have_text("1")
    expect(page.get_by_test_id("automatic-cases")).to_contain_text("“Zéphyr” in title")
    expect(page.locator("figure.chart svg").first).to_be_visible()
    shot(page, "protection-3-impact")
    page.close()
