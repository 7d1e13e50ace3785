from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.services import audit_chain_pending
from audit.transitions import IllegalTransition
from complaints.models import Case, CaseState
from complaints.records import CaseError
from registry.models import RightStatus
from review.claims import case_claim, case_claim_next, case_release

from ..conftest import file_report
from ..factories import ListingFactory, TrademarkFactory


def test_claim_next_takes_priority_first_then_the_oldest(world, time_machine):
    start = timezone.now()
    pending = TrademarkFactory(brand=world.brand_a, name="ACME PENDING", status=RightStatus.PENDING)
    time_machine.move_to(start, tick=False)
    unverified_oldest = file_report(reporter=world.alice, right=pending, listings=[world.listings_a[0]]).cases.get()
    time_machine.move_to(start + timedelta(minutes=1), tick=False)
    verified_old = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[1]]).cases.get()
    time_machine.move_to(start + timedelta(minutes=2), tick=False)
    verified_new = file_report(reporter=world.bob, right=world.tm_b, listings=[world.listings_b[0]]).cases.get()

    claimed = [case_claim_next(reviewer=world.rev1) for _ in range(3)]

    assert claimed == [verified_old, verified_new, unverified_oldest]
    assert [c.priority for c in claimed] == [1, 1, 2]


def test_claim_next_returns_none_on_an_empty_queue(world):
    assert case_claim_next(reviewer=world.rev1) is None


def test_claim_next_skips_cases_that_are_already_held(world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2])
    first, second = report.cases.order_by("id")
    assert case_claim_next(reviewer=world.rev1) == first
    assert case_claim_next(reviewer=world.rev2) == second
    assert case_claim_next(reviewer=world.senior) is None


def test_a_claim_records_the_holder_and_when_it_ends(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    case = case_claim_next(reviewer=world.rev1)
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    assert case.claimed_by == world.rev1
    assert case.claim_expires_at == timezone.now() + timedelta(minutes=settings.REVIEW_CLAIM_MINUTES)


@pytest.mark.parametrize("persona", ["alice", "sam", "outsider"])
def test_it_refuses_a_claim_by_someone_who_is_not_a_reviewer(world, persona):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    with pytest.raises(CaseError, match="Only reviewers"):
        case_claim_next(reviewer=getattr(world, persona))
    with pytest.raises(CaseError, match="Only reviewers"):
        case_claim(case=case, reviewer=getattr(world, persona))
    case.refresh_from_db()
    assert case.state == CaseState.OPEN and case.claimed_by is None


def test_a_senior_reviewer_can_claim_too(world):
    file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory()])
    assert case_claim_next(reviewer=world.senior).claimed_by == world.senior


def test_only_the_holder_can_release_a_case(world):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    with transaction.atomic():
        case_claim(case=case, reviewer=world.rev1)

    with pytest.raises(CaseError, match="do not hold"):
        case_release(case=case, reviewer=world.rev2)
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.claimed_by == world.rev1

    case_release(case=case, reviewer=world.rev1)
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    assert case.claimed_by is None and case.claim_expires_at is None
    assert case_claim_next(reviewer=world.rev2) == case


def test_an_expired_claim_can_be_claimed_again(world, time_machine):
    """The decide refusal says "Claim it again to decide": an abandoned claim must not strand the case."""
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    with transaction.atomic():
        case_claim(case=case, reviewer=world.rev1)
    case.refresh_from_db()
    time_machine.move_to(case.claim_expires_at + timedelta(seconds=1), tick=False)

    case_claim(case=case, reviewer=world.rev1)

    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.claimed_by == world.rev1
    assert case.claim_expires_at > timezone.now()


def test_claim_next_hands_out_a_case_whose_claim_expired(world, time_machine):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    assert case_claim_next(reviewer=world.rev1) == case
    assert case_claim_next(reviewer=world.rev2) is None
    case.refresh_from_db()
    time_machine.move_to(case.claim_expires_at + timedelta(seconds=1), tick=False)

    assert case_claim_next(reviewer=world.rev2) == case
    case.refresh_from_db()
    assert case.claimed_by == world.rev2
    # The log says whose claim lapsed, then who took the case, as transition() writes them.
    entries = list(AuditEntry.objects.filter(target_type="complaints.case", target_id=case.pk)
                   .order_by("id").values_list("action", "actor_repr", "target_repr", "data"))
    named = f"Case C-{case.pk} · {case.listing.external_id}"
    assert entries[-3:] == [
        ("case.in_review", "rev1", named, {"from": "open", "to": "in_review"}),
        ("case.open", "system", named, {"from": "in_review", "to": "open", "claim_expired": "rev1"}),
        ("case.in_review", "rev2", named, {"from": "open", "to": "in_review"}),
    ]
    audit_chain_pending()
    assert audit_chain_verify()[1] is None


def test_claim_next_returns_the_case_as_stored(world):
    file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    claimed = case_claim_next(reviewer=world.rev1)
    stored = Case.objects.get(pk=claimed.pk)
    for field in Case._meta.concrete_fields:
        assert getattr(claimed, field.attname) == getattr(stored, field.attname), field.name
    assert str(claimed) == str(stored)


def test_a_live_claim_cannot_be_taken_over(world):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    with transaction.atomic():
        case_claim(case=case, reviewer=world.rev1)
    with pytest.raises(IllegalTransition):
        case_claim(case=case, reviewer=world.rev2)
    case.refresh_from_db()
    assert case.claimed_by == world.rev1
