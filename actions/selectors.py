"""Reads for the reviewers' enforcement pages (failed and stuck actions, bulk jobs), each with its
access check."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import require_reviewer
from complaints.models import UNDECIDED_STATES, Case

from .models import ActionStatus, BulkJob, EnforcementAction

_OPS = "Only reviewers see enforcement operations."


def actions_needing_attention(*, user) -> QuerySet[EnforcementAction]:
    """Failed actions, and actions pending longer than the sweep's threshold (stuck)."""
    require_reviewer(user, _OPS)
    cutoff = timezone.now() - timedelta(seconds=settings.ENFORCEMENT_STALE_SECONDS)
    return (
        EnforcementAction.objects.filter(Q(status=ActionStatus.FAILED)
                                         | Q(status=ActionStatus.PENDING, updated_at__lt=cutoff))
        .select_related("listing__seller", "case", "bulk_job")
        .order_by("status", "updated_at", "id")
    )


def action_get_for_reviewer(*, user, pk: int) -> EnforcementAction:
    require_reviewer(user, _OPS)
    try:
        return EnforcementAction.objects.get(pk=pk)
    except EnforcementAction.DoesNotExist:
        raise Http404("No such action") from None


def bulk_jobs_recent(*, user) -> QuerySet[BulkJob]:
    require_reviewer(user, _OPS)
    return BulkJob.objects.select_related("created_by").order_by("-id")


def bulk_job_get(*, user, pk: int) -> BulkJob:
    require_reviewer(user, _OPS)
    try:
        return BulkJob.objects.select_related("created_by", "report").get(pk=pk)
    except BulkJob.DoesNotExist:
        raise Http404("No such bulk job") from None


def bulk_job_skipped_cases(*, job: BulkJob) -> list[Case]:
    """A report-wide decision's cases it did not decide and that still wait: held by another reviewer or
    reached after they moved on. Listed (linked) on the job's page once every case was reached."""
    if not job.is_report_decision or not job.cases_skipped or not job.cases_done_at:
        return []
    return list(job.report.cases.filter(state__in=UNDECIDED_STATES).exclude(pk=job.source_case_id)
                .select_related("listing", "claimed_by").order_by("id")[:200])


def case_actions(*, case: Case) -> QuerySet[EnforcementAction]:
    return case.actions.order_by("id")
