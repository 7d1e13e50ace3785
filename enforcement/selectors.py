"""Reads for enforcement: seller notices, appeals, actions, each with its access check."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from complaints.models import RESTRICTING_OUTCOMES, Case

from .models import Appeal, AppealStatus, EnforcementAction


def seller_notices(*, user) -> QuerySet[Case]:
    """Cases on the user's sellers' listings that restricted a listing (the seller was notified)."""
    return (
        Case.objects.filter(listing__seller__members__user=user,
                            decisions__outcome__in=RESTRICTING_OUTCOMES)
        .select_related("listing__seller", "right__brand", "report__brand")
        .distinct()
        .order_by("-updated_at", "-id")
    )


def seller_notice_get(*, user, pk: int) -> Case:
    """One notice, only for a member of the listing's seller; 404 for anyone else."""
    try:
        return seller_notices(user=user).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("No such notice") from None


def require_senior(user, what: str = "appeals") -> None:
    if not (user.is_authenticated and user.is_senior_reviewer):
        raise PermissionDenied(f"Only senior reviewers decide {what}.")


def appeals_open(*, user) -> QuerySet[Appeal]:
    require_senior(user)
    return (
        Appeal.objects.filter(status=AppealStatus.OPEN)
        .select_related("case__listing__seller", "case__right__brand", "decision__decided_by", "filed_by")
    )


def appeal_get_for_senior(*, user, pk: int) -> Appeal:
    require_senior(user)
    try:
        return Appeal.objects.select_related(
            "case__listing__seller", "case__right__brand", "case__report", "decision__decided_by", "filed_by",
            "outcome_decision__decided_by",
        ).get(pk=pk)
    except Appeal.DoesNotExist:
        raise Http404("No such appeal") from None


def case_actions(*, case: Case) -> QuerySet[EnforcementAction]:
    return case.actions.order_by("id")
