"""Reads for the review queue: filters, per-filter counts, the two sorts of paging.

Sized for a backlog of a million cases: the listed rows come from index scans (case_queue_idx,
case_state_age_idx, case_state_due_idx) with LIMIT/OFFSET; the per-filter counts come from ONE
grouped query over the backlog, which reads every undecided row: beat runs it every
REVIEW_QUEUE_COUNTS_SECONDS into the shared cache (queue_counts_refresh), and a request only reads
it, so no reviewer waits for a recount; the queue health page reads the same groups
(queue_backlog_groups), and a priority page past the last overdue case takes their count of overdue
cases instead of counting them. Access checks are the caller's (selectors.require_reviewer).
"""

import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import BooleanField, CharField, Count, QuerySet, Value, When
from django.db.models import Case as SqlCase
from django.utils import timezone

from common.dispatch import enqueue
from complaints.models import UNDECIDED_STATES, Case, CaseState
from complaints.sla import sla_hours
from registry.models import IPRight

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgeBucket:
    key: str
    label: str
    min_hours: int
    max_hours: int | None  # None: no upper bound


AGE_BUCKETS = (
    AgeBucket("lt4h", "Under 4 hours", 0, 4),
    AgeBucket("4_24h", "4–24 hours", 4, 24),
    AgeBucket("1_3d", "1–3 days", 24, 72),
    AgeBucket("3_7d", "3–7 days", 72, 168),
    AgeBucket("gt7d", "Over 7 days", 168, None),
)
# The state filter's value for every undecided state at once (the queue's other values are CaseState's).
ALL_UNDECIDED = "all"
QUEUE_STATES = [
    (CaseState.OPEN.value, "Open"), (CaseState.IN_REVIEW.value, "In review"),
    (CaseState.NEEDS_INFO.value, "Waiting for information"), (ALL_UNDECIDED, "All undecided"),
]
# The sort whitelist: key -> label. "priority" is the default.
QUEUE_SORTS = {
    "priority": "Overdue first, then lane, then oldest",
    "due": "Due soonest",
    "oldest": "Oldest first",
    "newest": "Newest first",
}
QUEUE_PAGE_SIZES = (25, 50, 100)
_ORDER = {
    "priority": ("priority", "due_at", "id"),
    "due": ("due_at", "id"),
    "oldest": ("created_at", "id"),
    "newest": ("-created_at", "-id"),
}
FACET_DIMENSIONS = ("lane", "state", "source", "kind", "brand", "age")


@dataclass(frozen=True)
class QueueFilters:
    kind: str | None = None
    brand: int | None = None
    source: str | None = None
    lane: int | None = None
    age: str | None = None
    state: str = "open"
    mine: bool = False
    sort: str = "priority"
    page: int = 1
    size: int = QUEUE_PAGE_SIZES[0]

    def states(self) -> tuple[str, ...]:
        return tuple(UNDECIDED_STATES) if self.state == ALL_UNDECIDED else (self.state,)


@dataclass(frozen=True)
class RightInfo:
    kind: str
    brand_id: int
    brand_name: str


@dataclass
class QueueFacets:
    """Per-filter counts: for each dimension, how many cases each value would show with the other
    filters as they are (so a count is what clicking it gives)."""

    counts: dict[str, Counter]
    total: int
    overdue: int
    mine: int
    computed_at: datetime
    # The filtered cases due by then, in any state (the first half of the priority sort, which
    # lists a waiting case past its due time there too; `overdue` leaves those out).
    past_due: int = 0
    # No counts of the backlog yet (queue_counts_refresh is queued): the page says so instead of
    # counting; `counts` and the totals are then empty.
    updating: bool = False


@dataclass
class QueuePage:
    rows: list[Case]
    number: int
    size: int
    has_next: bool
    total: int  # from the facet counts, so possibly REVIEW_QUEUE_COUNTS_SECONDS old (0 while updating)
    offset: int = field(default=0)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.size), self.number + (1 if self.has_next else 0))

    @property
    def first_index(self) -> int:
        return self.offset + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return self.offset + len(self.rows)


