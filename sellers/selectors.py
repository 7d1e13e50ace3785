"""Reads for Seller Center: the seller's notices and where each stands (deadlines, what can be done
now), their listings and account health. Each one is also the access check: other sellers' rows
are 404."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from appeals.models import Appeal, AppealStatus
from appeals.services import appeal_deadline, seller_appeal_refusal
from common import dates
from complaints.models import RESTRICTING_OUTCOMES, Case, CaseState, Decision, Party
from counter_notices.models import OPEN_STATUSES, CounterNotice
from counter_notices.services import counter_notice_refusal
from decisions.challenges import restriction_in_force
from listings.models import Listing, ListingStatus
from suspensions.models import Strike, Suspension, SuspensionStatus
from suspensions.selectors import strikes_with_coverage


@dataclass
class NoticeStanding:
    """Where one notice stands for the seller: what is open, by when, what can be done."""

    case: Case
    latest: Decision | None
    appeal: Appeal | None
    counter_notice: CounterNotice | None
    appeal_until: datetime | None = None
    can_appeal: bool = False
    can_counter: bool = False
    next_step: str = ""


def notice_standing(case: Case) -> NoticeStanding:
    decisions = sorted(case.decisions.all(), key=lambda d: d.pk)
    latest = decisions[-1] if decisions else None
    appeals = sorted(case.appeals.all(), key=lambda a: a.pk)
    notices = sorted(case.counter_notices.all(), key=lambda n: n.pk)
    s = NoticeStanding(case=case, latest=latest, appeal=appeals[-1] if appeals else None,
                       counter_notice=notices[-1] if notices else None)
    listing = f"{case.listing.external_id} “{case.listing.title}”"
    removal_in_force = restriction_in_force(case=case, decision=latest)
    cn = s.counter_notice
    cn_waiting = cn is not None and cn.is_waiting and cn.is_dmca
    if removal_in_force:
        s.appeal_until = appeal_deadline(latest)
        s.can_appeal = seller_appeal_refusal(case=case, decision=latest) is None
        s.can_counter = counter_notice_refusal(case=case, decision=latest) is None
    if cn_waiting:
        s.next_step = (f"Listing {listing} comes back on {dates.deadline(s.counter_notice.reinstate_on)} unless "
                       f"{case.brand} shows a court action by {dates.deadline(s.counter_notice.court_action_due)}. "
                       "Nothing to do.")
    elif cn is not None and cn.is_open and not cn.is_dmca:
        s.next_step = (f"A senior reviewer decides your counter-notice on listing {listing}"
                       + (f" once {case.brand} has answered or {dates.deadline(cn.court_action_due)} has passed"
                          if cn.is_waiting else "") + ". Nothing to do.")
    elif cn is not None and cn.is_filing_under_review:
        s.next_step = (f"{case.brand} uploaded a court filing against your counter-notice on listing {listing}; "
                       "a reviewer is checking it. Nothing to do.")
    elif case.state == CaseState.APPEALED:
        s.next_step = f"A senior reviewer is deciding the appeal on listing {listing}. Nothing to do."
    elif s.can_appeal or s.can_counter:
        s.next_step = (f"Listing {listing} was removed after {_after(case)}. If it is genuine "
                       f"or authorized, appeal with your invoices by {dates.deadline(s.appeal_until)}; if it was "
                       "removed by mistake, you can file a counter-notice instead.")
    return s


def _after(case) -> str:
    """What led to a removal, for the seller: the complaining brand, or its rule's detection."""
    return (f"a notice from {case.brand}" if case.report_id
            else f"automatic detection under a protection rule of {case.brand}")


def _notice_queryset(user) -> QuerySet[Case]:
    return (
        # A removal, or a rights holder's appeal against a rejection (the seller may respond to it).
        Case.objects.filter(Q(decisions__outcome__in=RESTRICTING_OUTCOMES) | Q(appeals__party=Party.REPORTER),
                            listing__seller__members__user=user)
        .select_related("listing__seller", "right__brand", "report__brand", "brand")
        .prefetch_related("decisions", "appeals", "counter_notices")
        .distinct().order_by("-updated_at", "-id")
    )


def seller_standings(*, user) -> list[NoticeStanding]:
    return [notice_standing(c) for c in _notice_queryset(user)[:200]]


def seller_notice_standing(*, user, pk: int) -> NoticeStanding:
    case = _notice_queryset(user).filter(pk=pk).first()
    if case is None:
        raise Http404("No such notice")
    return notice_standing(case)


LISTING_FILTERS = {"all": None, "active": ListingStatus.ACTIVE, "removed": ListingStatus.REMOVED,
                   "suppressed": ListingStatus.SUPPRESSED}


def seller_listings(*, user, status: str = "all", query: str = "") -> QuerySet[Listing]:
    listings = Listing.objects.filter(seller__members__user=user).select_related("seller").annotate(
        notice_count=Count("cases", filter=Q(cases__decisions__outcome__in=RESTRICTING_OUTCOMES), distinct=True))
    if LISTING_FILTERS.get(status):
        listings = listings.filter(status=LISTING_FILTERS[status])
    if query.strip():
        listings = listings.filter(Q(external_id__icontains=query.strip()) | Q(title__icontains=query.strip()))
    return listings.order_by("external_id")


@dataclass
class AccountHealth:
    restricted: int = 0
    open_appeals: int = 0
    waiting_counter_notices: int = 0
    upheld: int = 0
    listings: int = 0
    strikes: list = field(default_factory=list)  # active strikes (events), soonest to expire first, with `covered`
    suspension: Suspension | None = None  # in force: every listing of the seller is suppressed

    @property
    def label(self) -> str:
        if self.suspension is not None:
            return "Suspended"
        if self.upheld >= 3:
            return "At risk"
        return "Needs attention" if self.restricted else "Good"


def account_health(*, user) -> AccountHealth:
    mine = Q(case__listing__seller__members__user=user)
    listings = Listing.objects.filter(seller__members__user=user)
    return AccountHealth(
        listings=listings.count(),
        restricted=listings.exclude(status=ListingStatus.ACTIVE).count(),
        open_appeals=Appeal.objects.filter(mine, status=AppealStatus.OPEN).distinct().count(),
        waiting_counter_notices=CounterNotice.objects.filter(mine, status__in=OPEN_STATUSES)
        .distinct().count(),
        upheld=Case.objects.filter(listing__seller__members__user=user, state=CaseState.UPHELD).distinct().count(),
        strikes=strikes_with_coverage(Strike.objects.filter(seller__members__user=user, removed_at__isnull=True,
                                                            expires_at__gt=timezone.now())),
        suspension=(Suspension.objects.filter(seller__members__user=user, status=SuspensionStatus.APPROVED)
                    .select_related("seller").order_by("-decided_at").first()),
    )


def seller_notices(*, user) -> QuerySet[Case]:
    """Cases on the user's sellers' listings that restricted a listing (the seller was notified)."""
    return (
        Case.objects.filter(listing__seller__members__user=user,
                            decisions__outcome__in=RESTRICTING_OUTCOMES)
        .select_related("listing__seller", "right__brand", "report__brand", "brand")
        .distinct()
        .order_by("-updated_at", "-id")
    )


def seller_notice_get(*, user, pk: int) -> Case:
    """One notice, only for a member of the listing's seller; 404 for anyone else."""
    try:
        return seller_notices(user=user).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("No such notice") from None
