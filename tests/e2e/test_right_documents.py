"""Registration documents in the browser: a refused SVG reads well beside the field, the mark image
is shown on the right's page, and the reviewer sees it inline before sending the code."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
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


def test_an_expired_right_is_renewed_with_a_refused_file_first(browser, live_server, shot):
    """rights1 renews an expired right from its page: a disguised file is refused beside the field
    and the typed date is kept; with the PDF the right waits for verification again."""
    call_command("seed_demo", stdout=io.StringIO())
    old = IPRight.objects.create(brand=Brand.objects.get(name="Acme Audio"), kind=RightKind.TRADEMARK,
                                 office="EUIPO", registration_number="018000077", name="ACME OLD",
                                 mark_type=MarkType.WORD, nice_classes=[9], status=RightStatus.EXPIRED,
                                 registered_on=timezone.localdate() - dt.timedelta(days=3660),
                                 expires_on=timezone.localdate() - dt.timedelta(days=5))
    page = Sessions(browser, live_server.url).page("rights1")
    page.goto(f"/registry/rights/{old.pk}/")
    page.get_by_test_id("renew").click()
    page.get_by_label("New expiry date").fill("2036-05-01")
    page.get_by_label("Renewal certificate or extract").set_input_files(
        [{"name": "renewal.pdf", "mimeType": "application/pdf", "buffer": SVG}])
    page.get_by_role("button", name="Renew", exact=True).click()
    expect(page.locator("#id_file_error")).to_contain_text("“renewal.pdf” was not accepted")
    expect(page.get_by_label("New expiry date")).to_have_value("2036-05-01")
    shot(page, "right-renewal-1-refused")
    page.get_by_label("Renewal certificate or extract").set_input_files(
        [{"name": "renewal.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Renew", exact=True).click()
    expect(page.get_by_test_id("right-status")).to_have_text("Pending verification")
    expect(page.get_by_role("status").first).to_contain_text("is renewed to 1 May 2036")
    expect(page.get_by_test_id("right-documents")).to_contain_text("renewal.pdf")
    expect(page.locator(".timeline")).to_contain_text("Renewed with a new expiry date")
    shot(page, "right-renewal-2-pending")
    page.close()
    old.refresh_from_db()
    assert old.is_pending and old.expires_on == dt.date(2036, 5, 1)
