"""The reporting API: token per user, evidence uploads, a report of many listings, status, withdraw."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from complaints.models import Case, CaseState, Priority, Report
from listings.models import Listing
from registry.models import IPRight

from ..conftest import claim_and_remove, file_report
from ..evidence.samples import ELF, PDF, upload
from ..factories import api_key_for

REPORTS = "/api/v1/reports/"


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def body(world, **overrides):
    data = {
        "right": world.tm_a.pk, "capacity": "owner", "listings": [lst.external_id for lst in world.listings_a],
        "explanation": "Counterfeits of our ACME headphones.", "contact_email": "legal@acme.example",
        "infringement_type": "counterfeit", "details": {"where_on_listing": ["title"]},
        "declarations": {"good_faith": True, "accurate": True, "authority": True}, "signature": "Alice Example",
    }
    data.update(overrides)
    return data


def test_it_files_a_1000_listing_report_and_reads_its_status(world, django_assert_max_num_queries):
    Listing.objects.bulk_create(Listing(external_id=f"API-{i:05d}", seller=world.seller_a, title=f"Replica {i}",
                                        ships_from="CN", price=5) for i in range(1000))
    client = api(world.alice)
    ids = [f"API-{i:05d}" for i in range(1000)]
    # No query per listing: the lookups, cases, links and audit entries are chunked bulk statements
    # (about 45 on SQLite, whose limit on bound variables makes the chunks smaller; a query per
    # listing would be thousands).
    with django_assert_max_num_queries(60):
        response = client.post(REPORTS, body(world, listings=ids), format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["cases_opened"] == 1000 and created["linked"] == [] and created["reference"].startswith("R-")
    assert Case.objects.filter(report_id=created["id"]).count() == 1000

    status = client.get(f"{REPORTS}{created['id']}/").json()
    assert status["cases"] == 1000 and status["undecided"] == 1000 and status["kind"] == "trademark"
    assert len(status["case_list"]) == 1000 and status["case_list"][0]["state"] == "open"
    assert status["details"] == {"where_on_listing": ["title"]}


def test_the_status_shows_decisions_with_their_reasons(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    claim_and_remove(case=report.cases.get(), reviewer=world.rev1)
    status = api(world.alice).get(f"{REPORTS}{report.pk}/").json()
    decision = status["case_list"][0]["decisions"][0]
    assert status["actioned"] == 1 and decision["outcome"] == "remove" and decision["reason_code"] == "tm_counterfeit"
    assert "What was decided" in decision["statement"]


def test_more_than_10000_listings_are_refused(world):
    response = api(world.alice).post(REPORTS, body(world, listings=[f"X-{i}" for i in range(10_001)]), format="json")
    assert response.status_code == 400 and "at most 10000 per call" in response.json()["listings"][0]


def test_unknown_listings_are_named_and_nothing_filed(world):
    response = api(world.alice).post(REPORTS, body(world, listings=["NOPE-1", world.listings_a[0].external_id]),
                                     format="json")
    assert response.status_code == 400 and "NOPE-1" in response.json()["listings"][0]
    assert not Report.objects.exists()


def test_another_brands_right_is_refused(world):
    response = api(world.alice).post(REPORTS, body(world, right=world.tm_b.pk), format="json")
    assert response.status_code == 400 and "No such right" in response.json()["right"][0]


def test_a_missing_declaration_is_refused_by_the_service(world):
    response = api(world.alice).post(
        REPORTS, body(world, declarations={"good_faith": True, "accurate": False, "authority": True}), format="json")
    assert response.status_code == 400 and "Tick every declaration" in response.json()["declarations"][0]
    assert not Report.objects.exists()


def test_kind_fields_are_checked_like_the_form(world):
    response = api(world.alice).post(REPORTS, body(world, details={}), format="json")
    assert response.status_code == 400 and "required" in response.json()["where_on_listing"][0]
    response = api(world.alice).post(REPORTS, body(world, details={"where_on_listing": ["title"], "clams": "1"}),
                                     format="json")
    assert response.status_code == 400 and "does not take: clams" in response.json()["clams"][0]


def test_a_listing_under_review_is_linked(world):
    first = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    created = api(world.alice).post(REPORTS, body(world), format="json").json()
    assert created["cases_opened"] == 2
    assert created["linked"] == [{"listing": world.listings_a[0].external_id, "case": first.cases.get().reference,
                                  "report": first.reference, "source": "report", "state": "open"}]


def test_evidence_is_uploaded_then_filed(world):
    client = api(world.alice)
    response = client.post("/api/v1/evidence/", {"files": [upload("invoice.pdf", PDF, "application/pdf")]},
                           format="multipart")
    assert response.status_code == 201
    file_id = response.json()[0]["id"]
    created = client.post(REPORTS, body(world, evidence=[file_id]), format="json").json()
    assert Report.objects.get(pk=created["id"]).evidence_links.get().file_id == file_id
    # Filed once: the same id cannot be filed again.
    again = client.post(REPORTS, body(world, evidence=[file_id], listings=[world.listings_b[0].external_id]),
                        format="json")
    assert again.status_code == 400 and "upload it again" in again.json()["evidence"][0]


def test_a_pdf_that_is_an_executable_is_refused(world):
    response = api(world.alice).post("/api/v1/evidence/", {"files": [upload("invoice.pdf", ELF, "application/pdf")]},
                                     format="multipart")
    assert response.status_code == 400 and "invoice.pdf" in response.json()["files"][0]


def test_bobs_evidence_cannot_be_filed_by_alice(world):
    bobs = api(world.bob).post("/api/v1/evidence/", {"files": [upload("b.pdf", PDF, "application/pdf")]},
                               format="multipart").json()[0]["id"]
    response = api(world.alice).post(REPORTS, body(world, evidence=[bobs]), format="json")
    assert response.status_code == 400


def test_the_list_shows_only_the_callers_brands(world):
    mine = file_report(reporter=world.agent, right=world.tm_a, listings=world.listings_a[:1])
    file_report(reporter=world.bob, right=world.tm_b, listings=world.listings_b[:1])
    results = api(world.alice).get(REPORTS).json()["results"]
    assert [r["reference"] for r in results] == [mine.reference]


def test_bob_gets_404_for_alices_report_and_its_withdrawal(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    client = api(world.bob)
    assert client.get(f"{REPORTS}{report.pk}/").status_code == 404
    assert client.post(f"{REPORTS}{report.pk}/withdraw/").status_code == 404
    assert report.cases.get().state == CaseState.OPEN


def test_withdraw_through_the_api(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2])
    client = api(world.alice)
    response = client.post(f"{REPORTS}{report.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["closed"] == 2
    assert client.post(f"{REPORTS}{report.pk}/withdraw/").status_code == 400
    assert client.get(f"{REPORTS}{report.pk}/").json()["withdrawn"] == 2


@pytest.mark.parametrize("persona", ["rev1", "sam", "outsider"])
def test_only_rights_holders_use_the_reporting_api(world, persona):
    assert api(getattr(world, persona)).get(REPORTS).status_code == 403


def test_without_a_token_it_is_401(world):
    assert APIClient().get(REPORTS).status_code == 401


def test_the_token_page_creates_shows_once_and_revokes(world, client):
    client.force_login(world.alice)
    html = client.post(reverse("api_token"), {"action": "create"}).content.decode()
    key = html.split('data-testid="api-token">')[1].split("<")[0]
    assert key in html
    assert key not in client.get(reverse("api_token")).content.decode()
    assert api_with(key).get(REPORTS).status_code == 200
    client.post(reverse("api_token"), {"action": "revoke"})
    assert not ApiToken.objects.filter(user=world.alice, revoked_at__isnull=True).exists()
    assert api_with(key).get(REPORTS).status_code == 401


def api_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.parametrize("persona", ["rev1", "sam", "outsider"])
def test_the_token_page_is_for_rights_holders_and_the_marketplace(world, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("api_token")).status_code == 403


def test_the_marketplace_account_gets_its_token_in_the_ui_and_calls_its_api_with_it(world, client):
    from accounts.models import Role

    from ..factories import UserFactory

    marketplace = UserFactory(username="market", role=Role.MARKETPLACE)
    client.force_login(marketplace)
    home = client.get("/").content.decode()
    assert 'href="/accounts/api-token/"' in home or reverse("api_token") in home
    page = client.get(reverse("api_token")).content.decode()
    assert "pushing listings and managing webhook endpoints" in page
    html = client.post(reverse("api_token"), {"action": "create"}).content.decode()
    key = html.split('data-testid="api-token">')[1].split("<")[0]
    assert key in html
    assert api_with(key).get("/api/v1/webhooks/endpoints/").status_code == 200
    assert api_with(key).get(REPORTS).status_code == 403  # a marketplace token files no reports
    client.post(reverse("api_token"), {"action": "revoke"})
    assert api_with(key).get("/api/v1/webhooks/endpoints/").status_code == 401


def test_the_schema_documents_the_reporting_api_and_its_errors(client, db):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert {"/api/v1/reports/", "/api/v1/reports/{id}/", "/api/v1/reports/{id}/withdraw/",
            "/api/v1/evidence/"} <= set(paths)
    assert {"201", "400", "401", "403"} <= set(paths["/api/v1/reports/"]["post"]["responses"])
    assert "404" in paths["/api/v1/reports/{id}/withdraw/"]["post"]["responses"]


# Unregistered rights ---------------------------------------------------------------------------

def described(world, **overrides):
    return {"brand": world.brand_a.pk, "kind": "trademark", "name": "ZENOR", "first_used_on": "2019-03-01",
            "use_countries": ["US"], "description": "Headphones sold under ZENOR since 2019.", **overrides}


def test_it_files_a_report_with_an_unregistered_right(world):
    data = body(world, unregistered_right=described(world))
    del data["right"]
    response = api(world.agent).post(REPORTS, {**data, "capacity": "agent"}, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    right = IPRight.objects.get(pk=created["right"])
    assert not right.registered and right.brand == world.brand_a and right.name == "ZENOR"
    assert set(Case.objects.filter(report_id=created["id"]).values_list("priority", flat=True)) == {
        Priority.UNREGISTERED}
    status = api(world.alice).get(f"{REPORTS}{created['id']}/").json()
    assert status["unregistered_right"]["name"] == "ZENOR"
    assert ["Countries where it is used", "US"] in status["unregistered_right"]["described"]
    assert status["case_list"][0]["priority"] == Priority.UNREGISTERED


def test_a_registered_right_reports_no_unregistered_right(world):
    created = api(world.alice).post(REPORTS, body(world), format="json").json()
    assert api(world.alice).get(f"{REPORTS}{created['id']}/").json()["unregistered_right"] is None


@pytest.mark.parametrize("overrides,errors", [
    ({"kind": "patent"}, {"unregistered_right": {"kind": ["A patent protects an invention only once it is granted: "
                                                          "there is no unregistered patent. Register the granted "
                                                          "patent under your brand first, then choose it here."]}}),
    ({"first_used_on": "yesterday"}, {"unregistered_right": {"first_used_on": [
        "In use in commerce since: enter a date as YYYY-MM-DD."]}}),
    ({"office": "USPTO"}, {"unregistered_right": {"office": ["An unregistered trademark does not take: office."]}}),
    ({"use_countries": "NOWHERE"}, {"unregistered_right": {"use_countries": [
        "Not ISO 3166-1 country codes: NOWHERE. Use two letters, e.g. US, DE."]}}),
])
def test_a_bad_description_is_refused_by_field_and_files_nothing(world, overrides, errors):
    data = body(world, unregistered_right=described(world, **overrides))
    del data["right"]
    response = api(world.alice).post(REPORTS, data, format="json")
    assert response.status_code == 400 and response.json() == errors
    assert not Report.objects.exists() and not IPRight.objects.filter(registered=False).exists()


@pytest.mark.parametrize("brand", ["b", None, "1", True])
def test_the_brand_must_be_one_the_caller_acts_for(world, brand):
    value = world.brand_b.pk if brand == "b" else brand
    data = body(world, unregistered_right=described(world, brand=value))
    del data["right"]
    response = api(world.alice).post(REPORTS, data, format="json")
    assert response.status_code == 400
    assert response.json() == {"unregistered_right": {"brand": ["Give the id of a brand you act for."]}}


def test_it_takes_a_right_or_a_description_not_both(world):
    response = api(world.alice).post(REPORTS, body(world, unregistered_right=described(world)), format="json")
    assert response.status_code == 400 and "not both" in response.json()["right"][0]
    data = body(world)
    del data["right"]
    assert api(world.alice).post(REPORTS, data, format="json").status_code == 400
    assert not Report.objects.exists()
