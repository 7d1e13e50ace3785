"""Reads for the rights holder's case page, each with its access check: other brands' cases are 404."""

from django.db.models import Prefetch
from django.http import Http404

from appeals.services import reporter_appeal_refusal
from complaints.models import Case, Decision
from registry.selectors import brands_for_user


def reporter_case_get(*, user, pk: int) -> Case:
    """A case on one of the user's brands' rights (from its reports, or opened by automatic
    detection under its protection rules), with its appeals and counter-notices; 404 otherwise."""
    case = (Case.objects.filter(pk=pk, brand__in=brands_for_user(user=user))
            .select_related("listing", "report__brand", "right", "brand")
            .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("id")),
                              "appeals__responses", "counter_notices").first())
    if case is None:
        raise Http404("No such case")
    return case


def reporter_may_appeal(case: Case) -> bool:
    """Whether the reporting brand may appeal the case's latest decision now (appeals decides)."""
    decisions = list(case.decisions.all())
    return reporter_appeal_refusal(case=case, decision=decisions[-1] if decisions else None) is None
