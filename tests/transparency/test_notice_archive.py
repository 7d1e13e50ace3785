"""The public notice archive: anyone can read which organisation gave notice, for which right and
what became of the listings; nothing personal, nothing a person typed, no pending listing named."""

import pytest
from django.test import Client
from django.urls import reverse

from decisions.services import case_decide
from registry.models import RightKind

from ..conftest import claim, file_report
from ..factories import ListingFactory
from .helpers import REVIEWER_FACTS, right_of

pytestmark = pytest.mark.django_db

PERSONAL = ["alice", "Alice Example", "legal@example.test", "Replica of our goods.", "Max Mustermann",
            "max@seller.test"]


@pytest.fixture
def notice(world, django_capture_on_commit_callbacks):
    """A trademark notice on three listings: one removed, one rejected, one still under review."""
    decided_l, rejected_l, pending_l = (ListingFactory(seller=world.seller_a, external_id=f"ARCH-{i}")
                                        for i in ("removed", "rejected", "pending"))
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[decided_l, rejected_l, pending_l])
    cases = {c.listing.external_id: c for c in report.cases.select_related("listing")}
    for external_id, code in [("ARCH-removed", "tm_counterfeit"), ("ARCH-rejected", "no_infringement")]:
        claim(cases[external_id], world.rev1)
        with django_capture_on_commit_callbacks(execute=True):
            case_decide(case=cases[external_id], reviewer=world.rev1, reason_code=code, facts=REVIEWER_FACTS)
    return report


def test_anyone_reads_the_archive_with_the_organisation_the_right_and_the_outcomes(notice, world):
    page = Client().get(reverse("transparency:notices"))
    assert page.status_code == 200
    html = page.content.decode()
    row = html[html.index(f'data-testid="notice-{notice.pk}"'):]
    row = row[:row.index("</tr>")]
    assert notice.reference in row and "Trademark" in row
    assert (world.brand_a.owner_company or world.brand_a.name) in row
    assert world.tm_a.registration_number in row
    assert "Action taken: 1" in row and "No action: 1" in row and "Being reviewed: 1" in row
    for text in PERSONAL:
        assert text not in html


def test_a_notice_names_its_decided_listings_but_not_the_one_under_review(notice):
    html = Client().get(reverse("transparency:notice_detail", args=[notice.pk])).content.decode()
    assert "ARCH-removed" in html and "ARCH-rejected" in html
    assert "ARCH-pending" not in html
    assert "1 listing still under review" in html
    for text in PERSONAL:
        assert text not in html


def test_the_archive_filters_by_ip_type_and_pages(notice, world, django_capture_on_commit_callbacks):
    patent = file_report(reporter=world.alice, right=right_of(world, RightKind.PATENT),
                         listings=[ListingFactory(seller=world.seller_a)])
    only_patents = Client().get(reverse("transparency:notices"), {"kind": "patent"}).content.decode()
    assert f"notice-{patent.pk}" in only_patents and f"notice-{notice.pk}" not in only_patents
    everything = Client().get(reverse("transparency:notices"), {"kind": "<script>"}).content.decode()
    assert f"notice-{patent.pk}" in everything and f"notice-{notice.pk}" in everything
    assert "<script>" not in everything.split("<body", 1)[1].replace("<script src", "")


def test_a_page_of_the_archive_costs_the_same_few_queries_whatever_its_size(world, django_assert_max_num_queries):
    for _ in range(12):
        file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory(seller=world.seller_a)])
    with django_assert_max_num_queries(6):
        assert Client().get(reverse("transparency:notices")).status_code == 200
