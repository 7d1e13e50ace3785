"""A case automatic detection opened (no report) works on every page, API and e-mail of every role:
Seller Center, the notice and its counter-notice, the rights holder's case page, the report API and
form when a report joins it, and the e-mails, which say "automatic detection" and whose right it is."""

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Case, CaseSource, Report
from decisions.services import case_decide
from listings.models import ListingStatus

from ..conftest import claim
from ..factories import api_key_for
from ..monitoring.helpers import set_rules, upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def detected(world, django_capture_on_commit_callbacks):
    """Acme's rule (ships from DE or US only, suppress) catches seller B's ACME listing from CN."""
    set_rules(world, django_capture_on_commit_callbacks)
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, "AUTO-1", title="ACME headphones")
    return Case.objects.get(listing=listing, source=CaseSource.AUTOMATIC)


@pytest.fixture
def confirmed(world, detected, django_capture_on_commit_callbacks):
    """A reviewer confirmed it: removed."""
    claim(detected, world.rev1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=detected, reviewer=world.rev1, reason_code="tm_misuse", facts="The mark in the title.")
    detected.refresh_from_db()
    assert detected.listing.status == ListingStatus.REMOVED
    return detected


def test_seller_center_and_the_notice_name_the_brand_and_automatic_detection(world, client, confirmed):
    client.force_login(world.sue)
    center = client.get(reverse("sellers:seller_center"))
    assert center.status_code == 200
    page = center.content.decode()
    assert "automatic detection under a protection rule of Acme" in page and confirmed.reference in page
    notice = client.get(reverse("sellers:notice_detail", args=[confirmed.pk]))
    assert notice.status_code == 200
    page = notice.content.decode()
    assert "Detected automatically for" in page and "Acme, relying on" in page
    assert confirmed.decisions.order_by("id").last().statement.splitlines()[0][:40] in page


def test_the_seller_files_a_counter_notice_and_the_brand_is_told(world, client, confirmed,
                                                                django_capture_on_commit_callbacks):
    client.force_login(world.sue)
    url = reverse("sellers:counter_notice_new", args=[confirmed.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "after automatic detection under a protection rule of <b>Acme</b>" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {
            "material": "ACME headphones", "location": "Listing AUTO-1", "full_name": "Sue Seller",
            "address": "1 Market Street, Springfield", "phone": "+1 555 0100", "email": "sue@example.test",
            "perjury_statement": "on", "consent_jurisdiction": "on", "consent_service": "on",
            "signature": "Sue Seller", "ground": "authorized_reseller",
            "explanation": "Acme's reseller agreement 2026-7 covers this listing."})
    assert response.status_code == 302, response.content.decode()[:2000]
    (told,) = [m for m in mail.outbox if m.subject.startswith("Counter-notice on")]
    assert "automatic detection for Acme" in told.body and world.alice.email in told.to
    assert reverse("reporters:case", args=[confirmed.pk]) in told.body


def test_the_rights_holder_follows_the_automatic_case_and_another_brand_cannot(world, client, confirmed):
    client.force_login(world.alice)
    page = client.get(reverse("reporters:case", args=[confirmed.pk]))
    assert page.status_code == 200
    assert "Opened by automatic detection under the protection rules of Acme" in page.content.decode()
    client.force_login(world.bob)
    assert client.get(reverse("reporters:case", args=[confirmed.pk])).status_code == 404


def test_the_emails_say_automatic_detection_and_whose_right_it_is(world, confirmed):
    bodies = {m.subject: m.body for m in mail.outbox}
    reporter = next(s for s in bodies if s.startswith(f"Decision on {confirmed.reference}"))
    assert reporter.endswith("(automatic detection): Remove listing") or "(automatic detection)" in reporter
    assert "report )" not in reporter and "detected automatically under the protection rules of Acme" in \
        bodies[reporter]
    seller = next(s for s in bodies if "is being removed" in s)
    assert "Automatic detection under the protection rules of Acme flagged your listing" in bodies[seller]
    assert all("report )" not in s and "report ," not in s for s in bodies)


def test_a_report_joining_an_automatic_case_is_filed_once_by_api_and_read_back(world, detected):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(world.alice)}")
    body = {
        "right": world.tm_a.pk, "capacity": "owner", "listings": ["AUTO-1", world.listings_b[0].external_id],
        "explanation": "Counterfeits of our ACME headphones.", "contact_email": "legal@acme.example",
        "infringement_type": "counterfeit", "details": {"where_on_listing": ["title"]},
        "declarations": {"good_faith": True, "accurate": True, "authority": True}, "signature": "Alice Example",
    }
    response = client.post("/api/v1/reports/", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["linked"] == [{"listing": "AUTO-1", "case": detected.reference, "report": None,
                                  "source": "automatic", "state": "open"}]
    assert Report.objects.count() == 1
    status = client.get(f"/api/v1/reports/{created['id']}/")
    assert status.status_code == 200 and status.json()["reference"] == created["reference"]


def test_a_report_joining_an_automatic_case_through_the_form_says_so(world, client, detected):
    client.force_login(world.alice)
    response = client.post(reverse("reporters:report_form", args=["trademark"]), {
        "right": world.tm_a.pk, "capacity": "owner", "listings": "AUTO-1",
        "explanation": "The listing copies our product.", "contact_email": "legal@acme.example",
        "infringement_type": "counterfeit", "where_on_listing": ["title"],
        "decl_good_faith": "on", "decl_accurate": "on", "decl_authority": "on", "signature": "Alice Example"},
        follow=True)
    assert response.status_code == 200
    assert f"AUTO-1 → {detected.reference} (automatic detection)" in response.content.decode()