def age_bucket_bounds(key: str, now: datetime) -> tuple[datetime | None, datetime]:
    """(oldest created_at exclusive or None, newest created_at inclusive) of a bucket."""
    bucket = next(b for b in AGE_BUCKETS if b.key == key)
    newest = now - timedelta(hours=bucket.min_hours)
    oldest = now - timedelta(hours=bucket.max_hours) if bucket.max_hours is not None else None
    return oldest, newest


def rights_index() -> dict[int, RightInfo]:
    """Every right with its kind and brand: turns kind/brand filters into right ids, so the queue
    never joins the backlog to the registry to filter or count."""
    return {
        r["id"]: RightInfo(r["kind"], r["brand_id"], r["brand__name"])
        for r in IPRight.objects.values("id", "kind", "brand_id", "brand__name")
    }


def filtered_cases(*, user, filters: QueueFilters, rights: dict[int, RightInfo], now: datetime) -> QuerySet[Case]:
    qs = Case.objects.filter(state__in=filters.states())
    # brand and kind are columns of the case (copied from its right), so these filters are the
    # leading columns of case_brand_queue_idx / case_kind_queue_idx and the page is an ordered
    # index range scan; an IN list of right ids could not be read in the queue's order.
    if filters.brand is not None:
        qs = qs.filter(brand_id=filters.brand)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.lane is not None:
        qs = qs.filter(priority=filters.lane)
    if filters.age:
        oldest, newest = age_bucket_bounds(filters.age, now)
        qs = qs.filter(created_at__lte=newest)
        if oldest is not None:
            qs = qs.filter(created_at__gt=oldest)
            # The same bound on due_at, which the queue indexes order by: due_at is at least
            # created_at + the lane's SLA (later if the clock was paused), so the index scan starts
            # at the bucket's oldest case instead of filtering every older one.
            sla = sla_hours(filters.lane) if filters.lane is not None else min(settings.REVIEW_SLA_HOURS.values())
            qs = qs.filter(due_at__gt=oldest + timedelta(hours=sla))
    if filters.mine:
        qs = qs.filter(claimed_by=user)
    return qs


def queue_page(*, user, filters: QueueFilters, rights: dict[int, RightInfo], total: int,
               past_due: int | None = None, now: datetime | None = None) -> QueuePage:
    """One page of the queue: at most 2 row queries, each with LIMIT, whatever the page size or
    backlog. `past_due`: the filtered cases due by now, from the facet counts (QueueFacets.past_due),
    for a priority page that starts after the last overdue case; None while the counts are updating,
    and that page counts them (a third query). From the cache they may be a refresh old: the
    boundary between the two halves may then show a case twice or skip one, as the queue moving
    under a reader does anyway."""
    now = now or timezone.now()
    base = filtered_cases(user=user, filters=filters, rights=rights, now=now).select_related(
        "listing__seller", "right__brand", "claimed_by")
    offset = (filters.page - 1) * filters.size
    want = filters.size + 1  # one extra row says whether there is a next page
    if filters.sort != "priority":
        rows = list(base.order_by(*_ORDER[filters.sort])[offset:offset + want])
    else:
        # Overdue first: the overdue cases, then the rest, each by lane then due time (= age within
        # a lane). Both halves are index range scans of case_queue_idx; no sort of the backlog.
        order = _ORDER["priority"]
        overdue = base.filter(due_at__lte=now).order_by(*order)
        rows = list(overdue[offset:offset + want])
        if len(rows) < want:
            if rows or offset == 0:
                n_overdue = offset + len(rows)
            elif past_due is not None:  # this page starts after the last overdue case: counted by beat
                n_overdue = min(past_due, offset)
            else:  # no counts yet: count them here
                n_overdue = filtered_cases(user=user, filters=filters, rights=rights, now=now) \
                    .filter(due_at__lte=now).count()
            rest_offset = offset + len(rows) - n_overdue
            rows += list(base.filter(due_at__gt=now).order_by(*order)[rest_offset:rest_offset + want - len(rows)])
    return QueuePage(rows=rows[:filters.size], number=filters.page, size=filters.size,
                     has_next=len(rows) > filters.size, total=total, offset=offset)


