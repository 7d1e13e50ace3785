"""Reads for the reviewers' enforcement pages (failed and stuck actions, bulk jobs, a suspension)
and the senior reviewers' suspension list, each with its access check."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from .models import ActionStatus, BulkJob, EnforcementAction, SuspensionProposal, SuspensionStatus
from .selectors import require_senior


def require_reviewer(user) -> None:
    if not (user.is_authenticated and user.is_reviewer):
        raise PermissionDenied("Only reviewers see enforcement operations.")


def actions_needing_attention(*, user) -> QuerySet[EnforcementAction]:
    """Failed actions, and actions pending longer than the sweep's threshold (stuck)."""
    require_reviewer(user)
    cutoff = timezone.now() - timedelta(seconds=settings.ENFORCEMENT_STALE_SECONDS)
    return (
        EnforcementAction.objects.filter(Q(status=ActionStatus.FAILED)
                                         | Q(status=ActionStatus.PENDING, updated_at__lt=cutoff))
        .select_related("listing__seller", "case", "bulk_job")
        .order_by("status", "updated_at", "id")
    )


def action_get_for_reviewer(*, user, pk: int) -> EnforcementAction:
    require_reviewer(user)
    try:
        return EnforcementAction.objects.get(pk=pk)
    except EnforcementAction.DoesNotExist:
        raise Http404("No such action") from None


def bulk_jobs_recent(*, user) -> QuerySet[BulkJob]:
    require_reviewer(user)
    return BulkJob.objects.select_related("created_by").order_by("-id")


def bulk_job_get(*, user, pk: int) -> BulkJob:
    require_reviewer(user)
    try:
        return BulkJob.objects.select_related("created_by", "report").get(pk=pk)
    except BulkJob.DoesNotExist:
        raise Http404("No such bulk job") from None


def suspensions_for_senior(*, user) -> QuerySet[SuspensionProposal]:
    require_senior(user, "seller suspensions")
    return (
        SuspensionProposal.objects.select_related("seller", "proposed_by", "decided_by", "suspend_job", "lift_job")
        .annotate(strike_count=Count("strikes"))
        .annotate(open_first=Case(When(status=SuspensionStatus.PROPOSED, then=0), default=1))
        .order_by("open_first", "-id")
    )


def suspension_get_for_reviewer(*, user, pk: int) -> SuspensionProposal:
    """Any reviewer reads a suspension (a proposer follows their proposal); only a senior decides it."""
    require_reviewer(user)
    try:
        return SuspensionProposal.objects.select_related("seller", "proposed_by", "proposed_from", "decided_by",
                                                         "suspend_job", "lift_job", "lifted_by").get(pk=pk)
    except SuspensionProposal.DoesNotExist:
        raise Http404("No such suspension") from None
