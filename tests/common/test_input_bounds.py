"""Input is bounded: every free-text field and list has a maximum length (form, API, OpenAPI
schema); the listing parser is linear; NUL characters and integers beyond 64 bits are a 400 or
404, not a 500; request bodies have a size cap."""

import json
import time

import pytest
from django.test import RequestFactory

from common.middleware import RequestBoundsMiddleware
from complaints.forms import LISTINGS_BOX_MAX_CHARS, ReportForm
from listings.models import Listing
from listings.selectors import parse_listing_refs
from registry.forms import RULE_MAX_TERMS, RulesForm
from reporters.api import MAX_API_LISTINGS

from ..reporters.test_api_reports import REPORTS, api, body

pytestmark = pytest.mark.django_db


def test_the_listing_parser_is_linear_and_merges_duplicates_in_order():
    text = "\n".join(f"L-{i:06d}" for i in range(40_000)) + "\nL-000001\nhttps://m.example/listing/L-000002/"
    started = time.process_time()
    refs = parse_listing_refs(text)
    assert time.process_time() - started < 1.0  # was 19 s of CPU: a list scanned per id
    assert len(refs) == 40_000 and refs[:3] == ["L-000000", "L-000001", "L-000002"]


def test_the_report_forms_listings_box_is_bounded(world):
    form = ReportForm(data={"listings": "L-1\n" * (LISTINGS_BOX_MAX_CHARS // 4 + 1)}, user=world.alice)
    form.is_valid()
    assert "a report takes at most 300" in str(form.errors["listings"])


def test_a_rules_form_refuses_too_many_or_too_long_terms(world):
    form = RulesForm(data={"countries_mode": "flag", "sellers_mode": "flag",
                           "extra_terms": "\n".join(f"term{i}" for i in range(RULE_MAX_TERMS + 1)),
                           "misspellings": "x" * 101})
    assert not form.is_valid()
    assert "at most 200" in str(form.errors["extra_terms"]) and "longer than 100" in str(form.errors["misspellings"])


@pytest.mark.parametrize("field,value,message", [
    ("listings", [f"L-{i}" for i in range(MAX_API_LISTINGS + 1)], "at most 10000 per call"),
    ("evidence", list(range(1, 22)), "no more than 20"),
    ("evidence", [2**70], "less than or equal to"),
    ("right", 2**70, "less than or equal to"),
    ("explanation", "x" * 10_001, "no more than 10000"),
    ("infringement_type", "x" * 41, "no more than 40"),
], ids=["listings", "evidence-count", "evidence-id-overflow", "right-overflow", "explanation", "infringement_type"])
def test_the_report_api_refuses_what_is_out_of_bounds_naming_the_field(world, field, value, message):
    response = api(world.alice).post(REPORTS, body(world, **{field: value}), format="json")
    assert response.status_code == 400
    assert message in json.dumps(response.json()[field])


def test_the_listing_ingest_bounds_descriptions(world):
    from ..webhooks.webhooks import marketplace_user

    response = api(marketplace_user()).post("/api/v1/listings/", {
        "external_id": "L-NEW", "seller_external_id": world.seller_a.external_id, "title": "Lamp",
        "description": "x" * 10_001, "ships_from": "US", "price": "5.00"}, format="json")
    assert response.status_code == 400 and "description" in response.json()
    assert not Listing.objects.filter(external_id="L-NEW").exists()


def test_the_schema_states_the_bounds(client):
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    report = schema["ReportIn"]["properties"]
    assert report["listings"]["maxItems"] == MAX_API_LISTINGS and report["listings"]["items"]["maxLength"] == 500
    assert report["evidence"]["maxItems"] == 20 and report["explanation"]["maxLength"] == 10_000
    assert report["right"]["maximum"] == 2**63 - 1
    assert schema["ListingIn"]["properties"]["description"]["maxLength"] == 10_000


# --- NUL characters ----------------------------------------------------------------------------


def test_a_nul_in_a_search_parameter_is_a_400(client, world):
    client.force_login(world.alice)
    response = client.get("/reports/listings/search/", {"q": "acme\x00"})
    assert response.status_code == 400


def test_a_nul_in_json_is_a_400(world):
    response = api(world.alice).post(REPORTS, data=json.dumps(body(world, explanation="fake\u0000")),
                                     content_type="application/json")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


def test_a_backslash_followed_by_u0000_as_text_is_not_a_nul(world):
    response = api(world.alice).post(REPORTS, data=json.dumps(body(world, explanation="see C:\\u0000 folder")),
                                     content_type="application/json")
    assert response.status_code == 201, response.json()


def test_a_nul_in_a_form_post_is_a_400_or_a_field_error(client, world):
    client.force_login(world.alice)
    assert client.post("/reports/new/trademark/", "explanation=x%00",
                       content_type="application/x-www-form-urlencoded").status_code == 400
    page = client.post("/reports/new/trademark/", {"explanation": "x\x00"})  # multipart: the form's fields say it
    assert "Null characters are not allowed" in page.content.decode()


@pytest.mark.postgres
def test_on_postgresql_a_nul_in_search_and_json_is_a_400_not_a_500(require_postgres, client, world):
    client.force_login(world.alice)
    assert client.get("/reports/listings/search/", {"q": "acme\x00"}).status_code == 400
    assert client.get("/reports/listings/search/", {"listing_id": "\x00"}).status_code == 400
    response = api(world.alice).post(REPORTS, data=json.dumps(body(world, details={"test_buy_orders": "a\u0000"})),
                                     content_type="application/json")
    assert response.status_code == 400


# --- integers beyond 64 bits ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/reports/evidence/{n}/", "/reports/{n}/", "/api/v1/reports/{n}/"])
def test_an_id_beyond_64_bits_in_the_address_is_a_404(client, world, path):
    client.force_login(world.alice)
    assert client.get(path.format(n=2**70)).status_code == 404
    assert api(world.alice).get(path.format(n=2**64)).status_code == 404


def test_an_overflowing_number_elsewhere_is_a_400():
    middleware = RequestBoundsMiddleware(lambda request: None)
    response = middleware.process_exception(RequestFactory().get("/api/v1/x/"), OverflowError("too large"))
    assert response.status_code == 400 and "out of range" in json.loads(response.content)["detail"]


# --- request size --------------------------------------------------------------------------------


def test_a_body_over_the_cap_is_a_413_before_it_is_read(world, settings):
    settings.REQUEST_MAX_BODY_BYTES = 10_000
    data = json.dumps(body(world, explanation="x" * 9_000) | {"pad": "y" * 2000})
    response = api(world.alice).post(REPORTS, data=data, content_type="application/json")
    assert response.status_code == 413


def test_an_upload_over_its_cap_is_a_413(client, world, settings):
    settings.REQUEST_MAX_UPLOAD_BYTES = 50_000
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api(world.alice).post("/api/v1/evidence/", {"files": SimpleUploadedFile("a.txt", b"a" * 60_000)},
                                     format="multipart")
    assert response.status_code == 413


def test_the_caps_are_set():
    from django.conf import settings

    assert settings.REQUEST_MAX_BODY_BYTES == settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 16 * 2**20
    assert settings.REQUEST_MAX_UPLOAD_BYTES == settings.EVIDENCE_MAX_OWNER_BYTES + 2 * 2**20
