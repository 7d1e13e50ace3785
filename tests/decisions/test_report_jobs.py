"""One decision applied to every identical case of a report: the reviewer's own case at once, the
others by a report decision job walking them in chunks (enforcement.bulk_decide)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.bulk import actions_apply_chunk
from actions.models import ActionKind, ActionStatus, BulkJob, BulkJobKind, BulkJobStatus, EnforcementAction
from actions.tasks import requeue_stale_actions
from audit.models import AuditEntry
from complaints.models import CaseState, Decision
from decisions import report_jobs as bulk_decide
from decisions.automated import case_suppress_automated
from decisions.report_jobs import report_cases_decide, report_job_walk, report_jobs_requeue_stale
from decisions.services import case_decide
from decisions.tasks import decide_report_cases
from listings.models import ListingStatus
from suspensions.models import Strike

from ..conftest import claim, report_with_cases


def _start(case, reviewer, code="tm_counterfeit", facts="Same fake.", **kwargs):
    """The view's call, its walk task not run (tests never commit): returns (decision, job)."""
    with mock.patch("decisions.tasks.decide_report_cases.delay") as delay:
        result = report_cases_decide(case=case, reviewer=reviewer, reason_code=code, facts=facts, **kwargs)
    return result.first, result.job, delay


def _refresh(*objs):
    for obj in objs:
        obj.refresh_from_db()


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(bulk_decide, "CASES_PER_CHUNK", 2)


