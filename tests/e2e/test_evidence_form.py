"""Evidence and drafts in the real report form: a refused upload reads well, the good file is kept
without picking it again, a draft resumes with its file, and the reviewer sees the image inline."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from complaints.models import Report
from registry.models import IPRight

from ..evidence.samples import HTML, PDF, image
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
    expect(page.get_by_role("status")).to_contain_text("saved with 2 file(s)")
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
