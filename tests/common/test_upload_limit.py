"""The uploads limit (RATE_LIMITS["uploads"], per user, requests carrying files) is met where the
form is validated: the form comes back with everything typed, its file field saying the files were
not taken and when they can be sent again (common.dates.clock), 429 with Retry-After; nothing is
stored or filed. Files kept from an earlier try stay kept. The API answers JSON. Every view that
reads files meets it (a guard over the URLconf)."""

import inspect
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.parsers import MultiPartParser
from rest_framework.test import APIClient

from appeals.models import Appeal
from common.ratelimit import UploadThrottle
from complaints.models import Report
from evidence.models import EvidenceFile
from registry.models import MarkType, RightDocument
from suspensions.models import SuspensionAppealEvidence

from ..evidence.samples import PDF, image, upload
from ..factories import PendingTrademarkFactory, api_key_for
from ..reporters.test_views_reports import _form
from ..sellers.test_views_due_process import notice_url
from ..suspensions.test_strikes import proposed  # noqa: F401  (fixture)
from ..suspensions.test_suspension_appeals import approved  # noqa: F401  (fixture)
from ..views import removed_case

AT = datetime(2026, 12, 4, 10, 30, tzinfo=UTC)
REFUSED = ("Files not taken: you reached the upload limit (1/hour requests with files). "
           "You can upload again in 30 minutes (at 11:00 UTC).")


@pytest.fixture
def one_upload_an_hour(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "uploads": "1/hour"}


def pdf(name="invoice.pdf", salt=b""):
    return upload(name, PDF + salt, "application/pdf")


def _refused(response) -> str:
    assert response.status_code == 429
    assert response["Retry-After"] == "1800"
    html = response.content.decode()
    assert REFUSED in html
    return html


def test_the_sellers_appeal_over_the_limit_comes_back_as_typed_with_its_kept_file(world, client,
                                                                                  one_upload_an_hour):
    case = removed_case(world)
    client.force_login(world.sam)
    with time_machine.travel(AT, tick=False):
        first = client.post(notice_url(case), {"statement": "", "evidence_upload": pdf()})
        assert first.status_code == 400
        kept = first.context["files"][0]
        typed = "Bought from the official distributor; the invoice is attached."
        response = client.post(notice_url(case), {"statement": typed, "evidence": [kept.pk],
                                                  "evidence_upload": pdf("second.pdf", salt=b"%2\n")})
    html = _refused(response)
    assert typed in html
    assert "Kept: " in html and "invoice.pdf" in html and "second.pdf" not in html
    assert [f.pk for f in response.context["files"]] == [kept.pk]
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == ["invoice.pdf"]
    assert not Appeal.objects.exists()
    # Sent again without new files, the appeal is filed with the kept one: the limit is on files.
    response = client.post(notice_url(case), {"statement": typed, "evidence": [kept.pk]})
    assert response.status_code == 302
    assert Appeal.objects.get().evidence_links.get().file_id == kept.pk


def test_the_suspension_appeal_over_the_limit_keeps_the_statement_and_refuses_the_files(
        world, client, one_upload_an_hour, approved):  # noqa: F811
    client.force_login(world.sam)
    url = reverse("sellers:suspension_appeal")
    with time_machine.travel(AT, tick=False):
        assert client.post(url, {"statement": "", "evidence_upload": pdf()}).status_code == 400
        typed = "Two of the three strikes were reversed on appeal last week."
        response = client.post(url, {"statement": typed, "evidence_upload": pdf("reversal.pdf", salt=b"%2\n")})
    html = _refused(response)
    assert typed in html and "reversal.pdf" not in html
    assert not EvidenceFile.objects.filter(original_name="reversal.pdf").exists()
    approved.refresh_from_db()
    assert approved.appeal_filed_at is None and not SuspensionAppealEvidence.objects.exists()


