from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from complaints.models import Case, CaseState
from review.claims import case_claim, claims_release_expired
from review.tasks import release_expired_claims

from ..conftest import file_report
from ..factories import ListingFactory


def _held(world, reviewer, n=1):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[ListingFactory() for _ in range(n)])
    cases = list(report.cases.order_by("id"))
    for case in cases:
        with transaction.atomic():
            case_claim(case=case, reviewer=reviewer)
    return cases


def test_the_sweep_gives_expired_claims_back_to_the_queue(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    [lapsed] = _held(world, world.rev1)
    time_machine.move_to(timezone.now() + timedelta(minutes=10), tick=False)
    [live] = _held(world, world.rev2)
    time_machine.move_to(lapsed.claim_expires_at + timedelta(seconds=1), tick=False)

    assert claims_release_expired() == 1

    lapsed.refresh_from_db()
    live.refresh_from_db()
    assert lapsed.state == CaseState.OPEN and lapsed.claimed_by is None and lapsed.claim_expires_at is None
    assert live.state == CaseState.IN_REVIEW and live.claimed_by == world.rev2
    entry = AuditEntry.objects.filter(target_id=lapsed.pk, action="case.open").last()
    assert entry.actor is None and entry.data["claim_expired"] == "rev1"


def test_a_claim_is_not_released_at_the_last_second_before_it_ends(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    [case] = _held(world, world.rev1)
    time_machine.move_to(case.claim_expires_at - timedelta(seconds=1), tick=False)
    assert claims_release_expired() == 0
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW


def test_the_sweep_works_through_every_batch(world, time_machine, settings):
    settings.REVIEW_MAX_OPEN_CLAIMS = 10
    time_machine.move_to(timezone.now(), tick=False)
    cases = _held(world, world.rev1, n=7)
    time_machine.move_to(timezone.now() + timedelta(minutes=settings.REVIEW_CLAIM_MINUTES, seconds=1), tick=False)

    assert claims_release_expired(batch_size=3) == 7

    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == {"open"}
    assert claims_release_expired(batch_size=3) == 0  # idempotent


def test_the_periodic_task_runs_the_sweep(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    [case] = _held(world, world.rev1)
    time_machine.move_to(case.claim_expires_at + timedelta(minutes=1), tick=False)
    assert release_expired_claims.delay().get() == 1
    case.refresh_from_db()
    assert case.state == CaseState.OPEN


def test_the_sweep_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["release-expired-claims"]
    assert entry["task"] == release_expired_claims.name
    assert entry["schedule"] <= 300
