"""Watched terms and suppress mode are claims over other people's listings, checked before they act.

- A watched term must relate to one of the brand's verified marks: a misspelling or variant within
  a small edit distance (`term_relates_to_marks`), or the mark itself with other words around it;
  otherwise it waits for a reviewer's approval (RuleApproval) and is not watched until then.
- A generic product word (generic_terms.txt) and another brand's verified mark are refused outright.
- A rule in suppress mode that would restrict more than PROTECTION_SUPPRESS_REVIEW_LISTINGS listings,
  or any listing of a seller another brand authorized, stays in flag mode until a reviewer approves.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.permissions import require_reviewer
from audit.services import audit_append
from audit.transitions import transition
from listings.models import Listing

from .models import (
    ApprovalKind,
    ApprovalStatus,
    Brand,
    IPRight,
    ProtectionRule,
    RightKind,
    RightStatus,
    RuleApproval,
    RuleKind,
    RuleMode,
    WatchedTerm,
)
from .normalize import normalize_term
from .signals import protection_changed_on_commit, suppress_approved_on_commit
from .states import APPROVAL_TRANSITIONS

GENERIC_TERMS_FILE = Path(__file__).with_name("generic_terms.txt")


@cache
def generic_terms() -> frozenset[str]:
    lines = GENERIC_TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(normalize_term(line) for line in lines if line.strip() and not line.startswith("#"))


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Damerau-Levenshtein (adjacent swaps count one), stopping early past `limit` (returns limit+1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]


def allowed_edits(mark: str) -> int:
    """A variant of a short mark may differ by one character; of a longer one by up to
    WATCHED_TERM_MAX_EDITS (ACME: ACMEE, AKME; BOREALIS: BORAELIS, BOREALYS)."""
    compact = mark.replace(" ", "")
    return 1 if len(compact) <= 5 else settings.WATCHED_TERM_MAX_EDITS


def term_relates_to_marks(norm: str, marks: list[str]) -> bool:
    words = norm.split()
    for mark in marks:
        if edit_distance(norm, mark, limit=allowed_edits(mark)) <= allowed_edits(mark):
            return True
        # The mark with other words: "acme pro", "acme soundwave".
        if f" {mark} " in f" {norm} " and any(w not in mark.split() for w in words):
            return True
        if norm.replace(" ", "") == mark.replace(" ", ""):
            return True
    return False


@dataclass(frozen=True)
class TermVerdict:
    refused: str = ""  # why the term is refused outright
    needs_review: str = ""  # why it waits for a reviewer


def term_verdict(*, brand: Brand, term: str, norm: str) -> TermVerdict:
    if norm in generic_terms() or all(w in generic_terms() for w in norm.split()):
        return TermVerdict(refused=f"“{term}” is a common product word, not a mark: watching it would flag every "
                                   "seller's listings.")
    others = (IPRight.objects.filter(kind=RightKind.TRADEMARK, status=RightStatus.VERIFIED)
              .exclude(brand=brand).values_list("name", "brand__name"))
    for name, owner in others:
        mark = normalize_term(name)
        if norm == mark or f" {mark} " in f" {norm} ":
            return TermVerdict(refused=f"“{term}” is the verified mark of another brand ({owner}); a brand watches "
                                       "only its own marks.")
    marks = [normalize_term(n) for n in brand.rights.filter(kind=RightKind.TRADEMARK, status=RightStatus.VERIFIED)
             .values_list("name", flat=True)]
    if term_relates_to_marks(norm, marks):
        return TermVerdict()
    if brand.rule_approvals.filter(kind=ApprovalKind.TERM, normalized=norm, status=ApprovalStatus.APPROVED).exists():
        return TermVerdict()
    return TermVerdict(needs_review=(
        f"“{term}” is not a variant of your verified marks ({', '.join(marks) or 'none yet'}): a reviewer checks "
        "that it names your goods before it is watched."))


def suppress_impact(*, brand: Brand, rule_kind: str, countries: list[str], sellers: list,
                    terms: list[str]) -> tuple[int, int]:
    """Estimate, in SQL, the listings a suppress-mode rule would restrict: those naming one of the
    brand's marks or watched terms (case-insensitive containment; the matcher also folds accents)
    that break the rule. Returns (listings, of which sellers another brand authorized)."""
    marks = list(brand.rights.filter(kind=RightKind.TRADEMARK, status=RightStatus.VERIFIED)
                 .values_list("name", flat=True))
    names = [t for t in {*marks, *terms} if t.strip()]
    if not names:
        return 0, 0
    mentions = Q()
    for name in names:
        mentions |= Q(title__icontains=name) | Q(brand_name__iexact=name)
    hits = Listing.objects.filter(mentions)
    if rule_kind == RuleKind.SHIPS_FROM:
        if not countries:
            return 0, 0
        hits = hits.exclude(ships_from__in=countries)
    else:
        if not sellers:
            return 0, 0
        hits = hits.exclude(seller__in=sellers)
    others_authorized = ProtectionRule.objects.filter(kind=RuleKind.SELLER).exclude(brand=brand).values("sellers")
    return hits.count(), hits.filter(seller__in=others_authorized).count()


def suppress_needs_review(*, brand: Brand, rule_kind: str, countries, sellers, terms) -> tuple[str, int, int]:
    count, others = suppress_impact(brand=brand, rule_kind=rule_kind, countries=countries, sellers=sellers,
                                    terms=terms)
    limit = settings.PROTECTION_SUPPRESS_REVIEW_LISTINGS
    if others:
        return (f"it would suppress {others} listing(s) of sellers another brand authorized", count, others)
    if count > limit:
        return (f"it would suppress about {count} listings, more than {limit} without review", count, others)
    return "", count, others


def approval_request(*, brand: Brand, by, kind: str, why: str, **fields) -> RuleApproval:
    """Record a change waiting for a reviewer (inside the rule save's transaction)."""
    approval = RuleApproval.objects.create(brand=brand, kind=kind, why=why[:500], requested_by=by, **fields)
    audit_append(actor=by, action="rule_approval.requested", target=approval, data={"why": why[:500]})
    return approval


def approvals_withdraw_pending(*, brand: Brand, by) -> None:
    """A new rule save replaces what was still waiting."""
    for approval in brand.rule_approvals.filter(status=ApprovalStatus.PENDING):
        transition(obj=approval, to=ApprovalStatus.WITHDRAWN, actor=by, table=APPROVAL_TRANSITIONS, field="status")


def approval_decide(*, approval: RuleApproval, reviewer, approve: bool) -> RuleApproval:
    """A reviewer approves (the term is watched / the rule suppresses, and existing listings are
    checked again) or rejects (nothing changes: the term stays unwatched, the rule keeps flagging)."""
    require_reviewer(reviewer)
    with transaction.atomic():
        approval = transition(obj=approval, to=ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED,
                              actor=reviewer, table=APPROVAL_TRANSITIONS, field="status",
                              changes={"decided_by": reviewer, "decided_at": timezone.now()})
        if approve and approval.kind == ApprovalKind.TERM:
            WatchedTerm.objects.get_or_create(brand=approval.brand, normalized=approval.normalized,
                                              defaults={"term": approval.term, "kind": approval.term_kind})
        elif approve:
            ProtectionRule.objects.filter(brand=approval.brand, kind=approval.rule_kind).update(mode=RuleMode.SUPPRESS)
            suppress_approved_on_commit(brand_id=approval.brand_id, rule_kind=approval.rule_kind)
        if approve:
            protection_changed_on_commit(brand_id=approval.brand_id, recheck=True)
    return approval


def approvals_pending():
    return RuleApproval.objects.filter(status=ApprovalStatus.PENDING).select_related("brand", "requested_by")
