"""The whole flow through the real pages, as four people in four browser sessions:
rights1 reports two listings, reviewer1 removes one, seller1 appeals, senior1 grants the appeal.
"""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from listings.models import Listing, ListingStatus
from registry.models import IPRight

pytestmark = pytest.mark.browser

PASSWORD = "demo-pass-2026"
REMOVED, KEPT = "L-000105", "L-000115"  # odd ids: seller1's; ending in 5: ACME replicas
EXPLANATION = "The title offers a 1:1 replica of our ACME headphones at 9.99, shipped from CN."
REVIEW_FACTS = "The title says 'replica 1:1 copy' of ACME goods and the price is 9.99."
APPEAL = "These are genuine ACME headphones bought from Acme's authorized distributor; invoice 2026-114."
RULING_FACTS = "The invoice from the authorized distributor matches the listed goods."


class Sessions:
    """One fresh browser context (cookie jar) per person, logged in through the login page.

    Each step closes its page, so no page polls the server (the report page does, every 10 s)
    while the next person acts or the test reads the database.
    """

    def __init__(self, browser, base_url: str):
        self.browser, self.base_url, self.contexts = browser, base_url, {}

    def page(self, username: str) -> Page:
        context = self.contexts.get(username)
        if context is None:
            context = self.browser.new_context(base_url=self.base_url, viewport={"width": 1280, "height": 900})
            context.set_default_timeout(10_000)
            self.contexts[username] = context
            page = context.new_page()
            page.goto("/accounts/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_test_id("whoami")).to_contain_text(username)
            expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
            return page
        page = context.new_page()
        page.goto("/")
        return page


def listing_status(external_id: str) -> str:
    return Listing.objects.values_list("status", flat=True).get(external_id=external_id)


def test_report_remove_appeal_reinstate_through_the_pages(browser, live_server, shot):
    call_command("seed_demo", stdout=io.StringIO())
    acme = IPRight.objects.get(brand__name="Acme Audio", name="ACME")
    assert listing_status(REMOVED) == ListingStatus.ACTIVE
    people = Sessions(browser, live_server.url)

    # 1. rights1 files a report; first with a missing declaration and an unknown listing id.
    page = people.page("rights1")
    page.get_by_role("navigation").get_by_role("link", name="New report").click()
    expect(page).to_have_url(re.compile(r"/reports/new/$"))
    page.get_by_role("link", name="Trademark report").click()
    expect(page).to_have_url(re.compile(r"/reports/new/trademark/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Report trademark infringement")
    page.get_by_label("Registered trademark").select_option(label=f"Acme Audio — {acme} (Verified)")
    page.get_by_label("I am the rights owner (or its employee)").check()
    page.get_by_label("Type of infringement").select_option(label="Counterfeit product")
    page.get_by_role("checkbox", name="Title", exact=True).check()
    page.get_by_label("Listings").fill(f"{REMOVED}\nL-999999")
    page.get_by_label("Explanation").fill(EXPLANATION)
    expect(page.get_by_label("Contact email")).to_have_value("rights1@demo.ipportal.local")
    page.get_by_label("I have a good-faith belief").check()
    page.get_by_label("The information in this notice is accurate").check()
    page.get_by_label("Electronic signature").fill("Rita Holt")
    page.get_by_role("button", name="Submit report").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    listings_box, authority = page.get_by_label("Listings"), page.get_by_label("Under penalty of perjury")
    # Each error sits beside its field and is tied to it for screen readers.
    expect(page.locator("#id_listings_error")).to_contain_text("No listing found for: L-999999")
    expect(listings_box).to_have_attribute("aria-invalid", "true")
    expect(listings_box).to_have_attribute("aria-describedby", re.compile(r"\bid_listings_error\b"))
    expect(page.locator(".declaration", has=authority)).to_contain_text(
        "Tick this declaration to file the report.")
    expect(authority).to_have_attribute("aria-describedby", re.compile(r"\bid_decl_authority_error\b"))
    expect(page.locator(".declaration .errorlist")).to_have_count(1)  # only the unticked one
    expect(page.locator("#id_explanation_error")).to_have_count(0)
    # Nothing typed is lost.
    expect(page.get_by_label("Explanation")).to_have_value(EXPLANATION)
    expect(listings_box).to_have_value(f"{REMOVED}\nL-999999")
    expect(page.get_by_label("I have a good-faith belief")).to_be_checked()
    expect(page.get_by_label("Electronic signature")).to_have_value("Rita Holt")
    shot(page, "01-rights1-report-errors")

    listings_box.fill(f"{REMOVED}\n{KEPT}")
    authority.check()
    page.get_by_role("button", name="Submit report").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Report R-\d{7} filed: 2 cases are in the "
                                                               r"review queue\. A confirmation was sent to "
                                                               r"rights1@demo\.ipportal\.local\.$"))
    report_url = page.url
    expect(page.get_by_test_id(f"case-state-{REMOVED}")).to_have_text("Open")
    expect(page.get_by_test_id(f"case-state-{KEPT}")).to_have_text("Open")
    expect(page.locator("p.prose").first).to_have_text(EXPLANATION)
    shot(page, "02-rights1-report-filed")
    page.close()

    # 2. reviewer1 claims the case of REMOVED from the queue and removes the listing.
    page = people.page("reviewer1")
    page.get_by_role("navigation").get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    # the demo backlog has older, overdue cases first; the report just filed is the newest
    page.get_by_role("link", name="Newest first").click()
    expect(page).to_have_url(re.compile(r"/review/\?sort=newest$"))
    row = page.get_by_role("row").filter(has_text=REMOVED)
    expect(row).to_have_count(1)
    case_ref = row.get_by_role("link").inner_text()
    row.get_by_role("link").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Open")
    page.get_by_role("button", name="Claim this case").click()
    expect(page.get_by_test_id("case-state")).to_have_text("In review")
    expect(page.get_by_text(EXPLANATION)).to_be_visible()
    expect(page.get_by_text("rights1, the rights owner or its employee")).to_be_visible()
    page.get_by_label("Reason").select_option(label="Counterfeit goods bearing the registered mark")
    page.get_by_label("Facts").fill(REVIEW_FACTS)
    # the statement of reasons follows the reason and the facts (HTMX), editable before recording
    statement = page.get_by_label("Statement the seller reads")
    expect(statement).to_have_value(re.compile(re.escape(f"Facts: {REVIEW_FACTS}")))
    shot(page, "03-reviewer1-deciding")
    page.get_by_role("button", name="Record decision").click()
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.get_by_role("status")).to_have_text(
        f"Decision on {case_ref} recorded: Remove listing. The seller and the reporter are notified.")
    page.get_by_role("link", name="Newest first").click()
    expect(page).to_have_url(re.compile(r"/review/\?sort=newest$"))
    expect(page.get_by_role("row").filter(has_text=REMOVED)).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text=KEPT)).to_have_count(1)
    shot(page, "04-reviewer1-queue-after-decision")
    assert listing_status(REMOVED) == ListingStatus.REMOVED  # the takedown task ran (eagerly)
    assert listing_status(KEPT) == ListingStatus.ACTIVE
    page.close()

    # 3. rights1 sees the decision and its statement of reasons on the report.
    page = people.page("rights1")
    page.goto(report_url)
    expect(page.get_by_test_id(f"case-state-{REMOVED}")).to_have_text("Actioned")
    expect(page.get_by_test_id(f"case-state-{KEPT}")).to_have_text("Open")
    removed_row = page.get_by_test_id("report-cases").get_by_role("row").filter(has_text=REMOVED)
    expect(removed_row).to_contain_text(f"What was decided: Your listing {REMOVED}")
    expect(removed_row).to_contain_text(f"Facts: {REVIEW_FACTS}")
    shot(page, "05-rights1-report-actioned")
    page.close()

    # 4. seller1 reads the notice and appeals.
    page = people.page("seller1")
    page.get_by_role("navigation").get_by_role("link", name="Notices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notices on your listings")
    page.get_by_role("row").filter(has_text=REMOVED).get_by_role("link", name=case_ref).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Notice {case_ref}")
    expect(page.get_by_test_id("case-state")).to_have_text("Actioned")
    expect(page.get_by_test_id("listing-status")).to_have_text("Removed")
    statement = page.get_by_test_id("statement")
    expect(statement).to_have_count(1)
    expect(statement).to_contain_text(f"Facts: {REVIEW_FACTS}")
    expect(statement).to_contain_text("How to appeal")
    page.get_by_label("Why the decision is wrong").fill(APPEAL)
    shot(page, "06-seller1-notice")
    page.get_by_role("button", name="File appeal").click()
    expect(page.get_by_role("status")).to_contain_text("Appeal filed.")
    expect(page.get_by_test_id("appeal-status")).to_have_text("Open")
    expect(page.get_by_test_id("case-state")).to_have_text("Appealed")
    expect(page.get_by_role("button", name="File appeal")).to_have_count(0)
    page.close()

    # 5. senior1 grants the appeal; the listing is back.
    page = people.page("senior1")
    page.get_by_role("navigation").get_by_role("link", name="Appeals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open appeals")
    page.get_by_role("row").filter(has_text=REMOVED).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"on {case_ref}")
    expect(page.get_by_text(APPEAL)).to_be_visible()
    expect(page.get_by_test_id("listing-status")).to_have_text("Removed")
    page.get_by_label("Ruling").select_option(label="The seller showed the goods are genuine or authorized")
    page.get_by_label("Facts").fill(RULING_FACTS)
    shot(page, "07-senior1-appeal")
    page.get_by_role("button", name="Record ruling").click()
    expect(page).to_have_url(re.compile(r"/review/appeals/$"))
    expect(page.get_by_role("status")).to_contain_text(f"Appeal on {case_ref} granted. The listing is being reinstated")
    expect(page.get_by_role("row").filter(has_text=REMOVED)).to_have_count(0)
    assert listing_status(REMOVED) == ListingStatus.ACTIVE  # the reinstatement task ran
    page.close()

    page = people.page("seller1")
    page.get_by_role("navigation").get_by_role("link", name="Notices").click()
    page.get_by_role("link", name=case_ref).click()
    expect(page.get_by_test_id("appeal-status")).to_have_text("Granted")
    expect(page.get_by_test_id("case-state")).to_have_text("Reinstated on appeal")
    expect(page.get_by_test_id("listing-status")).to_have_text("Active")
    expect(page.get_by_test_id("statement").last).to_contain_text(f"Facts: {RULING_FACTS}")
    expect(page.get_by_test_id("statement").last).to_contain_text(f"Your listing {REMOVED}")
    shot(page, "08-seller1-reinstated")
    page.close()

    page = people.page("rights1")
    page.goto(report_url)
    expect(page.get_by_test_id(f"case-state-{REMOVED}")).to_have_text("Reinstated on appeal")
    expect(page.get_by_test_id(f"case-state-{KEPT}")).to_have_text("Open")
    shot(page, "09-rights1-report-reinstated")
    page.close()