# counts

_FACET_CACHE_KEY = "review:queue-facet-groups:v2"
# Beside the groups, what a page reads first: when the groups were counted and the refresh's token
# (a few bytes). A process that has tallied this refresh's groups for the page's filters needs no
# more: reading the groups back cost ~5 ms a page at a million cases (unpickling ~2,600 groups).
_FACET_STAMP_KEY = "review:queue-facet-stamp:v1"
# Set while a refresh is queued, so a burst of requests finding the counts missing queues one.
_REFRESH_QUEUED_KEY = "review:queue-facet-refresh-queued"
REFRESH_TASK = "review.tasks.refresh_queue_counts"


def _facet_groups(qs: QuerySet[Case], now: datetime) -> list[dict]:
    whens = []
    for bucket in AGE_BUCKETS[:-1]:
        whens.append(When(created_at__gt=now - timedelta(hours=bucket.max_hours), then=Value(bucket.key)))
    age = SqlCase(*whens, default=Value(AGE_BUCKETS[-1].key), output_field=CharField())
    overdue = SqlCase(When(due_at__lte=now, then=Value(True)), default=Value(False), output_field=BooleanField())
    return list(
        qs.annotate(age=age, overdue=overdue)
        .values("right_id", "source", "priority", "state", "age", "overdue")
        .annotate(n=Count("id")).order_by()
    )


def queue_counts_refresh(*, now: datetime | None = None) -> int:
    """Count the whole backlog by facet (the one query that reads every undecided case: about a
    second at a million cases) and keep the groups in the shared cache (Redis with a broker), for
    every reviewer and every web process. Run by beat every REVIEW_QUEUE_COUNTS_SECONDS on the
    housekeeping lane, and queued by a page that found no counts. Returns how many groups."""
    now = now or timezone.now()
    groups = _facet_groups(Case.objects.filter(state__in=UNDECIDED_STATES), now)
    # The refresh's own token: a page's tally of these groups for a filter is kept under it.
    token = uuid.uuid4().hex
    cache.set_many({_FACET_CACHE_KEY: (now, groups, token), _FACET_STAMP_KEY: (now, token)},
                   settings.REVIEW_QUEUE_COUNTS_KEEP_SECONDS)
    cache.delete(_REFRESH_QUEUED_KEY)
    return len(groups)


def queue_backlog_groups() -> tuple[datetime, list[dict], str] | None:
    """The backlog's grouped counts as the last refresh left them, or None while there are none
    (first start, evicted, older than REVIEW_QUEUE_COUNTS_KEEP_SECONDS): a request never counts the
    backlog itself; it queues one refresh and the page says the counts are updating. (With tasks
    run in-process, no worker and no beat: the refresh runs here, there being no one else.)"""
    cached = cache.get(_FACET_CACHE_KEY)
    if cached is not None:
        return cached
    if cache.add(_REFRESH_QUEUED_KEY, True, settings.REVIEW_QUEUE_COUNTS_KEEP_SECONDS):
        try:
            enqueue(REFRESH_TASK)
        except Exception:  # noqa: BLE001 a broker outage must not turn the queue into an error page
            cache.delete(_REFRESH_QUEUED_KEY)
            logger.warning("review queue: the counts' refresh could not be queued", exc_info=True)
    return cache.get(_FACET_CACHE_KEY)


def _group_values(group: dict, rights: dict[int, RightInfo]) -> dict:
    info = rights.get(group["right_id"])
    return {
        "kind": info.kind if info else None, "brand": info.brand_id if info else None,
        "source": group["source"], "lane": group["priority"], "age": group["age"], "state": group["state"],
    }


