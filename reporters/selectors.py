"""Reads for the rights holder's case page, each with its access check: other brands' cases are 404."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from appeals.models import Appeal, AppealStatus
from appeals.services import reporter_appeal_refusal
from common import dates
from complaints.models import UNDECIDED_STATES, Case, CaseState, Decision, InfoRequest, Party, Report
from counter_notices.models import CounterNotice, CounterNoticeStatus
from registry.models import IPRight, RightStatus
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


# --- What waits on the rights holder ("Needs you" on the home page and My reports) -------------

EXPIRY_NOTICE_DAYS = 90  # as registry.renewals.RENEWAL_WINDOW_DAYS: renewal opens then


@dataclass(frozen=True)
class Waiting:
    """One thing that waits on the rights holder: what, by when (None: no deadline), and where."""

    what: str
    text: str
    due: date | None
    url: str


def needs_you(*, user, today: date | None = None) -> list[Waiting]:
    """Reviewer questions, sellers' appeals not yet answered, counter-notices waiting for a court
    action, and rights about to expire, on the brands the user acts for; soonest deadline first.
    Four queries, whatever the number of brands."""
    today = today or timezone.localdate()
    brands = brands_for_user(user=user)
    items: list[Waiting] = []
    for q in (InfoRequest.objects.filter(case__brand__in=brands, answered_at__isnull=True, expired_at__isnull=True)
              .select_related("case__listing", "case__report")):
        items.append(Waiting(
            "Question from a reviewer",
            f"About listing “{q.case.listing.title}” ({q.case.reference}): {Truncator(q.question).chars(120)}",
            timezone.localdate(q.deadline),
            reverse("reporters:report_detail", args=[q.case.report_id]) if q.case.report_id
            else reverse("reporters:case", args=[q.case_id])))
    for a in (Appeal.objects.filter(case__brand__in=brands, status=AppealStatus.OPEN, party=Party.SELLER)
              .exclude(responses__party=Party.REPORTER).select_related("case__listing")):
        items.append(Waiting(
            "Seller's appeal", f"The seller of “{a.case.listing.title}” ({a.case.reference}) appealed the decision: "
            "you may respond before a senior reviewer rules.", None, reverse("reporters:case", args=[a.case_id])))
    for n in (CounterNotice.objects.filter(case__brand__in=brands, status=CounterNoticeStatus.WAITING)
              .select_related("case__listing")):
        items.append(Waiting(
            "Counter-notice", f"The seller of “{n.case.listing.title}” ({n.case.reference}) filed a counter-notice. "
            f"Show a court action by {dates.deadline(n.court_action_due)}, or the listing comes back on "
            f"{dates.deadline(n.reinstate_on)}.", n.court_action_due, reverse("reporters:case", args=[n.case_id])))
    for r in IPRight.objects.filter(brand__in=brands, registered=True, status=RightStatus.VERIFIED,
                                    expires_on__isnull=False,
                                    expires_on__lte=today + timedelta(days=EXPIRY_NOTICE_DAYS)).select_related("brand"):
        items.append(Waiting(
            "Right expiring", f"{r} of {r.brand.name} expires on {dates.day(r.expires_on)}: renew it to keep "
            "reporting with it.", r.expires_on, reverse("registry:right_detail", args=[r.pk])))
    return sorted(items, key=lambda w: (w.due is None, w.due or date.max))


def reports_with_progress(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Each report with how many of its cases are decided, undecided and waiting on the reporter."""
    return reports.annotate(
        undecided_count=Count("cases", filter=Q(cases__state__in=UNDECIDED_STATES)),
        waiting_count=Count("cases", filter=Q(cases__state=CaseState.NEEDS_INFO)),
        withdrawn_count=Count("cases", filter=Q(cases__state=CaseState.WITHDRAWN)),
    )


def report_state_label(report: Report) -> str:
    """The report's state as people read it, from reports_with_progress's counts."""
    if report.withdrawn_at:
        return "Withdrawn"
    if report.waiting_count:
        return "Waiting for your answer"
    if report.undecided_count:
        return "Under review"
    return "Decided"


def report_progress_label(report: Report) -> str:
    total = report.case_count - report.withdrawn_count
    return f"{total - report.undecided_count} of {total} decided"
