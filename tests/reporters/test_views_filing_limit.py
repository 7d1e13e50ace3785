"""The report form at the filing limit (RATE_LIMITS["report_filing"], shared with the API): the form
comes back with everything typed and the files kept, says when filing opens again, 429 with
Retry-After; nothing is filed. The API answers JSON with Retry-After."""

import re
from datetime import UTC, datetime

import time_machine
from rest_framework.test import APIClient

from complaints.models import Report

from ..evidence.samples import PDF, upload
from ..factories import api_key_for
from .test_views_reports import _form

TM_FORM = "/reports/new/trademark/"


def test_the_form_over_the_limit_comes_back_as_typed_with_the_files_and_when(world, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report_filing": "1/hour"}
    client.force_login(world.alice)
    with time_machine.travel(datetime(2026, 12, 4, 10, 30, tzinfo=UTC), tick=False):
        assert client.post(TM_FORM, _form(world)).status_code == 302
        typed = "A second listing copies our logo; the stitching differs from ours."
        response = client.post(TM_FORM, _form(world, explanation=typed,
                                              evidence_upload=upload("photo.pdf", PDF, "application/pdf")))
    assert response.status_code == 429
    assert response["Retry-After"] == "1800"
    html = response.content.decode()
    assert "Not filed: you reached the filing limit (1/hour reports)" in html
    assert "You can file again in 30 minutes (at 11:00 UTC)" in html
    assert typed in html and "Alice Example" in html and "legal@acme.example" in html
    assert world.listings_a[1].external_id in html
    kept = re.findall(r'<input type="hidden" name="evidence" value="(\d+)"', html)
    assert len(kept) == 1 and "photo.pdf" in html
    assert Report.objects.count() == 1


def test_the_api_over_the_limit_answers_json_with_retry_after(world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report_filing": "1/hour"}
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(world.alice)}")
    api.post("/api/v1/reports/", {}, format="json")
    refused = api.post("/api/v1/reports/", {}, format="json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused["Content-Type"].startswith("application/json") and "detail" in refused.json()
