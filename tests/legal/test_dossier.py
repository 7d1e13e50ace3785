"""The seller dossier: staff only, every section, linked sellers, a fixed number of queries, and
the timeline chart's geometry."""

import datetime

import pytest
from django.urls import reverse

from legal.dossier import SERIES, timeline_chart
from legal.models import Verdict
from legal.services import referral_create
from legal.services import test_buy_record as record_buy
from tests.conftest import claim_and_remove, file_report
from tests.factories import ListingFactory, SellerFactory

from .conftest import photo


@pytest.fixture
def busy_seller(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a + world.listings_b[:1])
    claim_and_remove(case=report.cases.order_by("id").first(), reviewer=world.rev1)
    record_buy(user=world.alice, listing=world.listings_a[1], brand=world.brand_a, case=None, order_reference="O-1",
               purchased_on=datetime.date(2026, 11, 2), price=3, currency="USD", delivered_to="x",
               verdict=Verdict.COUNTERFEIT, examiner="Acme Labs", custody_notes="n", item_photos=[photo()])
    partner = SellerFactory(name="Partner Shop")
    referral_create(user=world.rev1, seller=world.seller_a, linked_sellers=[partner], agency="customs",
                    agency_name="Port customs", contact="c")
    return world.seller_a, partner


def test_staff_see_every_section_of_a_sellers_dossier(world, client, busy_seller):
    seller, partner = busy_seller
    client.force_login(world.rev2)
    body = client.get(reverse("legal:seller_dossier", args=[seller.pk])).content.decode()
    assert "<b>3</b> cases on <b>3</b> listings" in body
    assert "TB-" in body and "Acme Labs" in body and "Port customs" in body
    assert "Remove" in body or "remove" in body  # the decision
    assert partner.name in body and world.seller_b.name in body  # referred with it; in the same report
    assert "<svg" in body and "<script" not in body.split("<main")[1] and "http" not in body.split("<svg")[1].split(
        "</svg>")[0].replace("http://www.w3.org", "")
    assert "Build evidence package of this seller" in body


@pytest.mark.parametrize("who", ["alice", "bob", "sam", "outsider"])
def test_only_staff_open_a_dossier(world, client, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("legal:seller_dossier", args=[world.seller_a.pk])).status_code == 403


def test_an_unknown_seller_is_a_404_and_post_is_refused(world, client):
    client.force_login(world.rev1)
    assert client.get(reverse("legal:seller_dossier", args=[999999])).status_code == 404
    assert client.post(reverse("legal:seller_dossier", args=[world.seller_a.pk])).status_code == 405


def test_the_dossier_runs_a_fixed_number_of_queries(world, client, busy_seller, django_assert_num_queries):
    seller, _ = busy_seller
    client.force_login(world.rev1)
    client.get(reverse("legal:seller_dossier", args=[seller.pk]))
    with django_assert_num_queries(17) as first:  # 16, and the marketplace's seller signals (imagery)
        client.get(reverse("legal:seller_dossier", args=[seller.pk]))
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory(seller=seller) for _ in range(5)])
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("legal:seller_dossier", args=[seller.pk]))
    assert "<b>8</b> cases" in response.content.decode()


def test_the_chart_puts_each_month_in_its_slot_scaled_to_the_tallest(world, busy_seller, time_machine):
    seller, _ = busy_seller
    chart = timeline_chart(seller, today=datetime.date.today())
    this_month = chart.months[-1]
    values = {b.series: b.value for b in this_month.bars}
    assert values == {"cases": 3, "decisions": 1, "strikes": values["strikes"], "test_buys": 1}
    assert chart.maximum == 3
    tallest = next(b for b in this_month.bars if b.series == "cases")
    assert tallest.height == 160 and tallest.y == chart.plot_top
    assert next(b for b in this_month.bars if b.series == "test_buys").height == pytest.approx(160 / 3, abs=0.1)
    assert all(b.height == 0 for m in chart.months[:-1] for b in m.bars)
    assert len(chart.months) == 12 and [s.key for s in chart.series] == [s.key for s in SERIES]
    today = datetime.date.today()
    year, month = divmod(today.year * 12 + today.month - 1 - 11, 12)
    assert chart.months[0].label == datetime.date(year, month + 1, 1).strftime("%b %y")
    assert chart.months[-1].label == today.strftime("%b %y")
