"""The apply_action task's hooks, run eagerly in-process: retry on transient errors, record a
final failure, and never let a broker hiccup at commit undo or error a recorded decision."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerError

from actions import services
from actions.models import ActionStatus
from actions.tasks import apply_action
from listings.models import ListingStatus

from ..conftest import claim_and_remove, file_report

pytestmark = pytest.mark.django_db(transaction=True)


def _decide_remove(world, listing):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[listing]).cases.get()
    claim_and_remove(case=case, reviewer=world.rev1)
    return case


@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"),
                                   SoftTimeLimitExceeded("soft time limit")], ids=["database", "soft-time-limit"])
def test_a_transient_error_is_retried_until_the_action_applies(world, monkeypatch, error):
    real_apply, calls = services.action_apply, []

    def flaky(*, action_id):
        calls.append(action_id)
        if len(calls) < 3:
            raise error
        return real_apply(action_id=action_id)

    monkeypatch.setattr(services, "action_apply", flaky)
    case = _decide_remove(world, world.listings_a[0])

    action = case.actions.get()
    assert len(calls) == 3
    assert action.status == ActionStatus.APPLIED
    assert action.listing.status == ListingStatus.REMOVED


def test_an_error_that_is_not_transient_is_recorded_as_a_failure_a_person_sees(world, monkeypatch):
    def broken(*, action_id):
        raise ValueError("marketplace rejected the listing id")

    monkeypatch.setattr(services, "action_apply", broken)
    case = _decide_remove(world, world.listings_a[0])

    action = case.actions.get()
    assert action.status == ActionStatus.FAILED
    assert action.last_error == "ValueError: marketplace rejected the listing id"
    assert action.attempts == 1


def test_a_failure_is_recorded_when_the_task_is_sent_with_keyword_arguments(world, monkeypatch):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()
    monkeypatch.setattr(services, "enqueue_on_commit", lambda name, *args: None)
    claim_and_remove(case=case, reviewer=world.rev1)
    monkeypatch.setattr(services, "action_apply", lambda *, action_id: 1 / 0)

    apply_action.apply_async(kwargs={"action_id": case.actions.get().pk})

    assert case.actions.get().status == ActionStatus.FAILED


def test_a_broker_outage_at_commit_keeps_the_decision_and_leaves_the_action_for_the_sweep(
    world, monkeypatch, settings, caplog,
):
    def refuse(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(apply_action, "delay", refuse)
    case = _decide_remove(world, world.listings_a[0])  # does not raise: the decision is committed

    action = case.actions.get()
    assert action.status == ActionStatus.PENDING
    assert action.listing.status == ListingStatus.ACTIVE
    assert "Connection refused" in caplog.text  # logged for the operators, not shown to the reviewer

    monkeypatch.undo()  # the broker is back; the periodic sweep re-publishes the pending action
    settings.ENFORCEMENT_STALE_SECONDS = 0
    assert services.actions_requeue_stale() == 1
    action.refresh_from_db()
    assert action.status == ActionStatus.APPLIED
