"""An automatic case from hit to counter-notice in the browser: Acme's rule hides seller Northwind's
listing on ingest; a reviewer confirms it on the case page (only trademark reasons offered); the
seller reads the notice, which says it was detected automatically for Acme, and files a
counter-notice; Acme follows the case on its own case page; on a phone screen the notice reads too."""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from accounts.models import Role
from complaints.models import Case, CaseSource
from listings.models import ListingStatus
from listings.services import listing_upsert
from registry.services import protection_rules_set

from ..factories import BrandMemberFactory, SellerMemberFactory, TrademarkFactory, UserFactory
from .test_seller_due_process import login

pytestmark = pytest.mark.browser


@pytest.fixture
def detected(transactional_db):
    alice = UserFactory(username="alice", role=Role.RIGHTS_HOLDER)
    acme = BrandMemberFactory(user=alice, brand__name="Acme").brand
    TrademarkFactory(brand=acme, name="ACME")
    sam = UserFactory(username="sam", role=Role.SELLER)
    seller = SellerMemberFactory(user=sam, seller__name="Northwind").seller
    UserFactory(username="rev1", role=Role.REVIEWER)
    protection_rules_set(brand=acme, by=alice, countries=["DE", "US"], countries_mode="suppress", sellers=[],
                         sellers_mode="flag", extra_terms=[], misspellings=[])
    with transaction.atomic():  # committed: the check runs on commit, as after an API call
        listing_upsert(seller=seller, external_id="L-900", title="ACME studio headphones", description="",
                       brand_name="", ships_from="CN", price="19.99")
    case = Case.objects.get(source=CaseSource.AUTOMATIC)
    assert case.listing.status == ListingStatus.SUPPRESSED
    return case


def test_an_automatic_case_from_hit_to_confirmation_notice_and_counter_notice(browser, live_server, detected, shot):
    # 1. The reviewer confirms it: a removal, for a trademark reason.
    page = login(browser, live_server.url, "rev1")
    page.goto(f"/review/cases/{detected.pk}/")
    expect(page.get_by_test_id("detection")).to_contain_text("Automatic detection")
    expect(page.get_by_test_id("listing-restrictions")).to_contain_text("Suppressed by automatic detection")
    page.get_by_role("button", name="Claim this case").click()
    reason = page.get_by_label("Reason")
    expect(reason.locator("option", has_text="Counterfeit goods bearing the registered mark")).to_have_count(1)
    expect(reason.locator("option", has_text="Unauthorized copy of the protected work")).to_have_count(0)
    reason.select_option(label="Registered mark used in the listing without authorization")
    page.get_by_label("Facts").fill("The title uses ACME; the listing ships from CN, outside Acme's countries.")
    # The statement follows the facts (HTMX) before it is recorded.
    expect(page.get_by_label("Statement the seller reads")).to_have_value(re.compile("Facts: The title uses ACME"))
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Decision on {detected.reference} recorded")
    shot(page, "auto-1-confirmed")
    page.context.close()
    detected.refresh_from_db()
    assert detected.listing.status == ListingStatus.REMOVED

    # 2. The seller reads the notice and files a counter-notice.
    page = login(browser, live_server.url, "sam")
    page.goto("/seller/")
    expect(page.get_by_text("automatic detection under a protection rule of Acme")).to_be_visible()
    page.goto(f"/seller/notices/{detected.pk}/")
    expect(page.get_by_test_id("complainant")).to_contain_text("Acme")
    expect(page.get_by_test_id("statement").last).to_contain_text("Detection: automatic")
    page.get_by_role("link", name="File a counter-notice instead").click()
    expect(page.get_by_text("after automatic detection under a protection rule of")).to_be_visible()
    # A trademark removal: the marketplace's own counter-notice (ground and facts), not the DMCA's.
    expect(page.get_by_test_id("procedure")).to_contain_text("counter-notice reviewed by the marketplace")
    expect(page.get_by_label("Postal address")).to_have_count(0)
    page.get_by_label("I am an authorized reseller of the rights holder").check()
    page.get_by_label("Your explanation").fill("Bought from Acme's EU distributor, invoice INV-2026-114.")
    page.get_by_label("Full name").fill("Sofia Lind")
    page.get_by_label("Signature").fill("Sofia Lind")
    page.get_by_role("button", name="File counter-notice").click()
    expect(page.get_by_role("status")).to_contain_text("Counter-notice filed. Acme may answer with evidence until")
    shot(page, "auto-2-counter-notice")
    # On a phone the notice still reads: nothing runs off the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/seller/notices/{detected.pk}/")
    expect(page.get_by_test_id("complainant")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "auto-3-phone")
    page.context.close()

    # 3. Acme follows the case: opened by automatic detection, the counter-notice and its deadline.
    page = login(browser, live_server.url, "alice")
    page.goto(f"/reports/cases/{detected.pk}/")
    expect(page.get_by_test_id("case-origin")).to_contain_text("Opened by automatic detection")
    expect(page.get_by_test_id("counter-notice")).to_be_visible()
    expect(page.get_by_test_id("court-action-due")).to_be_visible()
    page.context.close()
