"""Enforcement actions and bulk jobs answer their state questions, each true for exactly the
values written here."""

from actions.models import ActionStatus, BulkJob, BulkJobKind, BulkJobStatus, EnforcementAction

from ..state_questions import answered_yes


def test_an_action_is_failed_only_in_the_failed_status():
    assert answered_yes(EnforcementAction, "status", ActionStatus, "is_failed") == {"failed"}


def test_a_bulk_job_is_running_only_in_the_running_status():
    assert answered_yes(BulkJob, "status", BulkJobStatus, "is_running") == {"running"}


def test_a_bulk_job_is_a_report_decision_only_of_that_kind():
    assert answered_yes(BulkJob, "kind", BulkJobKind, "is_report_decision") == {"report_decision"}
