"""Registration documents in the browser: a refused SVG reads well beside the field, the mark image
is shown on the right's page, and the reviewer sees it inline before sending the code."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from registry.models import Brand, IPRight, MarkType, RightKind, RightStatus

from ..evidence.samples import PDF, SVG, image
from .test_full_flow import Sessions

pytestmark = pytest.mark.browser


def test_upload_refusal_mark_image_and_reviewer_view(browser, live_server, shot):
    call_command("seed_demo", stdout=io.StringIO())
    wave = IPRight.objects.create(brand=Brand.objects.get(name="Acme Audio"), kind=RightKind.TRADEMARK,
                                  office="EUIPO", registration_number="018000001", name="ACME WAVE",
                                  mark_type=MarkType.FIGURATIVE, nice_classes=[9], status=RightStatus.PENDING)
    people = Sessions(browser, live_server.url)

    page = people.page("rights1")
    page.goto(f"/registry/rights/{wave.pk}/")
    expect(page.get_by_test_id("documents-missing")).to_contain_text("Upload the mark image")
    page.get_by_label("What it is").select_option(label="Mark image (figurative mark)")
    page.get_by_label("File", exact=True).set_input_files(
        [{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": SVG}])
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#id_file_error")).to_contain_text("“logo.svg” was not accepted: it is an SVG image")
    expect(page.get_by_label("What it is")).to_have_value("mark_image")
    shot(page, "right-documents-1-svg-refused")

    page.get_by_label("File", exact=True).set_input_files(
        [{"name": "wave.png", "mimeType": "image/png", "buffer": image("PNG", size=(240, 120))}])
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status").first).to_contain_text("is stored with")
    page.get_by_label("What it is").select_option(label="Registration extract (office record)")
    page.get_by_label("File", exact=True).set_input_files(
        [{"name": "extract.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Upload").click()
    docs = page.get_by_test_id("right-documents")
    expect(docs).to_contain_text("wave.png")
    expect(docs).to_contain_text("extract.pdf")
    expect(page.get_by_test_id("documents-missing")).to_have_count(0)
    shot(page, "right-documents-2-listed")
    page.close()

    page = people.page("reviewer1")
    page.goto(f"/registry/verification/{wave.pk}/")
    img = page.get_by_test_id("right-documents").get_by_role("img")
    expect(img).to_have_count(1)
    assert img.evaluate("i => i.complete && i.naturalWidth") == 240
    expect(page.locator(".timeline")).to_contain_text("Registration document uploaded")
    shot(page, "right-documents-3-reviewer")
    page.close()
