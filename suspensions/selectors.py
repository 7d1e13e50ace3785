"""Reads for the suspension pages, each with its access check."""

from django.db.models import Case, Count, Q, QuerySet, When
from django.http import Http404

from accounts.permissions import is_reviewer, require_reviewer, require_senior
from evidence.models import EvidenceFile

from .models import LinkedAccountFlag, LinkedFlagStatus, Strike, StrikeDecision, Suspension, SuspensionStatus


def strikes_with_coverage(strikes: QuerySet[Strike], *, order: tuple[str, ...] = ("expires_at", "id")) -> list[Strike]:
    """The strikes of `strikes`, in `order`, each with `covered`: its StrikeDecision links (decision,
    case, report, listing, who decided), reversed ones included and marked, and `deciders`. One query whatever the
    number of strikes (the case page pins its count). Access is the caller's: it passes strikes
    the user may see."""
    links = (StrikeDecision.objects.filter(strike__in=strikes)
             .select_related("strike", "decision__case__listing", "decision__case__report", "decision__decided_by")
             .order_by(*(f"strike__{f}" for f in order), "decision_id"))
    grouped: dict[int, Strike] = {}
    for link in links:
        strike = grouped.get(link.strike_id)
        if strike is None:
            strike = grouped[link.strike_id] = link.strike
            strike.covered = []
        strike.covered.append(link)
    for strike in grouped.values():
        strike.deciders = list(dict.fromkeys(link.decision.decided_by.username if link.decision.decided_by_id
                                             else "system" for link in strike.covered))
    return list(grouped.values())


def suspensions_for_senior(*, user) -> QuerySet[Suspension]:
    require_senior(user, "Only senior reviewers decide seller suspensions.")
    return (
        Suspension.objects.select_related("seller", "proposed_by", "decided_by", "suspend_job", "lift_job")
        .annotate(strike_count=Count("strikes"))
        .annotate(open_first=Case(When(status=SuspensionStatus.PROPOSED, then=0), default=1))
        .order_by("open_first", "-id")
    )


def suspension_get_for_reviewer(*, user, pk: int) -> Suspension:
    """Any reviewer reads a suspension (a proposer follows their proposal); only a senior decides it."""
    require_reviewer(user, "Only reviewers see enforcement operations.")
    try:
        return Suspension.objects.select_related("seller", "proposed_by", "proposed_from", "decided_by",
                                                         "suspend_job", "lift_job", "lifted_by").get(pk=pk)
    except Suspension.DoesNotExist:
        raise Http404("No such suspension") from None


def suspension_appeal_files(suspension: Suspension) -> list[EvidenceFile]:
    """The files the seller filed with its appeal of `suspension`, in filing order. Access is the
    caller's: it passes a suspension the user may see."""
    return [link.file for link in suspension.appeal_evidence_links.select_related("file").order_by("id")]


def suspension_appeal_evidence_get(*, user, pk: int) -> EvidenceFile:
    """A file filed with a suspension appeal: to reviewers (the senior who rules) and to members of
    the suspended seller; 404 to anyone else, another seller included."""
    allowed = Q(suspension_appeal_link__isnull=False)
    if not is_reviewer(user):
        allowed &= Q(suspension_appeal_link__suspension__seller__members__user=user)
    file = EvidenceFile.objects.filter(allowed, pk=pk).distinct().first()
    if file is None:
        raise Http404("No such file")
    return file


def _require_reviewer_or_404(user) -> None:
    # Sellers and rights holders are not told these pages exist (a 404, as for another's object).
    if not is_reviewer(user):
        raise Http404("No such page")


def linked_flags_open(*, user) -> QuerySet[LinkedAccountFlag]:
    """Reviewers: the linked accounts waiting for review, the longest-waiting first, with the
    suspension that raised each."""
    _require_reviewer_or_404(user)
    return (LinkedAccountFlag.objects.filter(status=LinkedFlagStatus.OPEN)
            .select_related("seller", "suspended_seller", "suspension__decided_by")
            .order_by("created_at", "id"))


def linked_flag_get_open(*, user, pk: int) -> LinkedAccountFlag:
    """An open flag, for a reviewer deciding it; anything else is a 404."""
    try:
        return linked_flags_open(user=user).get(pk=pk)
    except LinkedAccountFlag.DoesNotExist:
        raise Http404("No such open flag") from None


def open_suspensions_of(*, seller_ids) -> dict[int, Suspension]:
    """The open (proposed or approved) suspension of each of these sellers that has one. One query."""
    return {s.seller_id: s for s in Suspension.objects.filter(
        seller_id__in=list(seller_ids), status__in=[SuspensionStatus.PROPOSED, SuspensionStatus.APPROVED])}


def linked_flags_open_count() -> int:
    """For the staff pages' counts (one COUNT over the queue's index)."""
    return LinkedAccountFlag.objects.filter(status=LinkedFlagStatus.OPEN).count()


def linked_flags_on(*, seller) -> list[LinkedAccountFlag]:
    """The seller's flags as a linked account (open first, then the latest decided), for the staff
    view of the seller. Access is the caller's (a reviewer's page)."""
    flags = list(LinkedAccountFlag.objects.filter(seller=seller)
                 .select_related("suspended_seller", "suspension", "decided_by", "escalated_to")
                 .order_by("-created_at", "-id")[:20])
    return sorted(flags, key=lambda f: not f.is_open)
