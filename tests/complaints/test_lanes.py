"""The good-faith lane: entered at ≥ 90% actioned and ≤ 5% reversed over 90 days (≥ 20 decided),
left when the record falls below; cases of a brand in the lane get priority 0."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from complaints.lanes import brand_accuracy, brand_lane_compute
from complaints.models import Decision
from complaints.tasks import compute_good_faith_lanes

from ..conftest import file_report
from ..factories import CaseFactory, DecisionFactory, ReportFactory


def record(world, *, actioned=0, rejected=0, reversed_=0, days_ago=1):
    """Decided cases of brand A: `actioned` removals (of which `reversed_` reinstated on appeal), `rejected`."""
    report = ReportFactory(right=world.tm_a, reporter=world.alice)
    when = timezone.now() - timedelta(days=days_ago)
    for i in range(actioned + rejected):
        removal = i < actioned
        decision = DecisionFactory(case=CaseFactory(report=report, state="actioned" if removal else "rejected"),
                                   outcome="remove" if removal else "reject",
                                   reason_code="tm_counterfeit" if removal else "no_infringement")
        if removal and i < reversed_:
            DecisionFactory(case=decision.case, outcome="reinstate", reason_code="appeal_genuine_goods",
                            supersedes=decision)
    Decision.objects.filter(case__report=report).update(created_at=when)


def test_a_brand_with_an_accurate_record_enters_the_lane(world):
    record(world, actioned=19, rejected=1)  # 95% actioned, none reversed, 20 decided
    brand = brand_lane_compute(brand=world.brand_a)
    assert brand.good_faith_lane is True
    assert brand.good_faith_figures["decided"] == 20 and brand.good_faith_figures["actioned_rate"] == 0.95
    assert brand.good_faith_computed_at is not None
    assert AuditEntry.objects.filter(action="brand.good_faith_entered", target_id=brand.pk).exists()


def test_cases_of_a_brand_in_the_lane_get_priority_zero(world):
    record(world, actioned=20)
    brand_lane_compute(brand=world.brand_a)
    world.brand_a.refresh_from_db()
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    assert report.cases.get().priority == 0


def test_waiting_cases_follow_the_brand_into_and_out_of_the_lane(world):
    waiting = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    assert waiting.priority == 1
    record(world, actioned=20)
    brand_lane_compute(brand=world.brand_a)
    waiting.refresh_from_db()
    assert waiting.priority == 0
    record(world, rejected=10)
    brand_lane_compute(brand=world.brand_a)
    waiting.refresh_from_db()
    assert waiting.priority == 1


@pytest.mark.parametrize("figures,why", [
    ({"actioned": 17, "rejected": 3}, "85% actioned"),
    ({"actioned": 20, "reversed_": 2}, "10% reversed on appeal"),
    ({"actioned": 19}, "19 decided: below the minimum sample"),
])
def test_a_brand_below_a_threshold_is_not_in_the_lane(world, figures, why):
    record(world, **figures)
    assert brand_lane_compute(brand=world.brand_a).good_faith_lane is False, why


@pytest.mark.parametrize("figures", [{"actioned": 18, "rejected": 2}, {"actioned": 20, "reversed_": 1}])
def test_exactly_at_the_thresholds_is_in(world, figures):
    record(world, **figures)  # 90% actioned; 5% reversed
    assert brand_lane_compute(brand=world.brand_a).good_faith_lane is True


def test_a_brand_leaves_the_lane_when_its_record_falls(world):
    record(world, actioned=20)
    assert brand_lane_compute(brand=world.brand_a).good_faith_lane is True
    record(world, rejected=5)  # 20 of 25: 80%
    brand = brand_lane_compute(brand=world.brand_a)
    assert brand.good_faith_lane is False
    assert AuditEntry.objects.filter(action="brand.good_faith_left", target_id=brand.pk).exists()


def test_decisions_older_than_90_days_do_not_count(world):
    record(world, actioned=20, days_ago=91)
    assert brand_accuracy(brand=world.brand_a)["decided"] == 0
    assert brand_lane_compute(brand=world.brand_a).good_faith_lane is False


def test_another_brands_record_does_not_count(world):
    record(world, actioned=20)
    assert brand_accuracy(brand=world.brand_b)["decided"] == 0


def test_the_daily_task_computes_every_brand_with_reports(world):
    record(world, actioned=20)
    assert compute_good_faith_lanes.delay().get() == 1
    world.brand_a.refresh_from_db()
    assert world.brand_a.good_faith_lane is True


def test_my_reports_shows_the_figures_and_recomputes_on_demand(world, client):
    record(world, actioned=20)
    client.force_login(world.alice)
    response = client.post(reverse("reporters:brand_lane_recompute", args=[world.brand_a.pk]), follow=True)
    html = response.content.decode()
    assert "the brand is in the good-faith lane" in html
    assert "In the lane" in html and "100% (20)" in html


def test_bob_cannot_recompute_alices_brand(world, client):
    client.force_login(world.bob)
    assert client.post(reverse("reporters:brand_lane_recompute", args=[world.brand_a.pk])).status_code == 404
