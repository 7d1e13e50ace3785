"""Browser tests of the seller's due process: an appeal with an invoice that a senior grants, and a
counter-notice after which, with the clock moved, the listing comes back.

The live server runs in this process, so the beat's batch service is called here directly with a
later "now" (what the hourly beat task would do on that day).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from counter_notices.models import CounterNotice
from counter_notices.services import counter_notices_reinstate_due
from listings.models import Listing, ListingStatus

from ..conftest import claim_and_remove, file_report
from ..evidence.samples import PDF
from ..factories import (
    PASSWORD,
    BrandMemberFactory,
    ListingFactory,
    SellerMemberFactory,
    TrademarkFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


def _removed(kind: str):
    alice = UserFactory(username="alice", role=Role.RIGHTS_HOLDER)
    acme = BrandMemberFactory(user=alice, brand__name="Acme").brand
    sam = UserFactory(username="sam", role=Role.SELLER)
    seller = SellerMemberFactory(user=sam, seller__name="Northwind").seller
    listing = ListingFactory(seller=seller, external_id="L-777", title="ACME headphones")
    UserFactory(username="senior2", role=Role.SENIOR_REVIEWER)
    rev1 = UserFactory(username="rev1", role=Role.REVIEWER)
    if kind == "copyright":
        right = TrademarkFactory(brand=acme, kind="copyright", name="Acme product photographs", office="",
                                 registration_number="", work_type="image", author="Acme")
        code = "cr_unauthorized_copy"
    else:
        right, code = TrademarkFactory(brand=acme, name="ACME"), "tm_counterfeit"
    case = file_report(reporter=alice, right=right, listings=[listing]).cases.get()
    claim_and_remove(case=case, reviewer=rev1, code=code)
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.REMOVED
    return case


@pytest.fixture
def removed(transactional_db):
    """sam's listing, removed on alice's (Acme's) trademark notice by rev1; senior2 has no part in it."""
    return _removed("trademark")


@pytest.fixture
def removed_copyright(transactional_db):
    """The same under Acme's copyright: its counter-notice is the DMCA's."""
    return _removed("copyright")


def login(browser, base_url: str, username: str):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("whoami")).to_contain_text(username)
    return page


def status_of(case) -> str:
    return Listing.objects.values_list("status", flat=True).get(pk=case.listing_id)


def test_a_seller_appeals_with_an_invoice_and_a_senior_reinstates(browser, live_server, removed, shot, tmp_path):
    invoice = tmp_path / "invoice-2026-114.pdf"
    invoice.write_bytes(PDF)

    page = login(browser, live_server.url, "sam")
    page.get_by_role("navigation").get_by_role("link", name="Seller Center").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Seller Center")
    expect(page.get_by_test_id("restricted")).to_have_text("1")
    expect(page.get_by_test_id("listing-L-777")).to_have_text("Removed")
    expect(page.get_by_test_id("next-steps")).to_contain_text("appeal with your invoices by")
    shot(page, "sc-01-seller-center")
    page.get_by_role("link", name=f"Open notice {removed.reference}").click()
    expect(page.get_by_test_id("complainant")).to_contain_text("Acme")
    # First without a statement: refused, and the invoice stays uploaded.
    page.get_by_label("Evidence files").set_input_files(str(invoice))
    page.get_by_role("button", name="File appeal").click()
    expect(page.get_by_role("alert")).to_contain_text("Your appeal was not filed")
    expect(page.get_by_test_id("carried-files")).to_contain_text("invoice-2026-114.pdf")
    page.get_by_label("Why the decision is wrong").fill("Genuine: bought from Acme's distributor, invoice attached.")
    page.get_by_role("button", name="File appeal").click()
    expect(page.get_by_role("status")).to_contain_text("Appeal filed.")
    expect(page.get_by_test_id("appeal-status")).to_have_text("Open")
    expect(page.get_by_role("link", name="invoice-2026-114.pdf")).to_be_visible()
    shot(page, "sc-02-appeal-filed")
    page.context.close()

    page = login(browser, live_server.url, "senior2")
    page.get_by_role("navigation").get_by_role("link", name="Appeals").click()
    page.get_by_role("row").filter(has_text="L-777").get_by_role("link").click()
    expect(page.get_by_role("link", name="invoice-2026-114.pdf")).to_be_visible()
    page.get_by_label("Ruling").select_option(label="The seller showed the goods are genuine or authorized")
    page.get_by_label("Facts").fill("The invoice from the authorized distributor matches the goods.")
    page.get_by_role("button", name="Record ruling").click()
    expect(page.get_by_role("status")).to_contain_text(f"Appeal on {removed.reference} granted.")
    page.context.close()
    assert status_of(removed) == ListingStatus.ACTIVE

    page = login(browser, live_server.url, "sam")
    page.goto("/seller/")
    expect(page.get_by_test_id("listing-L-777")).to_have_text("Active")
    expect(page.get_by_test_id("restricted")).to_have_text("0")
    shot(page, "sc-03-reinstated")
    page.context.close()


