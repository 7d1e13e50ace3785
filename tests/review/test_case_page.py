"""The reviewer's case page: the listing then and now, records, related cases, notes; who may
see what; a fixed number of queries."""

import pytest
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from audit.models import AuditEntry
from complaints.models import CaseNote
from decisions.services import case_decide
from listings.services import listing_upsert
from review.claims import case_claim
from review.notes import case_note_add

from ..conftest import claim_and_remove, file_report
from ..factories import ListingFactory, TrademarkFactory
from ..views import open_case

NOTE = "Seller is a known reseller of grey imports; check the invoice date."


def _page(client, case):
    return client.get(reverse("review:case_detail", kwargs={"pk": case.pk}))


def test_the_listing_as_reported_and_now_with_the_changes_marked(world, client):
    case = open_case(world)
    listing = case.listing
    listing_upsert(seller=listing.seller, external_id=listing.external_id, title="Plain sneaker",
                   price="19.50", ships_from="DE")
    client.force_login(world.rev1)
    html = _page(client, case).content.decode()
    table = html[html.index('data-testid="listing-diff"'):html.index("</table>", html.index("listing-diff"))]
    assert table.count('class="changed"') == 3  # title, ships from, price
    assert case.listing_snapshot["title"] in table and "Plain sneaker" in table
    assert "9.99 USD" in table and "19.50 USD" in table


def test_the_reporter_record_counts_the_brand_decided_cases(world, client):
    listings = [ListingFactory(seller=world.seller_b) for _ in range(4)]
    report = file_report(reporter=world.alice, right=world.tm_a, listings=listings)
    c1, c2, c3, c4 = report.cases.order_by("id")
    with TestCase.captureOnCommitCallbacks(execute=True):
        claim_and_remove(case=c1, reviewer=world.rev1)
        claim_and_remove(case=c2, reviewer=world.rev1)
    with transaction.atomic():
        case_claim(case=c3, reviewer=world.rev1)
    case_decide(case=c3, reviewer=world.rev1, reason_code="no_infringement", facts="Lawful.")
    client.force_login(world.rev2)
    html = _page(client, c4).content.decode()
    record = html[html.index('data-testid="reporter-record"'):html.index('data-testid="seller-record"')]
    assert "<b>3</b> decided: <b>67%</b> actioned · <b>33%</b> rejected · <b>0%</b> reversed" in record
    seller = html[html.index('data-testid="seller-record"'):]
    assert "<b>3</b> earlier cases decided: <b>2</b> actioned · <b>1</b> rejected" in seller


def test_other_open_cases_on_the_same_listing_or_seller_are_linked(world, client):
    case = open_case(world)
    tm2 = TrademarkFactory(brand=world.brand_a, name="ACME SPORT")
    same_listing = file_report(reporter=world.alice, right=tm2, listings=[case.listing]).cases.get()
    same_seller = open_case(world, listing=world.listings_a[1])
    elsewhere = open_case(world, listing=world.listings_b[0])
    client.force_login(world.rev1)
    html = _page(client, case).content.decode()
    related = html[html.index('data-testid="related-open"'):]
    related = related[:related.index("</ul>")]
    assert reverse("review:case_detail", kwargs={"pk": same_listing.pk}) in related
    assert reverse("review:case_detail", kwargs={"pk": same_seller.pk}) in related
    assert reverse("review:case_detail", kwargs={"pk": elsewhere.pk}) not in related
    assert related.index(same_listing.reference) < related.index(same_seller.reference)  # same listing first


def test_a_reviewer_adds_a_note_without_javascript_and_it_is_audited(world, client):
    case = open_case(world)
    client.force_login(world.rev1)
    response = client.post(reverse("review:case_note_add", kwargs={"pk": case.pk}), {"text": NOTE})
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert note.author == world.rev1 and note.text == NOTE
    assert AuditEntry.objects.filter(action="case.note_added", target_id=note.pk).exists()
    assert NOTE in _page(client, case).content.decode()


def test_a_note_through_htmx_returns_the_notes_panel(world, client):
    case = open_case(world)
    client.force_login(world.rev2)
    response = client.post(reverse("review:case_note_add", kwargs={"pk": case.pk}), {"text": NOTE},
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section class="side-box notes"')
    assert NOTE in html


def test_an_empty_note_is_refused_and_nothing_is_saved(world, client):
    case = open_case(world)
    client.force_login(world.rev1)
    before = AuditEntry.objects.count()
    response = client.post(reverse("review:case_note_add", kwargs={"pk": case.pk}), {"text": "  "})
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()
    assert CaseNote.objects.count() == 0 and AuditEntry.objects.count() == before


def test_notes_never_reach_the_rights_holder_or_the_seller(world, client):
    case = open_case(world)
    case_note_add(case=case, author=world.rev1, text=NOTE)
    with TestCase.captureOnCommitCallbacks(execute=True):
        claim_and_remove(case=case, reviewer=world.rev1)
    client.force_login(world.alice)
    for url in (reverse("reporters:report_detail", kwargs={"pk": case.report_id}),
                reverse("reporters:report_cases", kwargs={"pk": case.report_id})):
        response = client.get(url)
        assert response.status_code == 200 and NOTE not in response.content.decode()
    client.force_login(world.sam)
    response = client.get(reverse("sellers:notice_detail", kwargs={"pk": case.pk}))
    assert response.status_code == 200 and NOTE not in response.content.decode()


@pytest.mark.parametrize("persona", ["sam", "alice", "outsider"])
@pytest.mark.parametrize("name", ["review:case_note_add", "review:case_request_info",
                                  "review:case_statement_preview", "decisions:case_decide"])
def test_reviewer_endpoints_refuse_sellers_and_rights_holders(world, client, settings, persona, name):
    settings.DEBUG = False
    case = open_case(world)
    client.force_login(getattr(world, persona))
    response = client.post(reverse(name, kwargs={"pk": case.pk}), {"text": NOTE, "question": "q"})
    assert response.status_code == 403
    assert CaseNote.objects.count() == 0


# session and user, the case, evidence, decisions, timeline, questions, notes, the two records,
# the seller's previous cases and active strikes, related open cases, the report's other undecided
# cases, the seller's open suspension, what hides the listing now, the listing's test buys (legal_tags),
# the listing's pictures, the seller's link signals (imagery)
QUERIES = 19


@pytest.mark.parametrize("extra", [0, 6])
def test_the_case_page_runs_a_fixed_number_of_queries(world, client, django_assert_num_queries, extra):
    case = open_case(world)
    for i in range(extra):
        case_note_add(case=case, author=world.rev1, text=f"note {i}")
        open_case(world, listing=ListingFactory(seller=world.seller_a))
        other = open_case(world, listing=ListingFactory(seller=world.seller_a))
        with TestCase.captureOnCommitCallbacks(execute=True):
            claim_and_remove(case=other, reviewer=world.rev2)
    client.force_login(world.rev1)
    _page(client, case)
    with django_assert_num_queries(QUERIES):
        assert _page(client, case).status_code == 200

