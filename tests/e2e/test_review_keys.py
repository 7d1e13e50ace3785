"""A reviewer works a case with the keyboard: n claims the next case, s picks a suppression
reason, the statement follows the facts (HTMX), o writes a note; the seller reads the notice."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from complaints.models import Case, CaseNote
from listings.models import ListingStatus

from .test_full_flow import Sessions

pytestmark = pytest.mark.browser

FACTS = "The photos show the ACME logo on an unbranded product."
NOTE = "Second opinion welcome: seller says the goods are refurbished originals."


def test_a_reviewer_claims_and_suppresses_with_the_keyboard(browser, live_server, shot):
    call_command("seed_demo", stdout=io.StringIO())
    people = Sessions(browser, live_server.url)
    page = people.page("reviewer1")
    page.goto("/review/")
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/review/cases/\d+/$"))
    expect(page.get_by_test_id("case-state")).to_have_text("In review")
    case = Case.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))

    page.keyboard.press("?")
    expect(page.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")

    page.keyboard.press("o")
    page.keyboard.type(NOTE)
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_test_id("notes")).to_contain_text(NOTE)  # swapped in by HTMX, no reload

    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("Escape")
    page.keyboard.press("s")
    expect(page.get_by_label("Reason")).to_have_value("tm_suppress_unclear")
    page.keyboard.type(FACTS)  # the facts field has the focus
    statement = page.get_by_label("Statement the seller reads")
    expect(statement).to_have_value(re.compile(re.escape(f"Facts: {FACTS}")))
    statement.fill(statement.input_value() + "\n\nReviewed with the seller's photos of 2 May.")
    shot(page, "keys-01-deciding")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_contain_text(f"Decision on {case.reference} recorded: Suppress listing.")

    case.refresh_from_db()
    case.listing.refresh_from_db()
    assert case.state == "actioned" and case.listing.status == ListingStatus.SUPPRESSED
    assert case.decisions.get().statement.endswith("Reviewed with the seller's photos of 2 May.")
    assert CaseNote.objects.filter(case=case, text=NOTE).exists()
    page.close()

    seller = case.listing.seller.members.first().user.username
    page = people.page(seller)
    page.goto(f"/seller/notices/{case.pk}/")
    expect(page.get_by_text("Reviewed with the seller's photos of 2 May.")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_have_count(0)
    page.close()
