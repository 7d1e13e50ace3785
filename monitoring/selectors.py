"""Reads for monitoring pages; access goes through the registry's brand checks."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from complaints.models import Case, CaseSource, Decision, Outcome
from registry.models import Brand

from .models import RecheckJob

IMPACT_WEEKS = 12


@dataclass(frozen=True)
class WeekRow:
    week: date  # the Monday
    protected: int  # listings suppressed automatically that week
    cases_automatic: int
    cases_reported: int

    @property
    def cases(self) -> int:
        return self.cases_automatic + self.cases_reported


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def brand_impact_weeks(*, brand: Brand, weeks: int = IMPACT_WEEKS) -> list[WeekRow]:
    """Per week (oldest first, the current week last): listings protected automatically and cases
    opened for the brand's rights. Counted per day in SQL (portable), folded into weeks here."""
    this_monday = _monday(timezone.localdate())
    since = this_monday - timedelta(weeks=weeks - 1)
    start = timezone.make_aware(datetime.combine(since, time.min))
    cases = (Case.objects.filter(right__brand=brand, created_at__gte=start)
             .annotate(day=TruncDate("created_at")).values("day", "source").annotate(n=Count("id")))
    protected = (Decision.objects.filter(case__right__brand=brand, automated=True, outcome=Outcome.SUPPRESS,
                                         created_at__gte=start)
                 .annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("case__listing", distinct=True)))
    buckets = {since + timedelta(weeks=i): [0, 0, 0] for i in range(weeks)}
    for row in protected:
        buckets[_monday(row["day"])][0] += row["n"]
    for row in cases:
        buckets[_monday(row["day"])][1 if row["source"] == CaseSource.AUTOMATIC else 2] += row["n"]
    return [WeekRow(w, *v) for w, v in sorted(buckets.items())]


def brand_automatic_cases(*, brand: Brand, limit: int = 50) -> QuerySet[Case]:
    return (Case.objects.filter(right__brand=brand, source=CaseSource.AUTOMATIC)
            .select_related("listing", "listing__seller", "right").order_by("-created_at", "-id")[:limit])


def brand_recheck(*, brand: Brand) -> RecheckJob | None:
    return RecheckJob.objects.filter(brand=brand).order_by("-id").first()
