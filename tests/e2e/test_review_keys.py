"""A reviewer filters the queue by brand, claims the next case with the keyboard (n), looks at the
evidence (an image shown inline, a PDF served as a download), picks a suppression reason (s), the
statement follows the facts (HTMX), writes a note (o); the seller reads the notice."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from complaints.models import Case, CaseNote, CaseState
from complaints.sla import case_due_at
from evidence.services import evidence_accept
from listings.models import Listing, ListingStatus
from registry.models import Brand

from ..conftest import file_report
from ..evidence.samples import PDF, image, upload
from .test_full_flow import Sessions

pytestmark = pytest.mark.browser

FACTS = "The photos show the ACME logo on an unbranded product."
NOTE = "Second opinion welcome: seller says the goods are refurbished originals."


def _overdue_case_with_evidence() -> Case:
    """rights2 reports a Borealis knock-off with a photo and an invoice; the case is then backdated
    (as seed_demo backdates its backlog) to the most overdue of the first lane, so it is next."""
    borealis = Brand.objects.get(name="Borealis Outdoor")
    rights2 = User.objects.get(username="rights2")
    files = evidence_accept(uploaded_by=rights2, uploads=[
        upload("test-buy photo.png", image("PNG", size=(64, 48))),
        upload("test-buy invoice.pdf", PDF, claimed="application/pdf")]).stored
    case = file_report(reporter=rights2, right=borealis.rights.get(name="BOREALIS"), evidence=files,
                       listings=[Listing.objects.get(external_id="L-000033")]).cases.get()
    opened = timezone.now() - timedelta(days=11)  # the demo backlog is at most ten days old
    Case.objects.filter(pk=case.pk).update(created_at=opened, due_at=case_due_at(priority=case.priority,
                                                                                 created_at=opened))
    return case


def _filter_by_brand(page, brand: Brand) -> None:
    """Filter the queue by a brand in the filter panel; the rows and the count follow (HTMX swap)."""
    summary = page.get_by_test_id("queue-summary")
    everyone = Case.objects.filter(state=CaseState.OPEN).count()
    theirs = Case.objects.filter(state=CaseState.OPEN, brand=brand).count()
    assert 0 < theirs < everyone
    expect(summary).to_contain_text(f"{everyone} cases match")
    rows = page.locator("table.queue tbody tr")
    expect(rows.filter(has_text="Acme Audio").first).to_be_visible()
    page.get_by_role("complementary", name="Filters").get_by_role("link", name=re.compile(rf"^{brand.name} ")).click()
    expect(page).to_have_url(re.compile(rf"/review/\?brand={brand.pk}$"))
    expect(summary).to_contain_text(f"{theirs} cases match")
    expect(rows).to_have_count(min(theirs, 25))
    expect(rows.filter(has_not_text=brand.name)).to_have_count(0)


def _view_evidence(page, tmp_path: Path) -> None:
    evidence = page.get_by_test_id("evidence")
    photo = evidence.get_by_role("img", name="Evidence image test-buy photo.png")
    expect(photo).to_be_visible()
    # Loaded from the inline URL (an <img> the browser decoded), not a broken-image icon.
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 64
    with page.expect_download() as info:
        evidence.get_by_role("link", name="test-buy invoice.pdf").click()
    download = info.value
    assert download.suggested_filename == "test-buy invoice.pdf"
    saved = tmp_path / "invoice.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == PDF


def test_a_reviewer_claims_and_suppresses_with_the_keyboard(browser, live_server, shot, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    planted = _overdue_case_with_evidence()
    people = Sessions(browser, live_server.url)
    page = people.page("reviewer1")
    page.goto("/review/")
    _filter_by_brand(page, Brand.objects.get(name="Borealis Outdoor"))
    expect(page.locator("table.queue tbody tr").first).to_have_attribute("data-case", str(planted.pk))
    shot(page, "keys-00-filtered")
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/review/cases/\d+/$"))
    expect(page.get_by_test_id("case-state")).to_have_text("In review")
    case = Case.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert case == planted  # the most overdue case of the first lane
    _view_evidence(page, tmp_path)

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
