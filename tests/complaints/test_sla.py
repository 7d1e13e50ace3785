from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import CaseSource, Priority
from registry.models import RightStatus
from review.claims import case_claim_next

from ..conftest import file_report
from ..factories import ListingFactory, TrademarkFactory


@pytest.mark.parametrize("trusted,status,lane,hours", [
    (True, RightStatus.VERIFIED, Priority.TRUSTED, 4),
    (False, RightStatus.VERIFIED, Priority.VERIFIED, 24),
    (False, RightStatus.PENDING, Priority.OTHER, 72),
    (True, RightStatus.PENDING, Priority.OTHER, 72),
])
def test_a_case_is_due_after_its_lanes_sla(world, time_machine, trusted, status, lane, hours):
    time_machine.move_to(timezone.now(), tick=False)
    world.brand_a.trusted_flagger = trusted
    world.brand_a.save()
    right = TrademarkFactory(brand=world.brand_a, status=status)
    case = file_report(reporter=world.alice, right=right, listings=[world.listings_a[0]]).cases.get()
    assert case.priority == lane
    assert case.due_at == timezone.now() + timedelta(hours=hours)
    assert case.due_at == case.created_at + timedelta(hours=hours)


def test_the_sla_comes_from_settings(world, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    settings.REVIEW_SLA_HOURS = {0: 1, 1: 2, 2: 3}
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()
    assert case.due_at == timezone.now() + timedelta(hours=2)


def test_a_trusted_flaggers_report_is_marked_as_such(world):
    world.brand_a.trusted_flagger = True
    world.brand_a.save()
    trusted = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()
    plain = file_report(reporter=world.bob, right=world.tm_b, listings=[world.listings_b[0]]).cases.get()
    assert trusted.source == CaseSource.TRUSTED_FLAGGER
    assert plain.source == CaseSource.REPORT


def test_claim_next_hands_out_overdue_cases_before_higher_lanes(world, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    pending = TrademarkFactory(brand=world.brand_a, status=RightStatus.PENDING)
    other = file_report(reporter=world.alice, right=pending, listings=[world.listings_a[0]]).cases.get()
    time_machine.move_to(start + timedelta(hours=71), tick=False)
    verified = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[1]]).cases.get()
    # at 71 h nothing is overdue: the verified lane goes first
    time_machine.move_to(start + timedelta(hours=72, minutes=1), tick=False)
    # now the lane-2 case is 1 minute overdue and the verified one is not: overdue first
    assert other.due_at < timezone.now() < verified.due_at
    assert case_claim_next(reviewer=world.rev1) == other
    assert case_claim_next(reviewer=world.rev1) == verified


def test_among_overdue_cases_the_lane_then_age_decides(world, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    pending = TrademarkFactory(brand=world.brand_a, status=RightStatus.PENDING)
    old_other = file_report(reporter=world.alice, right=pending, listings=[ListingFactory()]).cases.get()
    time_machine.move_to(start + timedelta(hours=1), tick=False)
    verified = file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory()]).cases.get()
    time_machine.move_to(start + timedelta(days=5), tick=False)
    assert [case_claim_next(reviewer=world.rev1) for _ in range(2)] == [verified, old_other]
