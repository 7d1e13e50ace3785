from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from actions.models import ActionStatus
from actions.services import action_apply, action_fail, action_retry, actions_requeue_stale
from audit.models import AuditEntry
from listings.models import ListingStatus

from ..conftest import claim_and_remove, file_report


@pytest.fixture
def pending_action(world):
    """A removal decided by rev1 whose task has not run (its on-commit callback is never fired)."""
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1]).cases.get()
    claim_and_remove(case=case, reviewer=world.rev1)
    action = case.actions.get()
    assert action.status == ActionStatus.PENDING
    return action


def _listing_entries(listing):
    return AuditEntry.objects.filter(target_type="listings.listing", target_id=listing.pk)


def test_applying_an_action_is_idempotent(pending_action):
    listing = pending_action.listing
    assert action_apply(action_id=pending_action.pk) is True
    entries = _listing_entries(listing).count()
    assert entries == 1

    assert action_apply(action_id=pending_action.pk) is False

    pending_action.refresh_from_db()
    listing.refresh_from_db()
    assert pending_action.status == ActionStatus.APPLIED and pending_action.attempts == 1
    assert listing.status == ListingStatus.REMOVED
    assert _listing_entries(listing).count() == entries


def test_applying_an_unknown_action_does_nothing(db):
    assert action_apply(action_id=999_999) is False


def test_a_final_failure_is_recorded_with_its_error(pending_action):
    action_fail(action_id=pending_action.pk, error="ConnectionError: marketplace timed out")
    pending_action.refresh_from_db()
    pending_action.listing.refresh_from_db()
    assert pending_action.status == ActionStatus.FAILED
    assert pending_action.last_error == "ConnectionError: marketplace timed out"
    assert pending_action.attempts == 1 and pending_action.last_attempt_at is not None
    assert pending_action.listing.status == ListingStatus.ACTIVE
    assert action_apply(action_id=pending_action.pk) is False


def test_a_failure_after_the_action_was_applied_changes_nothing(pending_action):
    action_apply(action_id=pending_action.pk)
    action_fail(action_id=pending_action.pk, error="late duplicate")
    pending_action.refresh_from_db()
    assert pending_action.status == ActionStatus.APPLIED and pending_action.last_error == ""


def test_a_retry_sends_a_failed_action_back_and_applies_it(world, pending_action,
                                                           django_capture_on_commit_callbacks):
    action_fail(action_id=pending_action.pk, error="ConnectionError: marketplace timed out")
    with django_capture_on_commit_callbacks() as callbacks:
        action_retry(action=pending_action, actor=world.senior)
    pending_action.refresh_from_db()
    assert pending_action.status == ActionStatus.PENDING
    assert len(callbacks) == 1

    callbacks[0]()

    pending_action.refresh_from_db()
    pending_action.listing.refresh_from_db()
    assert pending_action.status == ActionStatus.APPLIED and pending_action.attempts == 2
    assert pending_action.listing.status == ListingStatus.REMOVED
    retry = AuditEntry.objects.get(action="enforcementaction.pending")
    assert retry.actor == world.senior and retry.data == {"from": "failed", "to": "pending"}


def test_the_sweep_requeues_only_pending_actions_older_than_the_stale_limit(world, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    cases = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a).cases.order_by("id")
    stale_case, applied_case, failed_case = cases
    stale = claim_and_remove(case=stale_case, reviewer=world.rev1).actions.get()
    applied = claim_and_remove(case=applied_case, reviewer=world.rev1).actions.get()
    failed = claim_and_remove(case=failed_case, reviewer=world.rev1).actions.get()
    action_apply(action_id=applied.pk)
    action_fail(action_id=failed.pk, error="gave up")

    later = start + timedelta(seconds=settings.ENFORCEMENT_STALE_SECONDS + 1)
    time_machine.move_to(later, tick=False)
    other = file_report(reporter=world.bob, right=world.tm_b, listings=world.listings_b[:1]).cases.get()
    fresh = claim_and_remove(case=other, reviewer=world.rev2).actions.get()

    with mock.patch("actions.tasks.apply_action.delay") as delay:
        assert actions_requeue_stale() == 1
    delay.assert_called_once_with(stale.pk)
    assert fresh.pk != stale.pk

    time_machine.move_to(later - timedelta(seconds=2), tick=False)
    with mock.patch("actions.tasks.apply_action.delay") as delay:
        assert actions_requeue_stale() == 0
    delay.assert_not_called()