def test_the_reviewers_case_is_decided_at_once_and_the_others_left_to_one_queued_job(
        world, django_capture_on_commit_callbacks):
    report, cases = report_with_cases(world, 4)
    claim(cases[0], world.rev1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first, job, _ = _start(cases[0], world.rev1)
    _refresh(*cases)
    assert [c.state for c in cases] == [CaseState.ACTIONED, CaseState.OPEN, CaseState.OPEN, CaseState.OPEN]
    # The reviewer's own takedown is a single action with its own task, as any decision's.
    own = EnforcementAction.objects.get(decision=first)
    assert own.bulk_job_id is None
    assert (job.kind, job.status, job.report_id, job.source_case_id, job.created_by) == (
        BulkJobKind.REPORT_DECISION, BulkJobStatus.RUNNING, report.pk, cases[0].pk, world.rev1)
    assert (job.reason_code, job.facts, job.statement, job.cases_total) == ("tm_counterfeit", "Same fake.", "", 3)
    assert job.deciding and job.total == 0
    with mock.patch("decisions.tasks.decide_report_cases.delay") as walk, \
            mock.patch("actions.tasks.apply_action.delay") as apply_one:
        for callback in callbacks:
            callback()
    walk.assert_called_once_with(job.pk)
    apply_one.assert_called_once_with(own.pk)


def test_the_job_decides_every_case_the_reviewer_can_take_and_skips_one_held_by_another(
        world, django_capture_on_commit_callbacks):
    report, cases = report_with_cases(world, 4)
    claim(cases[0], world.rev1)
    claim(cases[1], world.rev2)
    with django_capture_on_commit_callbacks(execute=True):  # the walk and its chunk run (eager)
        first, job, _ = _start(cases[0], world.rev1)
        decide_report_cases.delay(job.pk)
    _refresh(job, *cases)
    assert [c.state for c in cases] == [CaseState.ACTIONED, CaseState.IN_REVIEW, CaseState.ACTIONED,
                                        CaseState.ACTIONED]
    assert cases[1].claimed_by == world.rev2 and cases[1].decisions.count() == 0
    assert (job.cases_decided, job.cases_skipped, job.cases_held, job.total, job.done, job.status) == (
        2, 1, 1, 2, 2, BulkJobStatus.FINISHED)
    for case in (cases[2], cases[3]):
        decision = case.decisions.get()  # each case its own decision, its own listing in its statement
        assert decision.decided_by == world.rev1 and case.listing.external_id in decision.statement
        action = EnforcementAction.objects.get(decision=decision)
        assert (action.bulk_job_id, action.listing_id, action.status) == (job.pk, case.listing_id, ActionStatus.APPLIED)
        assert Strike.objects.filter(decisions=decision).exists()
        case.listing.refresh_from_db()
        assert case.listing.status == ListingStatus.REMOVED


def test_each_chunk_queues_one_apply_task_and_no_task_per_action(world, small_chunks,
                                                                  django_capture_on_commit_callbacks):
    report, cases = report_with_cases(world, 6)
    claim(cases[0], world.rev1)
    _, job, _ = _start(cases[0], world.rev1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert report_job_walk(job_id=job.pk) is False  # all walked in one task: 3 chunks of 2, 2, 1
    with mock.patch("actions.tasks.apply_action_chunk.delay") as chunk, \
            mock.patch("actions.tasks.apply_action.delay") as single, \
            mock.patch("notifications.tasks.send_notification.delay") as mail:
        for callback in callbacks:
            callback()
    # The sellers' "case decided" e-mails, one per decision as ever (the reporter's: one summary at the end).
    assert [c.args[0] for c in mail.call_args_list] == ["case_decided_seller"] * 5
    ids = list(job.actions.order_by("id").values_list("id", flat=True))
    assert len(ids) == 5
    assert [c.args for c in chunk.call_args_list] == [(job.pk, ids[0], ids[1]), (job.pk, ids[2], ids[3]),
                                                      (job.pk, ids[4], ids[4])]
    single.assert_not_called()


def test_a_chunk_of_decided_cases_is_enforced_with_one_listing_update(world, small_chunks):
    report, cases = report_with_cases(world, 3)
    claim(cases[0], world.rev1)
    _, job, _ = _start(cases[0], world.rev1)
    report_job_walk(job_id=job.pk)  # its chunk messages not run (tests never commit)
    ids = list(job.actions.order_by("id").values_list("id", flat=True))
    with CaptureQueriesContext(connection) as queries:
        assert actions_apply_chunk(job_id=job.pk, first_id=ids[0], last_id=ids[-1]) == 2
    assert len([q for q in queries if q["sql"].startswith('UPDATE "listings_listing"')]) == 1
    _refresh(job)
    assert (job.done, job.total, job.status) == (2, 2, BulkJobStatus.FINISHED)


def test_the_job_is_not_finished_while_cases_remain_even_with_every_action_applied(world, small_chunks):
    report, cases = report_with_cases(world, 5)
    claim(cases[0], world.rev1)
    _, job, _ = _start(cases[0], world.rev1)
    assert report_job_walk(job_id=job.pk, budget_seconds=0) is True  # one chunk, then the continuation
    ids = list(job.actions.order_by("id").values_list("id", flat=True))
    actions_apply_chunk(job_id=job.pk, first_id=ids[0], last_id=ids[-1])
    _refresh(job)
    assert (job.cases_decided, job.done, job.total, job.status) == (2, 2, 2, BulkJobStatus.RUNNING)
    assert 0 < job.percent < 100 and job.cases_percent == 50
    assert report_job_walk(job_id=job.pk) is False
    ids = list(job.actions.filter(status=ActionStatus.PENDING).values_list("id", flat=True))
    actions_apply_chunk(job_id=job.pk, first_id=min(ids), last_id=max(ids))
    _refresh(job)
    assert (job.cases_decided, job.done, job.total, job.status, job.percent) == (4, 4, 4, BulkJobStatus.FINISHED, 100)


def test_a_walk_run_again_resumes_and_decides_nothing_twice(world, small_chunks):
    report, cases = report_with_cases(world, 6)
    claim(cases[0], world.rev1)
    _, job, _ = _start(cases[0], world.rev1)
    report_job_walk(job_id=job.pk, budget_seconds=0)  # one chunk, then "killed"
    _refresh(job)
    assert (job.cases_cursor, job.cases_decided) == (cases[2].pk, 2)
    # Meanwhile another reviewer decides one of the cases the walk has not reached.
    claim(cases[4], world.rev2)
    case_decide(case=cases[4], reviewer=world.rev2, reason_code="no_infringement", facts="Lawful resale.")
    assert report_job_walk(job_id=job.pk) is False  # a redelivery: resumes after the cursor
    assert report_job_walk(job_id=job.pk) is False  # and once more: the walk has ended
    decide_report_cases.delay(job.pk)  # the task itself, eager: nothing to do
    _refresh(job)
    assert (job.cases_decided, job.cases_skipped, job.cases_held, job.cases_total) == (4, 1, 0, 5)  # not held: decided
    assert Decision.objects.filter(case__report=report).count() == 6  # one per case, no more
    assert EnforcementAction.objects.filter(bulk_job=job).count() == 4
    assert cases[4].decisions.get().decided_by == world.rev2
    entries = AuditEntry.objects.filter(action="report.bulk_decided", target_id=report.pk)
    assert entries.count() == 1
    assert entries.get().data == {"reason": "tm_counterfeit", "job": job.pk, "case": cases[0].pk, "decided": 4,
                                  "skipped": 1}
    # Each decision the job made says so in its audit entry.
    tagged = AuditEntry.objects.filter(action="decision.remove", data__bulk_job=job.pk)
    assert sorted(tagged.values_list("data__case", flat=True)) == [cases[i].pk for i in (1, 2, 3, 5)]


def test_an_edited_statement_is_carried_to_each_case_with_its_own_listing(world, django_capture_on_commit_callbacks):
    report, cases = report_with_cases(world, 2)
    claim(cases[0], world.rev1)
    snap = cases[0].listing_snapshot
    edited = f"Listing {snap['external_id']} “{snap['title']}” is removed. Logo copied."
    _, job, _ = _start(cases[0], world.rev1, facts="Copied.", statement=edited)
    assert job.statement == edited
    report_job_walk(job_id=job.pk)
    other = cases[1].decisions.get().statement
    assert other == f"Listing {cases[1].listing.external_id} “{cases[1].listing.title}” is removed. Logo copied."


def test_a_lapsed_claim_of_another_reviewer_is_taken_and_rejections_make_no_actions(world, time_machine):
    report, cases = report_with_cases(world, 3)
    claim(cases[1], world.rev2)
    time_machine.move_to(cases[1].claim_expires_at + timedelta(seconds=1))
    claim(cases[0], world.rev1)
    first, job, _ = _start(cases[0], world.rev1, code="no_infringement", facts="Lawful.")
    assert report_job_walk(job_id=job.pk) is False
    _refresh(job, *cases)
    assert [c.state for c in cases] == [CaseState.REJECTED] * 3
    assert cases[1].decisions.get().decided_by == world.rev1
    assert (job.cases_decided, job.cases_skipped, job.total, job.status) == (2, 0, 0, BulkJobStatus.FINISHED)
    assert not EnforcementAction.objects.exists()


def test_rejecting_reverses_an_automatic_suppression_with_an_action_of_the_job(world):
    report, cases = report_with_cases(world, 2)
    case_suppress_automated(case=cases[1], facts="Mark in the title, shipped from outside the brand's countries.")
    claim(cases[0], world.rev1)
    _, job, _ = _start(cases[0], world.rev1, code="no_infringement", facts="Lawful.")
    report_job_walk(job_id=job.pk)
    assert list(job.actions.values_list("kind", "case_id")) == [(ActionKind.REINSTATE, cases[1].pk)]


def test_a_report_with_no_other_undecided_case_makes_no_job(world):
    report, cases = report_with_cases(world, 2)
    claim(cases[1], world.rev2)
    case_decide(case=cases[1], reviewer=world.rev2, reason_code="tm_counterfeit", facts="Fake.")
    claim(cases[0], world.rev1)
    first, job, delay = _start(cases[0], world.rev1)
    assert job is None and first.case_id == cases[0].pk and not BulkJob.objects.exists()
    delay.assert_not_called()


def test_it_refuses_a_case_the_reviewer_does_not_hold_and_changes_nothing(world):
    from complaints.records import CaseError

    report, cases = report_with_cases(world, 3)
    claim(cases[0], world.rev2)
    with pytest.raises(CaseError, match="Another reviewer holds this case"):
        _start(cases[0], world.rev1)
    assert not Decision.objects.exists() and not BulkJob.objects.exists()


def test_a_reviewer_who_lost_the_role_stops_the_walk_and_the_cases_stay_in_the_queue(world):
    report, cases = report_with_cases(world, 3)
    claim(cases[0], world.rev1)
    _, job, _ = _start(cases[0], world.rev1)
    world.rev1.role = "rights_holder"
    world.rev1.save()
    assert report_job_walk(job_id=job.pk) is False
    _refresh(job, *cases)
    assert [c.state for c in cases[1:]] == [CaseState.OPEN, CaseState.OPEN]
    assert "rev1 is no longer an active reviewer." == job.error
    assert (job.cases_decided, job.cases_skipped, job.cases_held, job.status) == (0, 2, 0, BulkJobStatus.FINISHED)


def test_a_final_failure_of_the_walk_is_recorded_on_the_job(world, small_chunks):
    report, cases = report_with_cases(world, 5)
    claim(cases[0], world.rev1)
    _, job, _ = _start(cases[0], world.rev1)
    report_job_walk(job_id=job.pk, budget_seconds=0)  # the first chunk goes through
    with mock.patch.object(bulk_decide, "_decide_chunk", side_effect=ValueError("broken reason table")):
        decide_report_cases.apply(args=[job.pk])  # eager: not transient, so on_failure records it
    _refresh(job)
    assert job.error == "ValueError: broken reason table" and not job.deciding
    assert (job.cases_decided, job.cases_skipped) == (2, 2)
    assert report.cases.filter(state=CaseState.OPEN).count() == 2
    entry = AuditEntry.objects.get(action="report.bulk_decided")
    assert entry.data["error"] == "ValueError: broken reason table"


def test_the_sweep_requeues_a_walk_whose_message_was_lost_and_its_chunks(world, settings, time_machine):
    settings.ENFORCEMENT_STALE_SECONDS = 60
    report, cases = report_with_cases(world, 4)
    claim(cases[0], world.rev1)
    _, job, _ = _start(cases[0], world.rev1)  # the walk's message is lost
    assert report_jobs_requeue_stale() == 0  # not stale yet
    time_machine.move_to(timezone.now() + timedelta(seconds=61))
    with mock.patch("actions.tasks.apply_action_chunk.delay"):  # the walk runs, its chunk messages are lost
        assert report_jobs_requeue_stale() == 1
    _refresh(job)
    assert (job.cases_decided, job.done, job.total, job.status) == (3, 0, 3, BulkJobStatus.RUNNING)
    time_machine.shift(timedelta(seconds=61))
    # The beat's one sweep: the chunks' pending actions go back as chunks (and the own case's
    # single action, whose message was never sent here either); no walk is stale any more.
    assert requeue_stale_actions.delay().get() == 4
    _refresh(job)
    assert (job.done, job.status) == (3, BulkJobStatus.FINISHED)
    assert report.cases.filter(listing__status=ListingStatus.REMOVED).count() == 4


def test_a_report_decision_job_must_say_what_to_apply(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        BulkJob.objects.create(kind=BulkJobKind.REPORT_DECISION, title="nothing to apply")


@pytest.mark.django_db(transaction=True)
def test_a_case_locked_by_another_reviewers_claim_right_now_is_skipped(require_postgres, world):
    """SKIP LOCKED: the walk does not wait for a row another transaction holds; it leaves it to them."""
    import threading

    from django.db import connections

    from complaints.models import Case

    report, cases = report_with_cases(world, 4)
    claim(cases[0], world.rev1)
    _, job, _ = _start(cases[0], world.rev1)
    locked, release = threading.Event(), threading.Event()

    def another_claim() -> None:
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=cases[2].pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=another_claim)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        with mock.patch("actions.tasks.apply_action_chunk.delay"), \
                mock.patch("notifications.tasks.send_notification.delay"):
            assert report_job_walk(job_id=job.pk) is False  # did not wait for the lock
    finally:
        release.set()
        thread.join(timeout=30)
    _refresh(job, *cases)
    assert [c.state for c in cases] == [CaseState.ACTIONED, CaseState.ACTIONED, CaseState.OPEN, CaseState.ACTIONED]
    assert (job.cases_decided, job.cases_skipped, job.cases_held) == (2, 1, 1)  # held by another reviewer
