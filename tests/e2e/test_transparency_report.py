"""The public transparency report in the browser: an anonymous visitor opens /transparency/,
switches from the month to the year, and downloads the CSV of that year's figures."""

import csv
import io
import re

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from listings.services import listing_upsert
from registry.services import protection_rules_set
from transparency.report import snapshots_compute

from ..factories import BrandMemberFactory, SellerMemberFactory, TrademarkFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def figures(transactional_db):
    alice = UserFactory(username="alice", role=Role.RIGHTS_HOLDER)
    acme = BrandMemberFactory(user=alice, brand__name="Acme").brand
    TrademarkFactory(brand=acme, name="ACME")
    seller = SellerMemberFactory(user=UserFactory(username="sam", role=Role.SELLER), seller__name="Northwind").seller
    protection_rules_set(brand=acme, by=alice, countries=["DE", "US"], countries_mode="suppress", sellers=[],
                         sellers_mode="flag", extra_terms=[], misspellings=[])
    with transaction.atomic():  # committed: the check runs on commit, as after an API call
        listing_upsert(seller=seller, external_id="L-900", title="ACME studio headphones", description="",
                       brand_name="", ships_from="CN", price="19.99")
    assert snapshots_compute() == 3


def test_an_anonymous_visitor_switches_period_and_downloads_the_csv(browser, live_server, figures, shot):
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/transparency/")
    now = timezone.now()
    expect(page.get_by_test_id("period-label")).to_have_text(now.strftime("%B %Y"))
    expect(page.get_by_test_id("section-items_by_source")).to_contain_text("Automatic detection (own initiative)")
    expect(page.locator("figure.chart svg").first).to_be_visible()
    shot(page, "transparency-1-month")

    page.get_by_test_id("period-kind").select_option("year")  # submits the form on change
    expect(page.get_by_test_id("period-label")).to_have_text(str(now.year))
    expect(page).to_have_url(re.compile(r"/transparency/\?period=year"))
    shot(page, "transparency-2-year")

    with page.expect_download() as info:
        page.get_by_test_id("download-csv").click()
    download = info.value
    assert download.suggested_filename == f"transparency-year-{now.year}-01-01.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert {r["period"] for r in rows} == {"year"}
    auto = [r for r in rows if r["figure"] == "Automatic detection (own initiative)"]
    assert auto[0]["value"] == "1"
    page.context.close()


@pytest.fixture
def notice(transactional_db):
    from decisions.services import case_decide

    from ..conftest import claim, file_report
    from ..factories import ListingFactory

    alice = UserFactory(username="alice", role=Role.RIGHTS_HOLDER)
    acme = BrandMemberFactory(user=alice, brand__name="Acme", brand__owner_company="Acme Audio GmbH").brand
    mark = TrademarkFactory(brand=acme, name="ACME")
    seller = SellerMemberFactory(user=UserFactory(username="sam", role=Role.SELLER), seller__name="Northwind").seller
    listings = [ListingFactory(seller=seller, external_id=f"L-ARCH-{i}") for i in (1, 2)]
    report = file_report(reporter=alice, right=mark, listings=listings)
    case = report.cases.get(listing=listings[0])
    reviewer = UserFactory(username="rev", role=Role.REVIEWER)
    claim(case, reviewer)
    case_decide(case=case, reviewer=reviewer, reason_code="tm_counterfeit", facts="Replica logo on the box.")
    snapshots_compute()
    return report


def test_an_anonymous_visitor_reads_the_notice_archive_without_personal_data(browser, live_server, notice, shot):
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{live_server.url}/transparency/")
    page.get_by_test_id("archive-link").click()
    page.get_by_test_id("archive-kind").select_option("trademark")
    page.get_by_role("button", name="Show").click()
    row = page.get_by_test_id(f"notice-{notice.pk}")
    expect(row).to_contain_text("Acme Audio GmbH")
    expect(row).to_contain_text("Action taken: 1")
    expect(row).to_contain_text("Being reviewed: 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "notice-archive-390")
    row.get_by_role("link", name=notice.reference).click()
    expect(page.get_by_test_id("notice-cases")).to_contain_text("L-ARCH-1")
    expect(page.get_by_test_id("notice-cases")).not_to_contain_text("L-ARCH-2")
    expect(page.get_by_test_id("pending")).to_contain_text("1 listing still under review")
    assert "alice" not in page.content() and "legal@example.test" not in page.content()
    page.context.close()
