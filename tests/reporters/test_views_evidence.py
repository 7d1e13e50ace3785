"""Evidence in the report form, on the report and case pages, and the access-checked download."""

import re

import pytest
from django.urls import reverse

from complaints.models import Report
from evidence.models import EvidenceFile
from evidence.services import evidence_accept

from ..conftest import file_report
from ..evidence.samples import HTML, PDF, image, upload
from ..views import assert_login_redirect
from .test_views_reports import _field_error, _form

TM_FORM = "/reports/new/trademark/"


def _hidden_ids(html: str) -> list[int]:
    return [int(v) for v in re.findall(r'<input type="hidden" name="evidence" value="(\d+)"', html)]


def _filed_with(world, *uploads):
    files = evidence_accept(uploaded_by=world.alice, uploads=list(uploads)).stored
    return file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1], evidence=files), files


def test_files_picked_in_the_form_are_filed_with_the_report(world, client):
    client.force_login(world.alice)
    png, pdf = image("PNG"), PDF
    response = client.post(TM_FORM, _form(
        world, evidence_upload=[upload("listing.png", png), upload("invoice.pdf", pdf, claimed="text/html")]))
    report = Report.objects.get()
    assert response.status_code == 302
    files = [link.file for link in report.evidence_links.order_by("id")]
    assert [(f.original_name, f.content_type) for f in files] == [
        ("listing.png", "image/png"), ("invoice.pdf", "application/pdf")]
    page = client.get(reverse("reporters:report_detail", kwargs={"pk": report.pk})).content.decode()
    for f in files:
        assert reverse("reporters:evidence_download", kwargs={"pk": f.pk}) in page
        assert f.sha256[:12] in page


def test_a_refused_file_is_named_beside_the_upload_field_and_nothing_is_filed(world, client):
    client.force_login(world.alice)
    response = client.post(TM_FORM, _form(
        world, evidence_upload=[upload("screenshot.png", HTML)]))
    html = response.content.decode()
    assert response.status_code == 200
    error = _field_error(html, "evidence_upload")
    assert "“screenshot.png” was not accepted: its content is HTML" in error
    assert "The logo is a copy of ours; see the second photo." in html
    assert Report.objects.count() == 0 and EvidenceFile.objects.count() == 0


def test_a_validation_error_keeps_the_uploaded_files_and_they_need_not_be_picked_again(world, client):
    client.force_login(world.alice)
    response = client.post(TM_FORM, _form(
        world, signature="Alice", evidence_upload=[upload("shot.png", image("PNG")), upload("notes.txt", b"hi")]))
    html = response.content.decode()
    assert "Type your full name" in _field_error(html, "signature")
    assert Report.objects.count() == 0
    ids = _hidden_ids(html)
    assert len(ids) == 2 and "shot.png" in html and "notes.txt" in html
    # The browser forgets the picked files; the form carries them as ids.
    response = client.post(TM_FORM, _form(world, evidence=[str(i) for i in ids]))
    report = Report.objects.get()
    assert sorted(report.evidence_links.values_list("file_id", flat=True)) == sorted(ids)


def test_a_refused_file_beside_a_good_one_keeps_the_good_one(world, client):
    client.force_login(world.alice)
    response = client.post(TM_FORM, _form(
        world, evidence_upload=[upload("shot.png", image("PNG")), upload("tool.exe", b"MZ" + b"\0" * 60)]))
    html = response.content.decode()
    assert "“tool.exe” was not accepted: it is a Windows program" in _field_error(html, "evidence_upload")
    assert len(_hidden_ids(html)) == 1 and "shot.png" in html
    assert Report.objects.count() == 0


def test_too_much_evidence_for_one_report_is_refused_naming_the_file(world, client, settings):
    settings.EVIDENCE_MAX_OWNER_BYTES = len(PDF) + 10
    client.force_login(world.alice)
    response = client.post(TM_FORM, _form(
        world, evidence_upload=[upload("one.pdf", PDF), upload("two.pdf", PDF)]))
    error = _field_error(response.content.decode(), "evidence_upload")
    assert "“two.pdf” was not accepted: it would bring the evidence to" in error
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == ["one.pdf"]


def test_remove_drops_a_file_and_shows_no_errors(world, client):
    client.force_login(world.alice)
    first = client.post(TM_FORM, _form(
        world, signature="", evidence_upload=[upload("a.png", image("PNG")), upload("b.pdf", PDF)]))
    a, b = _hidden_ids(first.content.decode())
    response = client.post(TM_FORM, _form(
        world, signature="", evidence=[str(a), str(b)], remove_evidence=str(a)))
    html = response.content.decode()
    assert _hidden_ids(html) == [b]
    assert "Removed “a.png” from this report." in html
    assert 'class="errorlist"' not in html
    assert "The logo is a copy of ours; see the second photo." in html


