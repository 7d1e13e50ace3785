"""Issue 14's "done when": register an image, fail to register a resized copy as another brand
(who disputes the refusal; a reviewer rules), verify the certificate on its public page, file a
copyright report citing it."""

import base64
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from certificates.models import Certificate
from complaints.models import Report

from ..certificates.conftest import TEST_KEY
from ..certificates.samples import edits, encode, picture
from .test_full_flow import Sessions

pytestmark = pytest.mark.browser


def test_register_refuse_a_copy_verify_and_cite_in_a_report(browser, live_server, shot, settings):
    settings.CERTIFICATES_LOG_KEY = base64.b64encode(TEST_KEY.private_bytes_raw()).decode()
    call_command("seed_demo", stdout=io.StringIO())
    original = encode(picture(42))
    resized = encode(edits(picture(42))["resized_50"].convert("RGB"), "JPEG", quality=85)
    people = Sessions(browser, live_server.url)

    # rights1 registers the photo.
    page = people.page("rights1")
    page.get_by_role("navigation").get_by_role("link", name="Certificates").click()
    page.get_by_role("link", name="Register a work").click()
    page.get_by_label("Title").fill("Aurora lamp, studio photo")
    page.get_by_label("Kind of work").select_option("image")
    page.get_by_label("Author").fill("Rita Holt")
    page.get_by_label("The work").set_input_files({"name": "aurora.png", "mimeType": "image/png", "buffer": original})
    page.get_by_role("button", name="Register and certify").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Certificate IPC-")
    cert = Certificate.objects.get()
    expect(page.get_by_test_id("certificate-sha256")).to_have_text(cert.sha256)
    shot(page, "certificates-1-issued")
    page.close()

    # rights2 (another brand) tries a resized copy: refused, naming the earlier certificate's public page.
    page = people.page("rights2")
    page.goto("/certificates/new/")
    page.get_by_label("Title").fill("Our lamp photo")
    page.get_by_label("Kind of work").select_option("image")
    page.get_by_label("The work").set_input_files({"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": resized})
    page.get_by_role("button", name="Register and certify").click()
    expect(page.get_by_role("alert")).to_contain_text("The work was not registered")
    refusal = page.get_by_test_id("duplicate-of")
    expect(refusal).to_contain_text(f"certificate {cert.public_id}")
    expect(refusal).to_contain_text("near copy")
    expect(page.get_by_label("Title")).to_have_value("Our lamp photo")
    expect(page.locator("main")).not_to_contain_text("Rita Holt")
    shot(page, "certificates-2-near-copy-refused")
    dispute = page.get_by_test_id("dispute")
    dispute.get_by_label("The work").set_input_files({"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": resized})
    dispute.get_by_label("Why it is not a copy").fill("We shot this photo ourselves; it only looks alike.")
    dispute.get_by_role("button", name="Send the dispute to a reviewer").click()
    expect(page.get_by_role("status")).to_contain_text("is with a reviewer")
    page.goto("/certificates/new/")
    page.get_by_label("Title").fill("Our lamp photo")
    page.get_by_label("The work").set_input_files({"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": resized})
    page.get_by_role("button", name="Register and certify").click()
    refusal = page.get_by_test_id("duplicate-of")
    refusal.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/certificates/{cert.public_id}/$"))
    page.close()
    assert Certificate.objects.count() == 1

    # Anyone, logged out: the public page, then "verify a file" with the original and with the copy.
    anon = browser.new_context(base_url=live_server.url)
    page = anon.new_page()
    page.goto(f"/certificates/{cert.public_id}/")
    expect(page.get_by_test_id("certificate-title")).to_have_text("Aurora lamp, studio photo")
    expect(page.get_by_test_id("leaf-index")).to_have_text("0")
    expect(page.get_by_role("img")).to_be_visible()
    page.get_by_role("link", name="Verify a file").first.click()
    page.get_by_label("The file to check").set_input_files(
        {"name": "x.png", "mimeType": "image/png", "buffer": original})
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text(f"Exact match: this file is the work of "
                                                                  f"certificate {cert.public_id}")
    page.get_by_label("The file to check").set_input_files(
        {"name": "y.jpg", "mimeType": "image/jpeg", "buffer": resized})
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text("Near match")
    shot(page, "certificates-3-verify-a-file")
    page.goto(f"/certificates/{cert.public_id}/print/")
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    anon.close()

    # rights1 files a copyright report citing the certificate.
    page = people.page("rights1")
    page.goto("/reports/new/copyright/")
    page.get_by_label("Copyrighted work").select_option(value=str(cert.right_id))
    page.get_by_label("I am the rights owner (or its employee)").check()
    page.get_by_label("The original work").fill("Studio photo of the Aurora lamp")
    page.get_by_label("What was copied").fill("The listing's main image is our photo, resized.")
    page.get_by_label("IP Portal certificate").fill(cert.public_id)
    page.get_by_label("Listings").fill("L-000105")
    page.get_by_label("Explanation").fill("The seller uses our certified product photo.")
    page.get_by_label("I have a good-faith belief").check()
    page.get_by_label("The information in this notice is accurate").check()
    page.get_by_label("Under penalty of perjury").check()
    page.get_by_label("Electronic signature").fill("Rita Holt")
    page.get_by_role("button", name="Submit report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report R-")
    shot(page, "certificates-4-report-cites-certificate")
    report = Report.objects.latest("id")
    assert report.details["certificate"] == cert.public_id and report.right_id == cert.right_id
    page.close()

    # The reviewer sees the certificate verified on the case page, and rules on the dispute.
    page = people.page("reviewer1")
    page.get_by_role("navigation").get_by_role("link", name="Certificate disputes").click()
    page.get_by_role("link", name="#").first.click()
    expect(page.get_by_test_id("side-by-side").get_by_role("img")).to_have_count(2)
    shot(page, "certificates-6-dispute-side-by-side")
    page.get_by_label("A copy: the refusal stands").check()
    page.get_by_label("Reason").fill("The same photograph, resized.")
    page.get_by_role("button", name="Record ruling").click()
    expect(page.get_by_test_id("dispute-state")).to_have_text("A copy: the refusal stands")
    assert Certificate.objects.count() == 1
    page.goto(f"/review/cases/{report.cases.get().pk}/")
    expect(page.get_by_test_id("certificate-verification")).to_contain_text("verified")
    expect(page.get_by_test_id("case-certificate")).to_contain_text(cert.public_id)
    shot(page, "certificates-5-case-page")
