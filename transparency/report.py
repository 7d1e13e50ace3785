"""The public transparency report (DSA Arts. 15 and 24): figures per month, quarter and year,
computed by a beat task into ReportSnapshot rows, read by the page. Every figure is one aggregate
query over the same rows the statements of reasons come from (cases, decisions, restrictions,
appeals, counter-notices, sanctions, suspensions): nothing is loaded row by row, so a period with
a million cases costs a handful of indexed scans."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F
from django.utils import timezone

from actions.models import Restriction
from appeals.models import Appeal, AppealStatus
from complaints.models import RESTRICTING_OUTCOMES, Case, CaseSource, Decision, Report, Sanction, SanctionStatus
from counter_notices.models import CounterNotice
from registry.models import RightKind
from suspensions.models import Suspension

from .models import PeriodKind, ReportSnapshot, StatementRecord

KINDS = [(k.value, k.label) for k in RightKind]
SOURCES = [(CaseSource.REPORT.value, "Notice from a rights holder"),
           (CaseSource.TRUSTED_FLAGGER.value, "Notice from a trusted flagger"),
           (CaseSource.OPEN_NOTICE.value, "Notice from the public (no account)"),
           (CaseSource.AUTOMATIC.value, "Automatic detection (own initiative)")]


def period_bounds(kind: str, day: date) -> tuple[date, date]:
    """The period of `kind` that contains `day`: [start, end)."""
    if kind == PeriodKind.MONTH:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
    elif kind == PeriodKind.QUARTER:
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        end = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    else:
        start, end = date(day.year, 1, 1), date(day.year + 1, 1, 1)
    return start, end


def period_label(kind: str, start: date) -> str:
    if kind == PeriodKind.MONTH:
        return start.strftime("%B %Y")
    if kind == PeriodKind.QUARTER:
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return str(start.year)


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min), timezone.get_fixed_timezone(0))


def _counts(qs, field: str, labels: list[tuple[str, str]]) -> list[list]:
    got = dict(qs.values_list(field).annotate(n=Count("id")).order_by())
    return [[label, got.get(value, 0)] for value, label in labels]


def _percentile(qs, duration, q: float) -> float | None:
    """The q-th percentile of `duration` over qs, in hours, by ordering in the database (nearest rank)."""
    n = qs.count()
    if not n:
        return None
    rank = max(0, min(n - 1, int(round(q * n + 0.5)) - 1))
    value = qs.annotate(d=duration).order_by("d").values_list("d", flat=True)[rank:rank + 1][0]
    return round(value.total_seconds() / 3600, 1)


def figures_compute(start: date, end: date) -> dict:
    """Every figure of the report for [start, end)."""
    lo, hi = _aware(start), _aware(end)
    cases = Case.objects.filter(created_at__gte=lo, created_at__lt=hi)
    reports = Report.objects.filter(created_at__gte=lo, created_at__lt=hi)
    restrictions = Restriction.objects.filter(started_at__gte=lo, started_at__lt=hi)
    # First decisions on notices (a report's cases; automatic ones have no notice to time).
    first = Decision.objects.filter(created_at__gte=lo, created_at__lt=hi, supersedes__isnull=True)
    notice_first = first.filter(case__report__isnull=False)
    duration = ExpressionWrapper(F("created_at") - F("case__created_at"), output_field=DurationField())
    restricting = first.filter(outcome__in=RESTRICTING_OUTCOMES)
    appeals = Appeal.objects.filter(created_at__gte=lo, created_at__lt=hi)
    appeals_decided = Appeal.objects.filter(updated_at__gte=lo, updated_at__lt=hi).exclude(status=AppealStatus.OPEN)
    granted = appeals_decided.filter(status=AppealStatus.GRANTED).count()
    decided = appeals_decided.count()
    counter = CounterNotice.objects.filter(created_at__gte=lo, created_at__lt=hi)
    sanctions = Sanction.objects.filter(decided_at__gte=lo, decided_at__lt=hi, status=SanctionStatus.CONFIRMED)
    suspended = Suspension.objects.filter(decided_at__gte=lo, decided_at__lt=hi, suspend_job__isnull=False)
    restricting_n = restricting.count()
    automated_n = restricting.filter(automated=True).count()
    return {
        "notices_by_kind": _counts(reports, "kind", KINDS),
        "items_by_source": _counts(cases, "source", SOURCES),
        "items_by_kind": _counts(cases, "kind", KINDS),
        "actions": [
            [f"{k.title()} · {label}", n] for (k, label), n in (
                (key, restrictions.filter(kind=key[0], source=key[1]).count()) for key in [
                    ("removed", "decision"), ("suppressed", "decision"), ("suppressed", "automatic"),
                    ("suppressed", "suspension")])
        ],
        "time_to_decision_hours": [
            ["Notices decided", notice_first.count()],
            ["Median hours from notice to decision", _percentile(notice_first, duration, 0.5)],
            ["90th percentile hours", _percentile(notice_first, duration, 0.9)],
        ],
        "automation": [
            ["Restricting decisions", restricting_n],
            ["Taken by automated means", automated_n],
            ["Share automated (%)", round(100 * automated_n / restricting_n, 1) if restricting_n else None],
        ],
        "appeals": [
            ["Appeals filed by sellers", appeals.filter(party="seller").count()],
            ["Appeals filed by rights holders", appeals.filter(party="reporter").count()],
            ["Appeals decided", decided],
            ["Granted (decision reversed)", granted],
            ["Denied (decision upheld)", decided - granted],
            ["Reversal rate (%)", round(100 * granted / decided, 1) if decided else None],
        ],
        "counter_notices": [
            ["Counter-notices filed", counter.count()],
            *[[label, n] for label, n in _counts(
                CounterNotice.objects.filter(updated_at__gte=lo, updated_at__lt=hi).exclude(status="waiting"),
                "status", [("reinstated", "Listing reinstated (no court action)"),
                           ("court_action", "Court action shown: listing stays down")])],
        ],
        "misuse": _counts(sanctions, "level", [("warning", "Notifiers warned"),
                                               ("suspension", "Notifiers' notice processing suspended")]),
        "suspensions": [
            ["Sellers suspended", suspended.count()],
            ["Suspensions lifted", Suspension.objects.filter(lift_job__created_at__gte=lo,
                                                             lift_job__created_at__lt=hi).count()],
        ],
        "statements": [
            ["Statements of reasons", StatementRecord.objects.filter(applied_at__gte=lo, applied_at__lt=hi).count()],
            ["Accepted by the DSA Transparency Database",
             StatementRecord.objects.filter(applied_at__gte=lo, applied_at__lt=hi, status="submitted").count()],
        ],
    }


SECTIONS = [
    ("notices_by_kind", "Notices received, by IP type"),
    ("items_by_source", "Listings reported or detected, by source"),
    ("items_by_kind", "Listings reported or detected, by IP type"),
    ("actions", "Restrictions imposed, by type and source"),
    ("time_to_decision_hours", "Time from notice to decision"),
    ("automation", "Use of automated means"),
    ("appeals", "Appeals and their outcomes"),
    ("counter_notices", "Counter-notices and their outcomes"),
    ("misuse", "Measures against notice misuse (DSA Art. 23)"),
    ("suspensions", "Seller suspensions"),
    ("statements", "Statements of reasons (DSA Art. 24(5))"),
]
# Sections drawn as bar charts (counts of one kind of thing).
CHARTED = ["notices_by_kind", "items_by_source", "actions"]


def _first_day() -> date | None:
    first = Case.objects.order_by("created_at").values_list("created_at", flat=True).first()
    return first.date() if first else None


def snapshots_compute(*, today: date | None = None, recompute_days: int = 400) -> int:
    """Compute (or refresh) every period's snapshot from the first case until today. Periods that
    ended more than `recompute_days` ago and already have a snapshot are left as they are: their
    rows no longer change (appeals close within months)."""
    today = today or timezone.now().date()
    first = _first_day()
    if first is None:
        return 0
    now, done = timezone.now(), 0
    for kind in PeriodKind.values:
        start, _ = period_bounds(kind, first)
        while start <= today:
            _, end = period_bounds(kind, start)
            stale = (today - end).days < recompute_days
            if stale or not ReportSnapshot.objects.filter(period=kind, start=start).exists():
                ReportSnapshot.objects.update_or_create(
                    period=kind, start=start,
                    defaults={"end": end, "figures": figures_compute(start, end), "computed_at": now})
                done += 1
            start = end
    return done
