"""The seller dossier (staff): everything about one seller on one page, and a timeline chart.
Reads only; a fixed number of queries whatever the seller's size (lists are capped, counts are
aggregates, the chart is one GROUP BY per series)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from complaints.models import Case, CaseState, Decision
from listings.models import Seller
from suspensions.models import Strike, Suspension

from .models import Referral, TestBuy

LIST_CAP = 200
MONTHS = 12


@dataclass(frozen=True)
class Series:
    key: str
    label: str


SERIES = (Series("cases", "Cases opened"), Series("decisions", "Decisions"), Series("strikes", "Strikes"),
          Series("test_buys", "Test buys"))


@dataclass(frozen=True)
class ChartBar:
    series: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class ChartMonth:
    label: str
    label_x: float
    bars: list[ChartBar]


@dataclass(frozen=True)
class TimelineChart:
    """Grouped bars per month: inline SVG geometry (templates/legal/_timeline_chart.html)."""

    months: list[ChartMonth]
    series: tuple[Series, ...]
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    maximum: int
    totals: dict[str, int]


def _month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    starts = []
    for i in range(months - 1, -1, -1):
        y, m = divmod(first.year * 12 + first.month - 1 - i, 12)
        starts.append(date(y, m + 1, 1))
    return starts


def _by_month(qs: QuerySet, field: str, since: date) -> dict[date, int]:
    rows = (qs.filter(**{f"{field}__date__gte": since}).annotate(month=TruncMonth(field)).values("month")
            .annotate(n=Count("id")).values_list("month", "n"))
    return {(m.date() if hasattr(m, "date") else m): n for m, n in rows}


def timeline_chart(seller: Seller, *, today: date | None = None, months: int = MONTHS, width: int = 720,
                   plot_height: int = 160) -> TimelineChart:
    today = today or timezone.localdate()
    starts = _month_starts(today, months)
    since = starts[0]
    counts = {
        "cases": _by_month(Case.objects.filter(listing__seller=seller), "created_at", since),
        "decisions": _by_month(Decision.objects.filter(case__listing__seller=seller), "created_at", since),
        "strikes": _by_month(Strike.objects.filter(seller=seller), "created_at", since),
        "test_buys": _by_month(TestBuy.objects.filter(seller=seller), "created_at", since),
    }
    maximum = max((n for c in counts.values() for n in c.values()), default=0)
    top, slot = 12, width / months
    bar_w = slot * 0.8 / len(SERIES)
    out = []
    for i, start in enumerate(starts):
        bars = []
        for j, s in enumerate(SERIES):
            value = counts[s.key].get(start, 0)
            h = plot_height * value / maximum if maximum else 0
            x = i * slot + slot * 0.1 + j * bar_w
            bars.append(ChartBar(s.key, value, round(x, 1), round(top + plot_height - h, 1), round(bar_w - 1, 1),
                                 round(h, 1)))
        out.append(ChartMonth(start.strftime("%b %y"), round(i * slot + slot / 2, 1), bars))
    return TimelineChart(out, SERIES, width, top + plot_height + 22, top, top + plot_height, maximum,
                         {k: sum(v.values()) for k, v in counts.items()})


@dataclass
class Dossier:
    seller: Seller
    counts: dict
    cases: list
    decisions: list
    strikes: list
    suspensions: list
    test_buys: list
    referrals: list
    linked_sellers: list
    chart: TimelineChart


def linked_sellers(seller: Seller) -> QuerySet[Seller]:
    """Sellers tied to this one: referred with it, or whose listings were reported in the same
    reports (one rights holder's notice naming both)."""
    reports = Case.objects.filter(listing__seller=seller, report__isnull=False).values("report_id")
    referrals = Referral.objects.filter(Q(seller=seller) | Q(linked_sellers=seller)).values("pk")
    return (Seller.objects.filter(Q(listings__cases__report_id__in=reports) | Q(referrals__in=referrals)
                                  | Q(linked_referrals__in=referrals))
            .exclude(pk=seller.pk).distinct().annotate(shared=Count("listings__cases", distinct=True))
            .order_by("name")[:50])


def seller_dossier(seller: Seller) -> Dossier:
    cases = Case.objects.filter(listing__seller=seller)
    return Dossier(
        seller=seller,
        counts=cases.aggregate(total=Count("id"), actioned=Count("id", filter=Q(state=CaseState.ACTIONED)),
                               listings=Count("listing", distinct=True)),
        cases=list(cases.select_related("listing", "brand", "right").order_by("-id")[:LIST_CAP]),
        decisions=list(Decision.objects.filter(case__listing__seller=seller).select_related("case", "decided_by")
                       .order_by("-id")[:LIST_CAP]),
        strikes=list(Strike.objects.filter(seller=seller).order_by("-id")[:LIST_CAP]),
        suspensions=list(Suspension.objects.filter(seller=seller).order_by("-id")[:LIST_CAP]),
        test_buys=list(TestBuy.objects.filter(seller=seller).select_related("listing", "brand", "case")
                       .order_by("-id")[:LIST_CAP]),
        referrals=list(Referral.objects.filter(Q(seller=seller) | Q(linked_sellers=seller)).distinct()
                       .order_by("-id")[:LIST_CAP]),
        linked_sellers=list(linked_sellers(seller)),
        chart=timeline_chart(seller),
    )
