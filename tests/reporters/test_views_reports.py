import re

import pytest
from django.urls import reverse

from complaints.models import Case, Report
from complaints.services import report_draft_save

from ..conftest import file_report
from ..factories import ListingFactory
from ..views import assert_login_redirect, open_case

TM_FORM = "/reports/new/trademark/"


def _form(world, **overrides):
    data = {
        "right": world.tm_a.pk, "capacity": "owner", "infringement_type": "counterfeit", "where_on_listing": "title",
        "listings": "\n".join(lst.external_id for lst in world.listings_a[:2]),
        "explanation": "The logo is a copy of ours; see the second photo.",
        "contact_email": "legal@acme.example", "decl_good_faith": "on", "decl_accurate": "on",
        "decl_authority": "on", "signature": "Alice Example",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _field_error(html: str, field: str) -> str:
    """The error list Django renders beside `field` (empty when there is none)."""
    m = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return m.group(1) if m else ""


@pytest.mark.parametrize("name,kwargs", [
    ("reporters:report_list", {}), ("reporters:report_new", {}), ("reporters:report_form", {"kind": "patent"}),
    ("reporters:report_detail", {"pk": 1}), ("reporters:report_cases", {"pk": 1}),
])
def test_it_sends_an_anonymous_visitor_to_log_in(client, db, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert_login_redirect(client.get(url), url)


# report_list

def test_the_list_shows_the_brands_reports(world, client):
    report = file_report(reporter=world.agent, right=world.tm_a, listings=world.listings_a[:2])
    other = file_report(reporter=world.bob, right=world.tm_b, listings=world.listings_b[:1])
    client.force_login(world.alice)
    response = client.get(reverse("reporters:report_list"))
    assert response.status_code == 200
    assert report.reference in response.content.decode()
    assert other.reference not in response.content.decode()


@pytest.mark.parametrize("persona", ["rev1", "sam", "outsider"])
def test_the_list_is_for_rights_holders_only(world, client, settings, persona):
    settings.DEBUG = False
    client.force_login(getattr(world, persona))
    response = client.get(reverse("reporters:report_list"))
    assert response.status_code == 403
    assert "You can't open this page" in response.content.decode()
    assert "Only rights holders file and follow reports." in response.content.decode()


def test_the_list_refuses_a_post(world, client):
    client.force_login(world.alice)
    assert client.post(reverse("reporters:report_list")).status_code == 405


@pytest.mark.parametrize("rows", [5, 20])
def test_the_list_runs_a_fixed_number_of_queries(world, client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory(seller=world.seller_a)])
        report_draft_save(user=world.alice, brand=world.brand_a, right=world.tm_a, data={}, evidence=[])
    client.force_login(world.alice)
    # session, user, brands, reports, drafts; Needs you: questions, appeals, counter-notices, expiring rights
    with django_assert_max_num_queries(9):
        response = client.get(reverse("reporters:report_list"))
    assert len(re.findall(r'href="/reports/\d+/"', response.content.decode())) == rows
    assert len(re.findall(r'href="/reports/drafts/\d+/"', response.content.decode())) == rows


# report_new

def test_the_form_opens_with_the_users_email(world, client):
    client.force_login(world.alice)
    response = client.get(TM_FORM)
    assert response.status_code == 200
    assert 'value="alice@example.test"' in response.content.decode()


def test_filing_a_report_opens_its_cases_and_shows_the_report(world, client):
    client.force_login(world.alice)
    response = client.post(TM_FORM, _form(world), follow=True)
    report = Report.objects.get()
    assert response.redirect_chain == [(reverse("reporters:report_detail", kwargs={"pk": report.pk}), 302)]
    assert f"Report {report.reference} filed: 2 cases are" in response.content.decode()
    assert [c.listing for c in report.cases.order_by("id")] == world.listings_a[:2]
    assert report.reporter == world.alice and report.signature == "Alice Example"


def test_an_unknown_listing_is_named_beside_the_listings_field_and_nothing_typed_is_lost(world, client):
    client.force_login(world.alice)
    listings = f"{world.listings_a[0].external_id}\nNOPE-404"
    response = client.post(TM_FORM, _form(world, listings=listings))
    html = response.content.decode()
    assert response.status_code == 200
    assert "No listing found for: NOPE-404" in _field_error(html, "listings")
    assert "The logo is a copy of ours; see the second photo." in html
    assert "NOPE-404</textarea>" in html
    assert Report.objects.count() == 0


def test_a_listing_already_under_review_is_linked_and_the_reporter_told(world, client):
    case = open_case(world)
    client.force_login(world.alice)
    response = client.post(TM_FORM, _form(world), follow=True)
    html = response.content.decode()
    report = Report.objects.latest("id")
    assert f"{world.listings_a[0].external_id} → {case.reference}" in html
    assert "1 listing was already under review for this right and was linked" in html
    assert list(report.linked_cases.all()) == [case]
    assert [c.listing for c in report.cases.all()] == [world.listings_a[1]]
    assert Case.objects.count() == 2


@pytest.mark.parametrize("field,value,message", [
    ("decl_authority", None, "Tick this declaration to file the report."),
    ("signature", "Alice", "Type your full name"),
    ("listings", "  ", "This field is required."),
    ("contact_email", "not-an-email", "Enter a valid email address."),
])
def test_it_shows_what_is_wrong_with_which_field(world, client, field, value, message):
    client.force_login(world.alice)
    response = client.post(TM_FORM, _form(world, **{field: value}))
    assert response.status_code == 200
    assert message in _field_error(response.content.decode(), field)
    assert "Nothing you typed was lost" in response.content.decode()
    assert Report.objects.count() == 0


def test_another_brands_right_is_not_a_choice(world, client):
    client.force_login(world.bob)
    response = client.post(TM_FORM, _form(world))
    assert "Select a valid choice" in _field_error(response.content.decode(), "right")
    assert Report.objects.count() == 0


@pytest.mark.parametrize("persona", ["rev1", "sam"])
def test_the_form_is_for_rights_holders_only(world, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(TM_FORM).status_code == 403
    assert client.post(TM_FORM, _form(world)).status_code == 403
    assert Report.objects.count() == 0


def test_the_form_refuses_a_put(world, client):
    client.force_login(world.alice)
    assert client.put(TM_FORM).status_code == 405


# report_detail and its cases partial

@pytest.mark.parametrize("name", ["reporters:report_detail", "reporters:report_cases"])
@pytest.mark.parametrize("persona", ["alice", "agent"])
def test_the_brands_members_follow_a_report(world, client, name, persona):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2])
    client.force_login(getattr(world, persona))
    response = client.get(reverse(name, kwargs={"pk": report.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="report-cases"' in html
    for listing in world.listings_a[:2]:
        assert f'data-testid="case-state-{listing.external_id}">Open<' in html
    assert "Report filed" in html


@pytest.mark.parametrize("name", ["reporters:report_detail", "reporters:report_cases"])
def test_another_brand_gets_not_found(world, client, settings, name):
    settings.DEBUG = False
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    client.force_login(world.bob)
    response = client.get(reverse(name, kwargs={"pk": report.pk}))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert report.reference not in response.content.decode()


@pytest.mark.parametrize("name", ["reporters:report_detail", "reporters:report_cases"])
def test_a_reviewer_cannot_open_a_report_page(world, client, name):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    client.force_login(world.rev1)
    assert client.get(reverse(name, kwargs={"pk": report.pk})).status_code == 403


@pytest.mark.parametrize("name", ["reporters:report_detail", "reporters:report_cases"])
def test_report_pages_refuse_a_post(world, client, name):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    client.force_login(world.alice)
    assert client.post(reverse(name, kwargs={"pk": report.pk})).status_code == 405