def test_a_seller_files_a_counter_notice_and_with_the_clock_moved_sees_the_listing_back(
        browser, live_server, removed_copyright, shot):
    removed = removed_copyright
    page = login(browser, live_server.url, "sam")
    page.goto(f"/seller/notices/{removed.pk}/")
    page.get_by_role("link", name="File a counter-notice instead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Counter-notice on L-777")
    page.get_by_label("Full name").fill("Sofia Lind")
    page.get_by_label("Postal address").fill("1 Harbour Road, Portland")
    page.get_by_label("Signature").fill("Sofia Lind")
    page.get_by_role("button", name="File counter-notice").click()
    # Each missing statement is named beside its field; what was typed stays.
    expect(page.get_by_role("alert")).to_contain_text("The counter-notice was not filed")
    expect(page.locator("#id_perjury_statement_error")).to_contain_text("penalty of perjury")
    expect(page.locator("#id_phone_error")).to_contain_text("telephone number")
    expect(page.locator("#id_consent_jurisdiction_error")).to_contain_text("jurisdiction")
    expect(page.locator("#id_consent_service_error")).to_contain_text("service of process")
    expect(page.get_by_label("Full name")).to_have_value("Sofia Lind")
    shot(page, "sc-04-counter-notice-errors")
    page.get_by_label("I swear, under penalty of perjury").check()
    page.get_by_label("Telephone number").fill("+1 503 555 0100")
    page.get_by_label("I consent to the jurisdiction").check()
    page.get_by_label("I will accept service of process").check()
    page.get_by_role("button", name="File counter-notice").click()
    expect(page.get_by_role("status")).to_contain_text("Counter-notice filed.")
    notice = CounterNotice.objects.get()
    expect(page.get_by_test_id("reinstate-on")).to_have_text(re.compile(notice.reinstate_on.strftime("%B %Y")))
    expect(page.get_by_test_id("listing-status")).to_have_text("Removed")
    shot(page, "sc-05-counter-notice-filed")

    # The day after the reinstatement date, the beat's batch runs.
    later = timezone.make_aware(timezone.datetime.combine(notice.reinstate_on + timedelta(days=1),
                                                          timezone.datetime.min.time()))
    assert counter_notices_reinstate_due(now=later) == 1
    page.goto("/seller/")
    expect(page.get_by_test_id("listing-L-777")).to_have_text("Active")
    page.get_by_role("link", name=removed.reference).click()
    expect(page.get_by_test_id("listing-status")).to_have_text("Active")
    expect(page.get_by_test_id("counter-notice-status")).to_have_text("Listing reinstated")
    expect(page.get_by_test_id("statement").last).to_contain_text("did not show a court action")
    shot(page, "sc-06-listing-back")
    page.context.close()
