"""Reads for reviewers, each with its access check: the cases a reviewer holds, one case, the queue's health."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from accounts.permissions import require_reviewer
from complaints.models import Case, CaseState, Decision, Outcome, Priority
from complaints.sla import sla_hours
from review.queue import AGE_BUCKETS, queue_backlog_groups

_QUEUE = "Only trust-and-safety reviewers can see the review queue."


def cases_claimed_by(*, user) -> QuerySet[Case]:
    require_reviewer(user, _QUEUE)
    return (
        Case.objects.filter(state=CaseState.IN_REVIEW, claimed_by=user, claim_expires_at__gt=timezone.now())
        .select_related("listing", "right", "report__brand")
        .order_by("claim_expires_at")
    )


def case_get_for_reviewer(*, user, pk: int) -> Case:
    require_reviewer(user, _QUEUE)
    try:
        return Case.objects.select_related(
            "listing__seller", "right__brand", "report__reporter", "report__brand", "claimed_by"
        ).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("No such case") from None


@dataclass
class QueueHealth:
    now: datetime
    backlog_by_age: list[tuple[str, int]]          # (age bucket label, undecided cases)
    lanes: list[dict]                              # per lane: label, SLA hours, backlog, overdue
    decided_per_day: list[tuple[date, int]]        # oldest first, every day present: decisions people made
    median_to_decision: timedelta | None           # over people's decisions of the same days
    decided_total: int
    # Shown apart, never in the figures above: the portal's own decisions (automatic suppressions,
    # cases a rule released), taken in no time by no one.
    automated_per_day: list[tuple[date, int]]
    automated_total: int
    overdue: int
    backlog: int
    counted_at: datetime | None = None  # when beat counted the backlog figures; None: being counted


class _Median(Aggregate):
    """PostgreSQL's exact median (percentile_cont), for intervals too."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _first_decisions(since: datetime, *, automated: bool = False) -> QuerySet[Decision]:
    # First-instance decisions only: appeal rulings are not queue throughput. A reviewer's decision
    # on an automatic case supersedes the portal's suppression and is still the case's first by a
    # person. People's decisions (automated=False) or the portal's own (automated=True).
    decisions = Decision.objects.filter(created_at__gte=since, automated=automated).exclude(
        outcome__in=[Outcome.REINSTATE, Outcome.UPHOLD])
    if automated:
        return decisions
    return decisions.filter(Q(supersedes__isnull=True) | Q(supersedes__automated=True))


def queue_health(*, user, days: int = 14, now: datetime | None = None) -> QueueHealth:
    """What a reviewer needs to see whether the queue is keeping up. Reviewers only."""
    require_reviewer(user, _QUEUE)
    now = now or timezone.now()
    # The backlog's figures from the queue's grouped counts, which beat keeps in the shared cache
    # (review.queue.queue_counts_refresh): the page never reads every undecided case itself.
    cached = queue_backlog_groups()
    counted_at, groups, _ = cached if cached is not None else (None, [], None)
    by_age = {b.key: 0 for b in AGE_BUCKETS}
    lanes = {p: {"label": label, "sla_hours": sla_hours(p), "backlog": 0, "overdue": 0}
             for p, label in Priority.choices}
    for g in groups:
        by_age[g["age"]] += g["n"]
        lanes[g["priority"]]["backlog"] += g["n"]
        # The SLA clock stops while the case waits for the reporter's answer.
        if g["overdue"] and g["state"] != CaseState.NEEDS_INFO:
            lanes[g["priority"]]["overdue"] += g["n"]

    first_day = timezone.localdate(now) - timedelta(days=days - 1)
    since = datetime.combine(first_day, time.min, tzinfo=timezone.get_current_timezone())
    decisions = _first_decisions(since)
    per_day = {first_day + timedelta(days=i): 0 for i in range(days)}
    for r in decisions.annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("id")).order_by():
        per_day[r["day"]] = r["n"]
    automated = dict.fromkeys(per_day, 0)
    for r in (_first_decisions(since, automated=True).annotate(day=TruncDate("created_at")).values("day")
              .annotate(n=Count("id")).order_by()):
        automated[r["day"]] = r["n"]
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
        automated_per_day=sorted(automated.items()),
        automated_total=sum(automated.values()),
        overdue=sum(lane["overdue"] for lane in lanes.values()),
        backlog=sum(by_age.values()),
        counted_at=counted_at,
    )
