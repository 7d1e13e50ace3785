"""Seller Center, the notice page's appeal with evidence, the counter-notice form, the rights holder's case
page, due-process evidence downloads and the help pages: happy paths, access, bad input."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals.models import Appeal, AppealEvidence
from appeals.services import appeal_file, appeal_file_by_reporter
from common import dates
from complaints.models import CaseState
from counter_notices.models import CounterNotice, CounterNoticeStatus
from counter_notices.services import counter_notice_file
from evidence.services import evidence_accept
from listings.models import ListingStatus

from ..appeals.test_appeals_due_process import rejected_case
from ..counter_notices.test_counter_notices import statements
from ..evidence.samples import PDF, upload
from ..factories import ListingFactory
from ..views import assert_login_redirect, removed_case


def pdf_upload(name="invoice.pdf"):
    return upload(name, PDF, "application/pdf")


def notice_url(case):
    return reverse("sellers:notice_detail", args=[case.pk])


# --- Seller Center ------------------------------------------------------------------------------


def test_seller_center_needs_a_login_and_a_seller(world, client):
    url = reverse("sellers:seller_center")
    assert_login_redirect(client.get(url), url)
    for persona in ("alice", "rev1", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 403
    client.force_login(world.sam)
    assert client.post(url).status_code == 405


def test_seller_center_shows_the_sellers_listings_notices_health_and_next_step(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    html = client.get(reverse("sellers:seller_center")).content.decode()
    for listing in world.listings_a:
        assert listing.external_id in html
    for listing in world.listings_b:
        assert listing.external_id not in html
    assert f'href="{notice_url(case)}"' in html
    assert 'data-testid="restricted">1</b>' in html and "Needs attention" in html
    assert "Acme" in html  # who complained
    assert "appeal with your invoices by" in html


def test_seller_center_filters_listings_by_status_and_text(world, client):
    removed_case(world)
    removed_id, active_id = world.listings_a[0].external_id, world.listings_a[1].external_id
    client.force_login(world.sam)
    html = client.get(reverse("sellers:seller_center"), {"status": "removed"}).content.decode()
    assert f'data-testid="listing-{removed_id}"' in html and f'data-testid="listing-{active_id}"' not in html
    html = client.get(reverse("sellers:seller_center"), {"q": active_id}).content.decode()
    assert f'data-testid="listing-{active_id}"' in html and f'data-testid="listing-{removed_id}"' not in html
    # An unknown filter shows everything rather than failing.
    assert client.get(reverse("sellers:seller_center"), {"status": "bogus"}).status_code == 200


def test_another_seller_sees_nothing_of_sams(world, client):
    case = removed_case(world)
    client.force_login(world.sue)
    html = client.get(reverse("sellers:seller_center")).content.decode()
    assert case.listing.external_id not in html and "Nothing to do." in html


# --- the notice page: appeal with evidence ------------------------------------------------------


def test_the_notice_shows_who_complained_and_the_appeal_deadline(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    html = client.get(notice_url(case)).content.decode()
    assert 'data-testid="complainant">Acme' in html
    until = case.decisions.get().created_at + timedelta(days=183)
    assert until.strftime("%B %Y") in html
    assert reverse("sellers:counter_notice_new", args=[case.pk]) in html


def test_the_seller_appeals_with_an_invoice(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    response = client.post(notice_url(case), {"statement": "Bought from the distributor.",
                                              "evidence_upload": pdf_upload()})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.evidence_links.get().file.original_name == "invoice.pdf"
    html = client.get(notice_url(case)).content.decode()
    assert "invoice.pdf" in html and "Bought from the distributor." in html


def test_an_empty_statement_keeps_the_uploaded_file(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    response = client.post(notice_url(case), {"statement": "", "evidence_upload": pdf_upload()})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html and 'data-testid="carried-files"' in html and "invoice.pdf" in html
    file_id = response.context["files"][0].pk
    response = client.post(notice_url(case), {"statement": "Genuine.", "evidence": [str(file_id)]})
    assert response.status_code == 302
    assert AppealEvidence.objects.get().file_id == file_id


def test_a_refused_file_is_named_and_nothing_is_filed(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    response = client.post(notice_url(case), {"statement": "Genuine.",
                                              "evidence_upload": upload("run.exe", b"MZ" + b"\0" * 80)})
    assert response.status_code == 400
    assert "“run.exe” was not accepted" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_an_appeal_after_the_window_is_refused_on_the_page(world, client, settings):
    settings.APPEAL_WINDOW_DAYS = 1  # two days later, not 200: the login session would have expired
    case = removed_case(world)
    client.force_login(world.sam)
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        assert "Appeal this decision" not in client.get(notice_url(case)).content.decode()
        response = client.post(notice_url(case), {"statement": "Genuine."})
    assert response.status_code == 400
    assert "window to appeal this decision closed" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_an_appeal_on_someone_elses_listing_is_404(world, client):
    case = removed_case(world)
    client.force_login(world.sue)
    assert client.get(notice_url(case)).status_code == 404
    assert client.post(notice_url(case), {"statement": "Mine."}).status_code == 404
    assert client.post(reverse("sellers:counter_notice_new", args=[case.pk]), {}).status_code == 404
    assert Appeal.objects.count() == 0 and CounterNotice.objects.count() == 0


# --- the counter-notice form --------------------------------------------------------------------


def _counter_form(**overrides):
    data = dict(material="The listing's photos", location="https://market.example/listing/1",
                perjury_statement="on", full_name="Sam Seller", address="1 Main St", phone="+1 555 0100",
                consent_jurisdiction="on", consent_service="on", signature="Sam Seller")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_counter_notice_missing_statements_names_each_and_keeps_the_rest(world, client):
    case = removed_case(world, kind="copyright")
    client.force_login(world.sam)
    url = reverse("sellers:counter_notice_new", args=[case.pk])
    response = client.post(url, _counter_form(perjury_statement=None, phone="", consent_service=None))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"perjury_statement", "phone", "consent_service"}
    assert "penalty of perjury" in errors["perjury_statement"][0]
    assert 'value="Sam Seller"' in response.content.decode()
    assert CounterNotice.objects.count() == 0


def test_the_seller_files_a_counter_notice_and_sees_the_date(world, client):
    case = removed_case(world, kind="copyright")
    client.force_login(world.sam)
    assert client.get(reverse("sellers:counter_notice_new", args=[case.pk])).status_code == 200
    response = client.post(reverse("sellers:counter_notice_new", args=[case.pk]), _counter_form(), follow=True)
    notice = CounterNotice.objects.get()
    html = response.content.decode()
    assert notice.status == CounterNoticeStatus.WAITING
    assert f"comes back on {dates.deadline(notice.reinstate_on)}" in html
    assert 'data-testid="reinstate-on"' in html


# --- the rights holder's case page --------------------------------------------------------------


def holder_url(case):
    return reverse("reporters:case", args=[case.pk])


def test_the_case_page_is_for_the_reporting_brand_only(world, client):
    case = removed_case(world)
    client.force_login(world.bob)
    assert client.get(holder_url(case)).status_code == 404
    client.force_login(world.sam)
    assert client.get(holder_url(case)).status_code == 403
    client.force_login(world.agent)
    assert client.get(holder_url(case)).status_code == 200


def test_the_rights_holder_sees_a_counter_notice_and_uploads_the_court_filing(world, client):
    case = removed_case(world, kind="copyright")
    counter_notice_file(case=case, user=world.sam, statements=statements())
    client.force_login(world.alice)
    report_html = client.get(reverse("reporters:report_detail", args=[case.report_id])).content.decode()
    assert "Counter-notice: show a court action by" in report_html
    html = client.get(holder_url(case)).content.decode()
    assert "Sam Seller" in html and 'data-testid="court-action-due"' in html
    url = reverse("reporters:court_action", args=[case.pk])
    response = client.post(url, {"note": "No. 3:27-cv-1"})
    assert response.status_code == 400 and "Upload the court filing" in response.content.decode()
    response = client.post(url, {"note": "No. 3:27-cv-1", "evidence_upload": pdf_upload("complaint.pdf")})
    assert response.status_code == 302
    assert CounterNotice.objects.get().status == CounterNoticeStatus.FILING_REVIEW
    client.force_login(world.bob)
    assert client.post(url, {"note": "x"}).status_code == 404


def test_the_rights_holder_responds_to_a_sellers_appeal(world, client):
    case = removed_case(world)
    appeal = appeal_file(case=case, user=world.sam, statement="Genuine.")
    client.force_login(world.alice)
    assert "Respond to the seller" in client.get(holder_url(case)).content.decode()
    url = reverse("reporters:appeal_response", args=[appeal.pk])
    response = client.post(url, {"statement": "Test buy was fake.", "evidence_upload": pdf_upload("buy.pdf")})
    assert response.status_code == 302 and response["Location"] == holder_url(case)
    assert appeal.responses.get().evidence_links.get().file.original_name == "buy.pdf"
    client.force_login(world.senior)
    html = client.get(reverse("appeals:appeal_detail", args=[appeal.pk])).content.decode()
    assert "Test buy was fake." in html and "buy.pdf" in html
    client.force_login(world.bob)
    assert client.post(url, {"statement": "Me."}).status_code == 404


def test_the_rights_case_appeals_a_rejection_and_the_seller_responds(world, client):
    case = rejected_case(world)
    client.force_login(world.alice)
    assert "Appeal the rejection" in client.get(holder_url(case)).content.decode()
    response = client.post(reverse("reporters:case_appeal", args=[case.pk]), {"statement": ""})
    assert response.status_code == 400
    response = client.post(reverse("reporters:case_appeal", args=[case.pk]), {"statement": "Our logo."})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.party == "reporter"
    client.force_login(world.sam)
    html = client.get(notice_url(case)).content.decode()
    assert "Respond to the rights holder" in html and "Our logo." in html
    assert "Appeal this decision" not in html
    response = client.post(reverse("sellers:appeal_response", args=[appeal.pk]), {"statement": "Compatible."})
    assert response.status_code == 302 and response["Location"] == notice_url(case)
    client.force_login(world.senior)
    html = client.get(reverse("appeals:appeal_detail", args=[appeal.pk])).content.decode()
    assert "Rights holder's appeal against the rejection" in html and "Compatible." in html
    assert "appeal_report_founded" in html and "appeal_genuine_goods" not in html
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("appeals:appeal_detail", args=[appeal.pk]),
                               {"reason_code": "appeal_report_founded", "facts": "The logo is on the photos."})
    assert response.status_code == 302
    case.refresh_from_db()
    case.listing.refresh_from_db()
    assert case.state == CaseState.ACTIONED and case.listing.status == ListingStatus.REMOVED


# --- due-process evidence -----------------------------------------------------------------------


def test_appeal_evidence_is_served_to_both_sides_and_reviewers_only(world, client):
    case = removed_case(world)
    files = evidence_accept(uploaded_by=world.sam, uploads=[pdf_upload()]).stored
    appeal_file(case=case, user=world.sam, statement="Invoice.", evidence=files)
    url = reverse("appeals:evidence", args=[files[0].pk])
    for persona in ("sam", "alice", "agent", "rev2", "senior"):
        client.force_login(getattr(world, persona))
        response = client.get(url)
        assert response.status_code == 200, persona
        assert response["Content-Disposition"].startswith("attachment")
    for persona in ("sue", "bob", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 404, persona


def test_a_reporters_appeal_files_are_shown_to_the_seller(world, client):
    case = rejected_case(world)
    files = evidence_accept(uploaded_by=world.alice, uploads=[pdf_upload("photos.pdf")]).stored
    appeal_file_by_reporter(case=case, user=world.alice, statement="See photos.", evidence=files)
    client.force_login(world.sam)
    assert client.get(reverse("appeals:evidence", args=[files[0].pk])).status_code == 200


# --- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["", "notices", "appeal", "counter-notice", "deadlines", "evidence"])
def test_the_help_pages_are_public(client, db, slug):
    url = reverse("sellers:seller_help_page", args=[slug]) if slug else reverse("sellers:seller_help")
    response = client.get(url)
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_an_unknown_help_page_is_404(client, db):
    assert client.get(reverse("sellers:seller_help_page", args=["nope"])).status_code == 404


def test_seller_center_queries_do_not_grow_with_notices(world, client):
    removed_case(world)
    client.force_login(world.sam)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("sellers:seller_center"))
    removed_case(world, listing=world.listings_a[1])
    appeal_file(case=removed_case(world, listing=world.listings_a[2]), user=world.sam, statement="Genuine.")
    with CaptureQueriesContext(connection) as three:
        assert client.get(reverse("sellers:seller_center")).status_code == 200
    assert len(three) == len(one)


def test_seller_center_pages_a_long_listing_list_and_keeps_the_filter(world, client):
    ListingFactory.create_batch(60, seller=world.seller_a, title="Lamp")
    client.force_login(world.sam)
    first = client.get(reverse("sellers:seller_center"), {"q": "Lamp"}).content.decode()
    assert "Page 1 of 2" in first and first.count('data-testid="listing-') == 50
    assert 'href="?status=all&amp;q=Lamp&amp;page=2"' in first
    second = client.get(reverse("sellers:seller_center"), {"q": "Lamp", "page": 2}).content.decode()
    assert second.count('data-testid="listing-') == 10


def test_a_trademark_counter_notice_asks_why_prefilled_and_the_brand_answers_with_evidence(world, client):
    case = removed_case(world)
    client.force_login(world.sam)
    url = reverse("sellers:counter_notice_new", args=[case.pk])
    form = client.get(url).content.decode()
    assert "reviewed by the marketplace" in form and "not restored automatically" in form
    assert "penalty of perjury" not in form and "authorized reseller" in form
    assert case.listing.external_id in form  # the material, prefilled from the listing
    response = client.post(url, {"material": "The listing", "full_name": "Sam Seller", "signature": "Sam Seller",
                                 "ground": "genuine_goods", "explanation": "Invoice 2026-114 from Acme's distributor."},
                           follow=True)
    notice = CounterNotice.objects.get()
    assert notice.procedure == "reviewed" and notice.reinstate_on is None
    assert "then a senior reviewer decides" in response.content.decode()
    client.force_login(world.alice)
    html = client.get(holder_url(case)).content.decode()
    assert "Answer the counter-notice" in html and "Invoice 2026-114" in html
    response = client.post(reverse("reporters:court_action", args=[case.pk]),
                           {"answer": "Our test buy was a fake.", "evidence_upload": pdf_upload("buy.pdf")})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == CounterNoticeStatus.FOR_DECISION and notice.evidence_links.count() == 1
