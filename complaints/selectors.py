"""Reads for reports and cases, each one also the access check for who may see them."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from evidence.models import EvidenceFile
from evidence.selectors import evidence_unattached
from registry.selectors import brands_for_user

from .models import UNDECIDED_STATES, Case, CaseState, Decision, Outcome, Priority, Report, ReportDraft
from .queue import AGE_BUCKETS
from .sla import sla_hours


def reports_for_user(*, user) -> QuerySet[Report]:
    """Reports of the brands the user acts for (admins and agents see the brand's reports)."""
    return (
        Report.objects.filter(brand__in=brands_for_user(user=user))
        .select_related("brand", "right", "reporter")
        .annotate(case_count=Count("cases"))
    )


def reports_filter(*, reports: QuerySet[Report], state: str = "", kind: str = "", brand=None,
                   filed_from=None, filed_to=None) -> QuerySet[Report]:
    """My reports' filters. State: open (some case undecided), decided (none undecided), withdrawn."""
    undecided = Case.objects.filter(report=OuterRef("pk"), state__in=UNDECIDED_STATES)
    if state == "open":
        reports = reports.filter(Exists(undecided), withdrawn_at__isnull=True)
    elif state == "decided":
        reports = reports.filter(~Exists(undecided), withdrawn_at__isnull=True)
    elif state == "withdrawn":
        reports = reports.filter(withdrawn_at__isnull=False)
    if kind:
        reports = reports.filter(kind=kind)
    if brand is not None:
        reports = reports.filter(brand=brand)
    if filed_from:
        reports = reports.filter(created_at__date__gte=filed_from)
    if filed_to:
        reports = reports.filter(created_at__date__lte=filed_to)
    return reports


def report_get_for_user(*, user, pk: int) -> Report:
    """The report, if the user acts for its brand; 404 otherwise (no hint that it exists)."""
    try:
        return reports_for_user(user=user).get(pk=pk)
    except Report.DoesNotExist:
        raise Http404("No such report") from None


def report_cases(*, report: Report) -> QuerySet[Case]:
    return report.cases.select_related("listing", "right").prefetch_related(
        Prefetch("decisions", queryset=Decision.objects.order_by("id"))
    ).order_by("id")


def require_reviewer(user) -> None:
    if not (user.is_authenticated and user.is_reviewer):
        raise PermissionDenied("Only trust-and-safety reviewers can see the review queue.")


def cases_claimed_by(*, user) -> QuerySet[Case]:
    require_reviewer(user)
    return (
        Case.objects.filter(state=CaseState.IN_REVIEW, claimed_by=user, claim_expires_at__gt=timezone.now())
        .select_related("listing", "right", "report__brand")
        .order_by("claim_expires_at")
    )


def case_get_for_reviewer(*, user, pk: int) -> Case:
    require_reviewer(user)
    try:
        return Case.objects.select_related(
            "listing__seller", "right__brand", "report__reporter", "report__brand", "claimed_by"
        ).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("No such case") from None


def report_drafts_for_user(*, user) -> QuerySet[ReportDraft]:
    """Drafts of the brands the user acts for: any member may continue a colleague's draft."""
    return (
        ReportDraft.objects.filter(brand__in=brands_for_user(user=user))
        .select_related("brand", "right", "created_by")
        .annotate(evidence_count=Count("evidence"))
    )


def report_draft_get_for_user(*, user, pk: int) -> ReportDraft:
    try:
        return report_drafts_for_user(user=user).get(pk=pk)
    except ReportDraft.DoesNotExist:
        raise Http404("No such draft") from None


def report_evidence(*, report: Report) -> list[EvidenceFile]:
    return [link.file for link in report.evidence_links.select_related("file").order_by("id")]


def evidence_carriable(*, user, draft: ReportDraft | None) -> QuerySet[EvidenceFile]:
    """Files a report form may carry by id: the user's own uploads no record took yet, and the
    draft's files. Anything else (another brand's, one already filed) is not a valid choice."""
    q = Q(pk__in=evidence_unattached().filter(uploaded_by=user).values("pk"))
    if draft is not None:
        q |= Q(report_drafts=draft)
    return EvidenceFile.objects.filter(q).distinct()


def evidence_get_for_user(*, user, pk: int) -> EvidenceFile:
    """An evidence file, to the people who may see it; 404 to everyone else.

    Filed with a report: the brand's members and reviewers. In a draft: the brand's members.
    Sellers never see rights holders' evidence (for now).
    """
    if user.is_reviewer:
        allowed = Q(report_link__isnull=False)
    elif user.is_rights_holder:
        brands = brands_for_user(user=user)
        allowed = Q(report_link__report__brand__in=brands) | Q(report_drafts__brand__in=brands)
    else:
        raise Http404("No such file")
    file = EvidenceFile.objects.filter(allowed, pk=pk).distinct().first()
    if file is None:
        raise Http404("No such file")
    return file


@dataclass
class QueueHealth:
    now: datetime
    backlog_by_age: list[tuple[str, int]]          # (age bucket label, undecided cases)
    lanes: list[dict]                              # per lane: label, SLA hours, backlog, overdue
    decided_per_day: list[tuple[date, int]]        # oldest first, every day present
    median_to_decision: timedelta | None           # over decisions of the same days
    decided_total: int
    overdue: int
    backlog: int


class _Median(Aggregate):
    """PostgreSQL's exact median (percentile_cont), for intervals too."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _first_decisions(since: datetime) -> QuerySet[Decision]:
    # First-instance decisions only: appeal rulings supersede one and are not queue throughput.
    return Decision.objects.filter(created_at__gte=since, supersedes__isnull=True).exclude(
        outcome__in=[Outcome.REINSTATE, Outcome.UPHOLD])


def queue_health(*, user, days: int = 14, now: datetime | None = None) -> QueueHealth:
    """What a reviewer needs to see whether the queue is keeping up. Reviewers only."""
    require_reviewer(user)
    now = now or timezone.now()
    whens = [When(created_at__gt=now - timedelta(hours=b.max_hours), then=Value(b.key)) for b in AGE_BUCKETS[:-1]]
    age = SqlCase(*whens, default=Value(AGE_BUCKETS[-1].key), output_field=CharField())
    # The SLA clock stops while the case waits for the reporter's answer.
    overdue = SqlCase(When(due_at__lte=now, state__in=[CaseState.OPEN, CaseState.IN_REVIEW], then=Value(1)),
                      default=Value(0), output_field=IntegerField())
    rows = list(Case.objects.filter(state__in=UNDECIDED_STATES).annotate(age=age, late=overdue)
                .values("age", "priority", "late").annotate(n=Count("id")).order_by())
    by_age = {b.key: 0 for b in AGE_BUCKETS}
    lanes = {p: {"label": label, "sla_hours": sla_hours(p), "backlog": 0, "overdue": 0}
             for p, label in Priority.choices}
    for r in rows:
        by_age[r["age"]] += r["n"]
        lanes[r["priority"]]["backlog"] += r["n"]
        lanes[r["priority"]]["overdue"] += r["n"] * r["late"]

    first_day = timezone.localdate(now) - timedelta(days=days - 1)
    since = datetime.combine(first_day, time.min, tzinfo=timezone.get_current_timezone())
    decisions = _first_decisions(since)
    per_day = {first_day + timedelta(days=i): 0 for i in range(days)}
    for r in decisions.annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("id")).order_by():
        per_day[r["day"]] = r["n"]
    waited = ExpressionWrapper(F("created_at") - F("case__created_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        median = decisions.aggregate(m=_Median(waited, output_field=DurationField()))["m"]
    else:  # SQLite has no percentile function; the test database is small
        values = sorted(decisions.annotate(w=waited).values_list("w", flat=True))
        median = statistics.median(values) if values else None
    return QueueHealth(
        now=now,
        backlog_by_age=[(b.label, by_age[b.key]) for b in AGE_BUCKETS],
        lanes=list(lanes.values()),
        decided_per_day=sorted(per_day.items()),
        median_to_decision=median,
        decided_total=sum(per_day.values()),
        overdue=sum(lane["overdue"] for lane in lanes.values()),
        backlog=sum(by_age.values()),
    )
