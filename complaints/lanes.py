"""Review lanes: which lane (complaints.models.Priority) a case is reviewed in, and the good-faith
lane a brand earns by its own record.

The good-faith lane: a brand whose own record shows accurate notices has its cases reviewed first.

Over the last 90 days (by decision date): of the brand's cases decided on the report (actioned or
rejected, first decisions only), at least 90% actioned, and at most 5% of the actioned ones
reversed on appeal. Below a minimum sample of 20 decided cases the lane is not granted: a brand
with three lucky reports has not shown anything yet. Computed daily (beat) and on demand.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from audit.services import audit_append
from registry.models import Brand, IPRight

from .models import Case, CaseState, Decision, Outcome, Priority

WINDOW_DAYS = 90
MIN_DECIDED = 20
MIN_ACTIONED_RATE = 0.90
MAX_REVERSED_RATE = 0.05


def case_priority(*, brand: Brand, right: IPRight) -> int:
    """The review lane of a case on `right` reported for `brand` (complaints.models.Priority).

    An unregistered right always goes last, even for a trusted flagger or a good-faith brand: their
    lane rests on accurate notices about rights someone could check, while here the reviewer must
    also weigh whether the right exists at all, from the reporter's description alone.
    """
    if not right.registered:
        return Priority.UNREGISTERED
    if brand.good_faith_lane:  # the brand's record earned it (brand_lane_compute)
        return Priority.TRUSTED
    if brand.trusted_flagger and right.is_verified:
        return Priority.TRUSTED
    return Priority.VERIFIED if right.is_verified else Priority.OTHER


def brand_accuracy(*, brand: Brand, now=None) -> dict:
    """The brand's figures over the window: decided, actioned, reversed and the two rates."""
    since = (now or timezone.now()) - timedelta(days=WINDOW_DAYS)
    first = Decision.objects.filter(case__report__brand=brand, created_at__gte=since, supersedes__isnull=True,
                                    outcome__in=[Outcome.REMOVE, Outcome.REJECT])
    row = first.aggregate(
        decided=Count("id"), actioned=Count("id", filter=Q(outcome=Outcome.REMOVE)),
        reversed=Count("id", filter=Q(outcome=Outcome.REMOVE, superseded_by__outcome=Outcome.REINSTATE,
                                      superseded_by__reason_code__startswith="appeal_")),
    )
    decided, actioned, reversed_ = row["decided"], row["actioned"], row["reversed"]
    return {
        "decided": decided, "actioned": actioned, "reversed": reversed_,
        "actioned_rate": round(actioned / decided, 4) if decided else None,
        "reversed_rate": round(reversed_ / actioned, 4) if actioned else None,
        "window_days": WINDOW_DAYS, "min_decided": MIN_DECIDED,
    }


def qualifies(figures: dict) -> bool:
    return (figures["decided"] >= MIN_DECIDED and figures["actioned_rate"] >= MIN_ACTIONED_RATE
            and (figures["reversed_rate"] or 0) <= MAX_REVERSED_RATE)


def brand_lane_compute(*, brand: Brand, now=None) -> Brand:
    """Recompute the brand's figures and lane; audit when it enters or leaves the lane."""
    figures = brand_accuracy(brand=brand, now=now)
    in_lane = qualifies(figures)
    with transaction.atomic():
        locked = Brand.objects.select_for_update().get(pk=brand.pk)
        changed = locked.good_faith_lane != in_lane
        locked.good_faith_lane, locked.good_faith_figures = in_lane, figures
        locked.good_faith_computed_at = now or timezone.now()
        locked.save(update_fields=["good_faith_lane", "good_faith_figures", "good_faith_computed_at"])
        if changed:
            requeued = _reprioritize(brand=locked)
            audit_append(actor=None, action="brand.good_faith_entered" if in_lane else "brand.good_faith_left",
                         target=locked, data={**figures, "cases_reprioritized": requeued})
    return locked


def _reprioritize(*, brand: Brand) -> int:
    """Cases still waiting in the queue follow the brand into (or out of) the lane."""
    n = 0
    for right in brand.rights.all():
        n += Case.objects.filter(report__brand=brand, right=right, state=CaseState.OPEN).update(
            priority=case_priority(brand=brand, right=right))
    return n


def brand_lanes_compute_all() -> int:
    """Every brand with reports, and every brand now in the lane. Returns how many were computed."""
    ids = set(Brand.objects.filter(Q(reports__isnull=False) | Q(good_faith_lane=True)).values_list("id", flat=True))
    for brand in Brand.objects.filter(id__in=ids):
        brand_lane_compute(brand=brand)
    return len(ids)
