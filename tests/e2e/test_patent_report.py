"""A rights holder files a patent report in the browser — one listing found with the search box, two
from a CSV, an evidence file — sees it filed, then withdraws it. Design and copyright reports, and a
design report relying on an unregistered design."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from common import dates
from complaints.models import CaseState, Report
from registry.models import Brand, IPRight

from ..evidence.samples import PDF
from .test_full_flow import Sessions

pytestmark = pytest.mark.browser


def test_file_a_patent_report_with_a_csv_and_evidence_then_withdraw_it(browser, live_server, shot):
    call_command("seed_demo", stdout=io.StringIO())
    acme = Brand.objects.get(name="Acme Audio")
    patent = IPRight.objects.create(brand=acme, kind="patent", office="USPTO", registration_number="11223344",
                                    name="Folding headphone hinge", status="verified")
    people = Sessions(browser, live_server.url)
    page = people.page("rights1")

    page.get_by_role("navigation").get_by_role("link", name="New report").click()
    page.get_by_role("link", name="Patent report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report patent infringement")
    page.get_by_label("Granted patent").select_option(label=f"Acme Audio — {patent} (Verified)")
    page.get_by_label("I am the rights owner (or its employee)").check()
    page.get_by_label("Claims the product meets").fill("1, 3")
    page.get_by_label("How the product meets each claim").fill("Claim 1: the hinge folds inward (photo 2).")

    # The search box inside the form: HTMX swaps the results in; "Add" puts the id in the box.
    page.get_by_label("Search listing id").fill("L-000105")
    page.get_by_role("button", name="Search listings").click()
    page.get_by_role("button", name="Add L-000105").click()
    expect(page.get_by_label("Listings", exact=True)).to_have_value("L-000105")

    page.get_by_label("Or upload a CSV file of listing ids").set_input_files(
        {"name": "listings.csv", "mimeType": "text/csv", "buffer": b"listing_id\nL-000115\nL-000125\n"})
    page.get_by_label("Explanation").fill("<script>alert(1)</script> The hinge copies claim 1.")
    page.get_by_label("Add evidence files").set_input_files(
        {"name": "claim-chart.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_label("I have a good-faith belief").check()
    page.get_by_label("The information in this notice is accurate").check()
    page.get_by_label("Under penalty of perjury").check()
    page.get_by_label("Electronic signature").fill("Rita Holt")
    shot(page, "patent-1-form")
    page.get_by_role("button", name="Submit report").click()

    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("filed: 3 cases are in the review queue")
    expect(page.get_by_text("<script>alert(1)</script> The hinge copies claim 1.")).to_be_visible()
    expect(page.get_by_text("claim-chart.pdf")).to_be_visible()
    for listing in ("L-000105", "L-000115", "L-000125"):
        expect(page.get_by_test_id(f"case-state-{listing}")).to_have_text("Open")
    shot(page, "patent-2-filed")

    page.get_by_text("Withdraw this report", exact=True).click()
    page.get_by_label("I want to withdraw this report").check()
    page.get_by_role("button", name="Withdraw report").click()
    expect(page.get_by_role("status")).to_contain_text("3 undecided cases closed")
    expect(page.get_by_test_id("case-state-L-000105")).to_have_text("Withdrawn")
    shot(page, "patent-3-withdrawn")
    page.close()

    report = Report.objects.get(right=patent)
    assert report.withdrawn_at is not None and report.details["claims"] == "1, 3"
    assert set(report.cases.values_list("state", flat=True)) == {CaseState.WITHDRAWN}
    assert report.evidence_links.get().file.original_name == "claim-chart.pdf"


@pytest.mark.parametrize("kind,right_label,answers", [
    ("design", "Registered design", {"Protected features copied": "The faceted shade and triangular base."}),
    ("copyright", "Copyrighted work", {"The original work": "Our product photo of the Aurora lamp",
                                       "Where the original is published": "https://acme.example/aurora",
                                       "What was copied": "The main listing image."}),
])
def test_file_a_design_or_copyright_report(browser, live_server, kind, right_label, answers):
    call_command("seed_demo", stdout=io.StringIO())
    acme = Brand.objects.get(name="Acme Audio")
    right = IPRight.objects.create(brand=acme, kind=kind, name=f"Aurora lamp {kind}", status="verified",
                                   office="" if kind == "copyright" else "EUIPO",
                                   registration_number="" if kind == "copyright" else "0099887766-0001")
    page = Sessions(browser, live_server.url).page("rights1")
    page.goto("/reports/new/")
    page.get_by_role("link", name=f"{kind.capitalize()} report").click()
    page.get_by_label(right_label).select_option(label=f"Acme Audio — {right} (Verified)")
    page.get_by_label("I am the rights owner (or its employee)").check()
    for label, value in answers.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("Listings", exact=True).fill("L-000135")
    page.get_by_label("Explanation").fill("The listing copies our work.")
    page.get_by_label("I have a good-faith belief").check()
    page.get_by_label("The information in this notice is accurate").check()
    page.get_by_label("Under penalty of perjury").check()
    page.get_by_label("Electronic signature").fill("Rita Holt")
    page.get_by_role("button", name="Submit report").click()
    expect(page.get_by_role("status")).to_contain_text("filed: 1 case is in the review queue")
    for value in answers.values():
        expect(page.get_by_text(value, exact=True)).to_be_visible()
    page.close()
    assert Report.objects.get(right=right).kind == kind


def test_file_a_design_report_with_an_unregistered_design(browser, live_server, shot):
    """No registered design: the holder describes one (the picker hides, with JavaScript), files, and
    the reviewer sees it in the Unregistered right lane with the description."""
    call_command("seed_demo", stdout=io.StringIO())
    disclosed = (date.today() - timedelta(days=300)).isoformat()
    people = Sessions(browser, live_server.url)
    page = people.page("rights1")
    page.goto("/reports/new/design/")
    registered = page.locator("[data-right-source=registered]")
    described = page.get_by_test_id("unregistered-right")
    # Acme has no design in the portal: the description is chosen already, the picker hidden.
    expect(page.get_by_label("A right that is not registered: describe it")).to_be_checked()
    expect(registered).to_be_hidden()
    page.get_by_label("A right registered under your brand").check()
    expect(described).to_be_hidden()
    expect(registered).to_be_visible()
    page.get_by_label("A right that is not registered: describe it").check()
    expect(described).to_be_visible()

    page.get_by_label("Brand that owns the right").select_option(label="Acme Audio")
    page.get_by_label("The design", exact=True).fill("Aurora lamp shape")
    page.get_by_label("Product", exact=True).fill("table lamp")
    page.get_by_label("First made available to the public").fill(disclosed)
    page.get_by_label("Features of its appearance").fill("A faceted conical shade on a triangular base.")
    page.get_by_label("I am the rights owner (or its employee)").check()
    page.get_by_label("Protected features copied").fill("The faceted shade and triangular base.")
    page.get_by_label("Listings", exact=True).fill("L-000135")
    page.get_by_label("Explanation").fill("The listing copies our unregistered lamp design.")
    page.get_by_label("I have a good-faith belief").check()
    page.get_by_label("The information in this notice is accurate").check()
    page.get_by_label("Under penalty of perjury").check()
    page.get_by_label("Electronic signature").fill("Rita Holt")
    shot(page, "unregistered-1-form")
    page.get_by_role("button", name="Submit report").click()

    expect(page.get_by_role("status")).to_contain_text("filed: 1 case is in the review queue")
    facts = page.get_by_test_id("unregistered-description")
    expect(facts).to_contain_text("Unregistered right — described by the reporter")
    expect(facts).to_contain_text(dates.day(date.fromisoformat(disclosed)))
    expect(facts).to_contain_text("A faceted conical shade on a triangular base.")
    shot(page, "unregistered-2-filed")
    page.close()

    report = Report.objects.get(right__name="Aurora lamp shape")
    case = report.cases.get()
    assert not report.right.registered and case.priority == 3

    page = people.page("reviewer1")
    page.goto("/review/?lane=3")
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_test_id("unregistered-description")).to_contain_text("table lamp")
    expect(page.get_by_text("Unregistered right", exact=True).first).to_be_visible()
    shot(page, "unregistered-3-case")
    page.close()