def _failed_dimensions(values: dict, filters: QueueFilters) -> list[str]:
    """The filters this group of cases does not pass."""
    failed = [dim for dim in ("kind", "brand", "source", "lane", "age")
              if getattr(filters, dim) is not None and values[dim] != getattr(filters, dim)]
    if values["state"] not in filters.states():
        failed.append("state")
    return failed


_TALLIES: dict[tuple, tuple[dict[str, Counter], int, int, int]] = {}


def _tally(groups: list[dict], filters: QueueFilters,
           rights: dict[int, RightInfo]) -> tuple[dict[str, Counter], int, int, int]:
    """Counts per filter value, the filtered total, its overdue cases and its cases due (any
    state), from grouped counts."""
    counts: dict[str, Counter] = {dim: Counter() for dim in FACET_DIMENSIONS}
    total = overdue = past_due = 0
    for g in groups:
        values = _group_values(g, rights)
        failed = _failed_dimensions(values, filters)
        if len(failed) > 1:
            continue
        # A group failing only dimension D still counts toward D's other values.
        for dim in (failed or FACET_DIMENSIONS):
            counts[dim][values[dim]] += g["n"]
            if dim == "state":
                counts[dim][ALL_UNDECIDED] += g["n"]
        if not failed:
            total += g["n"]
            overdue += g["n"] if g["overdue"] and g["state"] != CaseState.NEEDS_INFO else 0
            past_due += g["n"] if g["overdue"] else 0
    return counts, total, overdue, past_due


def queue_facets(*, user, filters: QueueFilters, rights: dict[int, RightInfo],
                 now: datetime | None = None) -> QueueFacets:
    """Counts per filter value, the filtered total and its overdue cases: from the backlog's
    grouped counts in the shared cache (queue_counts_refresh; `updating` while there are none),
    plus one grouped query over the user's own claims."""
    now = now or timezone.now()
    # The same groups tallied for the same filters give the same counts: once per refresh and
    # filter in this process (a few thousand groups at a million cases), not per page; and then
    # the groups themselves are not read again, only the refresh's stamp.
    # "Assigned to me" counts the user's own claims live: it needs the groups no more than a tally
    # already kept does (the groups are read only to queue a refresh when there are none).
    stamp = cache.get(_FACET_STAMP_KEY)
    filter_key = (filters.kind, filters.brand, filters.source, filters.lane, filters.age, filters.state)
    if stamp is not None and (filters.mine or (stamp[1], *filter_key) in _TALLIES):
        (computed_at, token), backlog, updating = stamp, [], False
    else:
        cached = queue_backlog_groups()
        updating = cached is None
        computed_at, backlog, token = cached if cached is not None else (None, [], None)
    mine_groups = _facet_groups(Case.objects.filter(claimed_by=user, state__in=UNDECIDED_STATES), now)
    if filters.mine:
        counts, total, overdue, past_due = _tally(mine_groups, filters, rights)
    else:
        key = (token, *filter_key)
        if key not in _TALLIES:
            if len(_TALLIES) >= 256 or any(k[0] != token for k in _TALLIES):
                _TALLIES.clear()
            _TALLIES[key] = _tally(backlog, filters, rights)
        counts, total, overdue, past_due = _TALLIES[key]
    # "Assigned to me" shows every undecided state unless one is chosen: count it that way.
    mine = 0
    for g in mine_groups:
        if not [d for d in _failed_dimensions(_group_values(g, rights), filters) if d != "state"]:
            mine += g["n"]
    if filters.mine:
        return QueueFacets(counts=counts, total=total, overdue=overdue, mine=mine, computed_at=now,
                           past_due=past_due)
    return QueueFacets(counts=counts, total=total, overdue=overdue, mine=mine, computed_at=computed_at or now,
                       updating=updating, past_due=past_due)