def test_the_report_form_over_the_limit_refuses_the_evidence_and_the_csv_and_keeps_the_text(
        world, client, one_upload_an_hour):
    client.force_login(world.alice)
    url = reverse("reporters:report_form", args=["trademark"])
    with time_machine.travel(AT, tick=False):
        assert client.post(url, {"action": "draft", "evidence_upload": pdf()}).status_code != 429
        typed = "The stitching differs from ours; the logo is a copy."
        csv = upload("listings.csv", f"{world.listings_a[2].external_id}\n".encode(), "text/csv")
        response = client.post(url, _form(world, explanation=typed, evidence_upload=pdf("photo.pdf", salt=b"%2\n"),
                                          listings_csv=csv))
    html = _refused(response)
    assert typed in html and "Alice Example" in html and world.listings_a[1].external_id in html
    assert re.search(r'id="id_evidence_upload_error".*Files not taken', html, re.S)
    assert re.search(r'id="id_listings_csv_error".*Files not taken', html, re.S)
    assert world.listings_a[2].external_id not in html  # the CSV was not read
    assert not EvidenceFile.objects.filter(original_name="photo.pdf").exists()
    assert not Report.objects.exists()


def test_a_form_with_a_plain_file_field_is_refused_on_that_field(world, client, one_upload_an_hour):
    figurative = PendingTrademarkFactory(brand=world.brand_a, name="ACME WAVE", mark_type=MarkType.FIGURATIVE)
    client.force_login(world.alice)
    url = reverse("registry:right_document_upload", args=[figurative.pk])
    with time_machine.travel(AT, tick=False):
        assert client.post(url, {"role": "mark_image", "file": upload("a.png", image("PNG"))}).status_code == 302
        response = client.post(url, {"role": "mark_image", "file": upload("b.png", image("PNG", size=(9, 9)))})
    _refused(response)
    assert response.context["document_form"].errors["file"] == [REFUSED + " Nothing you typed was lost; pick the "
                                                                          "files again then."]
    assert RightDocument.objects.filter(right=figurative).count() == 1


def test_the_public_verify_form_counts_per_address(client, db, one_upload_an_hour):
    with time_machine.travel(AT, tick=False):
        assert client.post("/certificates/verify/", {"file": upload("a.png", image("PNG"))}).status_code == 200
        response = client.post("/certificates/verify/", {"file": upload("a.png", image("PNG"))})
    _refused(response)
    other = client.post("/certificates/verify/", {"file": upload("a.png", image("PNG"))}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


def test_the_api_answers_json_429_and_shares_the_count_with_the_forms(world, client, one_upload_an_hour):
    client.force_login(world.alice)
    assert client.post(reverse("reporters:report_form", args=["trademark"]),
                       {"action": "draft", "evidence_upload": pdf()}).status_code != 429
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(world.alice)}")
    refused = api.post("/api/v1/evidence/", {"files": [pdf("api.pdf", salt=b"%3\n")]}, format="multipart")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused["Content-Type"].startswith("application/json") and "detail" in refused.json()
    assert not EvidenceFile.objects.filter(original_name="api.pdf").exists()
    bobs = APIClient()
    bobs.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(world.bob)}")
    assert bobs.post("/api/v1/evidence/", {"files": [pdf("b.pdf")]}, format="multipart").status_code == 201


# --- the guard: every view that reads files meets the limit ---------------------------------------

READS_FILES = ("request.FILES", "take_uploads(", "uploads_carry(", "_take_evidence(")


PROJECT_APPS = {app.partition(".")[0] for app in settings.INSTALLED_APPS if not app.startswith(("django", "rest_"))}


def _callbacks(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _callbacks(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def test_every_view_that_reads_files_meets_the_uploads_limit():
    form_views, api_views, unlimited = set(), set(), []
    for route, callback in _callbacks(get_resolver().url_patterns):
        cls = getattr(callback, "cls", None)
        if cls is not None:
            # An API view takes files if it says it parses multipart (the defaults parse it for
            # every view, but only these read files) or reads them.
            if MultiPartParser in vars(cls).get("parser_classes", ()) or "request.FILES" in inspect.getsource(cls):
                api_views.add(cls.__name__)
                if UploadThrottle not in cls.throttle_classes:
                    unlimited.append(route)
            continue
        view = inspect.unwrap(callback)
        if view.__module__.partition(".")[0] not in PROJECT_APPS:
            continue  # Django's admin and auth views store no files
        source = inspect.getsource(view)
        if any(marker in source for marker in READS_FILES):
            form_views.add(callback.__name__)
            if not getattr(callback, "uploads_limited", False):
                unlimited.append(route)
    assert unlimited == []
    # The guard sees the views it guards (it would pass vacuously on a changed marker).
    assert {"report_new", "notice_detail", "suspension_appeal", "counter_notice_new", "court_action",
            "certificate_new", "right_document_upload", "references", "test_buy_new"} <= form_views
    assert {"EvidenceUploadApi", "WorkRegisterApi"} <= api_views
