"""Reads for the suspension pages, each with its access check."""

from django.db.models import Case, Count, QuerySet, When
from django.http import Http404

from accounts.permissions import require_reviewer, require_senior

from .models import Suspension, SuspensionStatus


def suspensions_for_senior(*, user) -> QuerySet[Suspension]:
    require_senior(user, "Only senior reviewers decide seller suspensions.")
    return (
        Suspension.objects.select_related("seller", "proposed_by", "decided_by", "suspend_job", "lift_job")
        .annotate(strike_count=Count("strikes"))
        .annotate(open_first=Case(When(status=SuspensionStatus.PROPOSED, then=0), default=1))
        .order_by("open_first", "-id")
    )


def suspension_get_for_reviewer(*, user, pk: int) -> Suspension:
    """Any reviewer reads a suspension (a proposer follows their proposal); only a senior decides it."""
    require_reviewer(user, "Only reviewers see enforcement operations.")
    try:
        return Suspension.objects.select_related("seller", "proposed_by", "proposed_from", "decided_by",
                                                         "suspend_job", "lift_job", "lifted_by").get(pk=pk)
    except Suspension.DoesNotExist:
        raise Http404("No such suspension") from None
