"""Evidence and drafts in the real report form: a refused upload reads well, the good file is kept
without picking it again, a draft resumes with its file, and the reviewer sees the image inline."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from complaints.models import Report
from listings.models import Seller
from registry.models import IPRight
from review.claims import case_claim
from review.info_requests import case_request_info

from ..conftest import file_report
from ..evidence.samples import HTML, PDF, image
from ..factories import ListingFactory
from .test_full_flow import Sessions

pytestmark = pytest.mark.browser


def test_upload_error_draft_resume_and_inline_image(browser, live_server, shot):
    call_command("seed_demo", stdout=io.StringIO())
    acme = IPRight.objects.get(brand__name="Acme Audio", name="ACME")
    people = Sessions(browser, live_server.url)

    page = people.page("rights1")
    page.goto("/reports/new/trademark/")
    page.get_by_label("Registered trademark").select_option(label=f"Acme Audio — {acme} (Verified)")
    page.get_by_label("I am the rights owner (or its employee)").check()
    page.get_by_label("Type of infringement").select_option(label="Counterfeit product")
    page.get_by_role("checkbox", name="Title", exact=True).check()
    page.get_by_label("Listings").fill("L-000105")
    page.get_by_label("Explanation").fill("Replica of our ACME headphones; see the photo.")
    page.get_by_label("Add evidence files").set_input_files([
        {"name": "listing-photo.png", "mimeType": "image/png", "buffer": image("PNG", size=(320, 200))},
        {"name": "screenshot.png", "mimeType": "image/png", "buffer": HTML},
    ])
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    expect(page.locator("#id_evidence_upload_error")).to_contain_text(
        "“screenshot.png” was not accepted: its content is HTML")
    files = page.get_by_test_id("evidence-files")
    expect(files).to_contain_text("listing-photo.png")
    expect(files).not_to_contain_text("screenshot.png")
    expect(page.get_by_label("Explanation")).to_have_value("Replica of our ACME headphones; see the photo.")
    shot(page, "evidence-1-upload-refused")

    # Save the draft without picking the kept file again; add a PDF on the way.
    page.get_by_label("Add evidence files").set_input_files(
        [{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("saved with 2 files")
    expect(page).to_have_url(re.compile(r"/reports/drafts/\d+/$"))

    page.get_by_role("navigation").get_by_role("link", name="My reports").click()
    expect(page.get_by_test_id("drafts")).to_contain_text("2")
    shot(page, "evidence-2-my-reports-draft")
    page.get_by_test_id("drafts").get_by_role("link", name="Continue").click()
    expect(page.get_by_test_id("evidence-files")).to_contain_text("listing-photo.png")
    expect(page.get_by_test_id("evidence-files")).to_contain_text("invoice.pdf")
    page.get_by_label("I have a good-faith belief").check()
    page.get_by_label("The information in this notice is accurate").check()
    page.get_by_label("Under penalty of perjury").check()
    page.get_by_label("Electronic signature").fill("Rita Holt")
    shot(page, "evidence-3-draft-resumed")
    page.get_by_role("button", name="Submit report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report R-")
    expect(page.get_by_test_id("evidence")).to_contain_text("listing-photo.png")
    report = Report.objects.latest("id")
    assert sorted(report.evidence_links.values_list("file__original_name", flat=True)) == [
        "invoice.pdf", "listing-photo.png"]
    page.close()

    page = people.page("reviewer1")
    page.goto(f"/review/cases/{report.cases.get().pk}/")
    img = page.get_by_role("img", name="Evidence image listing-photo.png")
    expect(img).to_be_visible()
    assert page.evaluate("(el) => el.naturalWidth", img.element_handle()) == 320
    expect(page.get_by_role("link", name="invoice.pdf")).to_have_attribute("download", "")
    shot(page, "evidence-4-case-page")
    page.close()


def test_the_reporter_answers_a_question_with_a_file_the_reviewer_then_opens(browser, live_server, shot):
    """rights1 answers reviewer1's question with a test-buy photo from the report page; reviewer1
    sees the photo beside the answer on the case page and it loads through the evidence view."""
    call_command("seed_demo", stdout=io.StringIO())
    right = IPRight.objects.get(name="ACME", registration_number="5123456")
    listing = ListingFactory(seller=Seller.objects.order_by("id").first(), title="ACME headphones replica")
    report = file_report(reporter=User.objects.get(username="rights1"), right=right, listings=[listing])
    case = report.cases.get()
    reviewer = User.objects.get(username="reviewer1")
    with transaction.atomic():
        case_claim(case=case, reviewer=reviewer)
    case_request_info(case=case, reviewer=reviewer, question="Send a photo of the test buy.",
                      deadline=timezone.now() + timedelta(days=2))
    people = Sessions(browser, live_server.url)

    page = people.page("rights1")
    page.goto(f"/reports/{report.pk}/")
    questions = page.get_by_test_id("questions")
    questions.get_by_label("Your answer", exact=True).fill("The photo of our test buy is attached.")
    questions.get_by_label("Files with your answer").set_input_files(
        [{"name": "testbuy.png", "mimeType": "image/png", "buffer": image("PNG", size=(200, 100))}])
    questions.get_by_role("button", name="Send answer").click()
    expect(page.get_by_role("status").first).to_contain_text("Answer sent.")
    shot(page, "answer-files-1-sent")
    page.close()

    page = people.page("reviewer1")
    page.goto(f"/review/cases/{case.pk}/")
    files = page.get_by_test_id("answer-files")
    expect(files).to_contain_text("testbuy.png")
    img = files.get_by_role("img")
    expect(img).to_have_count(1)
    page.wait_for_function("() => document.querySelector('[data-testid=answer-files] img').complete")
    assert img.evaluate("i => i.naturalWidth") == 200
    shot(page, "answer-files-2-reviewer")
    page.close()