def test_another_users_upload_cannot_be_carried_by_id(world, client):
    [bobs] = evidence_accept(uploaded_by=world.bob, uploads=[upload("b.pdf", PDF)]).stored
    client.force_login(world.alice)
    response = client.post(TM_FORM, _form(world, evidence=[str(bobs.pk)]))
    assert "A file uploaded earlier is no longer available" in _field_error(response.content.decode(),
                                                                           "evidence_upload")
    assert Report.objects.count() == 0


def test_a_file_already_filed_cannot_be_filed_again(world, client):
    _, [filed] = _filed_with(world, upload("a.pdf", PDF))
    client.force_login(world.alice)
    response = client.post(TM_FORM, _form(
        world, listings=world.listings_a[1].external_id, evidence=[str(filed.pk)]))
    assert "no longer available" in _field_error(response.content.decode(), "evidence_upload")
    assert Report.objects.count() == 1


# download and inline

@pytest.mark.parametrize("kind,served", [
    ("pdf", "application/pdf"), ("png", "image/png"), ("text", "text/plain; charset=utf-8"),
])
def test_the_download_is_an_attachment_with_a_safe_type(world, client, kind, served):
    data = {"pdf": PDF, "png": image("PNG"), "text": b"<b>order</b> 4711\n"}[kind]
    _, [file] = _filed_with(world, upload("evil\".html", data, claimed="text/html"))
    client.force_login(world.alice)
    response = client.get(reverse("reporters:evidence_download", kwargs={"pk": file.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == served
    ext = {"pdf": "pdf", "png": "png", "text": "txt"}[kind]
    assert response["Content-Disposition"] == f'attachment; filename="evil.{ext}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize("persona,status", [
    ("alice", 200), ("agent", 200), ("rev1", 200), ("senior", 200), ("bob", 404), ("sam", 404), ("outsider", 404),
])
@pytest.mark.parametrize("name", ["reporters:evidence_download", "reporters:evidence_inline"])
def test_only_the_brand_and_reviewers_get_the_evidence(world, client, settings, persona, status, name):
    settings.DEBUG = False
    _, [file] = _filed_with(world, upload("shot.png", image("PNG")))
    client.force_login(getattr(world, persona))
    response = client.get(reverse(name, kwargs={"pk": file.pk}))
    assert response.status_code == status
    if status == 404:
        assert "shot" not in response.content.decode()


@pytest.mark.parametrize("name", ["reporters:evidence_download", "reporters:evidence_inline"])
def test_an_anonymous_visitor_is_sent_to_log_in(world, client, name):
    _, [file] = _filed_with(world, upload("shot.png", image("PNG")))
    url = reverse(name, kwargs={"pk": file.pk})
    assert_login_redirect(client.get(url), url)


def test_an_upload_no_report_took_is_not_served_even_to_its_uploader(world, client):
    [loose] = evidence_accept(uploaded_by=world.alice, uploads=[upload("a.pdf", PDF)]).stored
    client.force_login(world.alice)
    assert client.get(reverse("reporters:evidence_download", kwargs={"pk": loose.pk})).status_code == 404
    client.force_login(world.rev1)
    assert client.get(reverse("reporters:evidence_download", kwargs={"pk": loose.pk})).status_code == 404


def test_images_are_served_inline_but_a_pdf_is_not(world, client):
    _, [png, pdf] = _filed_with(world, upload("shot.webp", image("WEBP")), upload("a.pdf", PDF))
    client.force_login(world.rev1)
    response = client.get(reverse("reporters:evidence_inline", kwargs={"pk": png.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert response["Content-Disposition"] == 'inline; filename="shot.webp"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert client.get(reverse("reporters:evidence_inline", kwargs={"pk": pdf.pk})).status_code == 404


def test_the_download_refuses_a_post(world, client):
    _, [file] = _filed_with(world, upload("a.pdf", PDF))
    client.force_login(world.alice)
    assert client.post(reverse("reporters:evidence_download", kwargs={"pk": file.pk})).status_code == 405


def test_the_case_page_shows_images_inline_and_pdfs_as_links(world, client):
    report, [png, pdf] = _filed_with(world, upload("shot.png", image("PNG")), upload("invoice.pdf", PDF))
    client.force_login(world.rev1)
    html = client.get(reverse("review:case_detail", kwargs={"pk": report.cases.get().pk})).content.decode()
    assert f'<img src="{reverse("reporters:evidence_inline", kwargs={"pk": png.pk})}"' in html
    assert reverse("reporters:evidence_inline", kwargs={"pk": pdf.pk}) not in html
    assert f'href="{reverse("reporters:evidence_download", kwargs={"pk": pdf.pk})}" download>invoice.pdf<' in html
