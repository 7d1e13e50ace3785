"""One decision applied to every identical case of a report ("apply to all cases of this report")."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_append
from complaints.models import Case, CaseState, Decision, Outcome
from complaints.reasons import statement_compose
from complaints.services import _claim, case_check_claim

from .services import _decide_locked, _reason

CHUNK = 100


@dataclass
class BulkDecision:
    first: Decision
    decided: list[int] = field(default_factory=list)   # case ids decided, the first included
    skipped: int = 0                                    # held by another reviewer, decided meanwhile

    @property
    def count(self) -> int:
        return len(self.decided)


def statement_for_case(*, statement: str | None, source: Case, target: Case, reason, facts: str) -> str:
    """The statement for another listing of the report: the reviewer's edited text with the first
    listing's id and title replaced by this one's (composed afresh when nothing was edited)."""
    if statement is None:
        return statement_compose(case=target, reason=reason, facts=facts)
    text = statement
    for key in ("title", "external_id"):  # the title first: it may contain the id
        old, new = source.listing_snapshot.get(key, ""), target.listing_snapshot.get(key, "")
        if old:
            text = text.replace(old, new)
    return text


def report_cases_decide(*, case: Case, reviewer, reason_code: str, facts: str,
                        statement: str | None = None) -> BulkDecision:
    """Decide `case` (which the reviewer holds), then every other undecided case of its report the
    reviewer can take: open ones, their own, and lapsed claims. Cases another reviewer holds, or
    that someone decides meanwhile, are skipped and counted. Each case gets its own Decision and
    action; chunks of CHUNK cases per transaction, rows locked in id order, SKIP LOCKED."""
    reason = _reason(reason_code, {Outcome.REMOVE, Outcome.SUPPRESS, Outcome.REJECT})
    with transaction.atomic():
        source = Case.objects.select_for_update().get(pk=case.pk)
        case_check_claim(case=source, reviewer=reviewer)
        first = _decide_locked(case=source, reviewer=reviewer, reason=reason, facts=facts, statement=statement)
    result = BulkDecision(first=first, decided=[source.pk])
    undecided = Q(state=CaseState.OPEN) | Q(state=CaseState.IN_REVIEW)
    candidates = list(Case.objects.filter(undecided, report_id=source.report_id).exclude(pk=source.pk)
                      .order_by("id").values_list("id", flat=True))
    for start in range(0, len(candidates), CHUNK):
        ids = candidates[start:start + CHUNK]
        with transaction.atomic():
            # Race: another reviewer claiming one of these now; SKIP LOCKED leaves it to them.
            rows = list(Case.objects.select_for_update(skip_locked=True).filter(pk__in=ids).order_by("id"))
            now = timezone.now()
            decided_before = result.count
            for target in rows:
                mine = target.state == CaseState.IN_REVIEW and target.claimed_by_id == reviewer.pk
                lapsed = target.state == CaseState.IN_REVIEW and target.claim_expires_at <= now
                if not (target.state == CaseState.OPEN or mine or lapsed):
                    continue
                if not mine:
                    # Claimed and decided in this one transaction: the claim never outlives it, so
                    # the reviewer's cap on open claims does not apply.
                    target = _claim(case=target, reviewer=reviewer, cap_checked=True)
                text = statement_for_case(statement=statement, source=source, target=target, reason=reason,
                                          facts=facts)
                _decide_locked(case=target, reviewer=reviewer, reason=reason, facts=facts, statement=text)
                result.decided.append(target.pk)
        result.skipped += len(ids) - (result.count - decided_before)
    if result.count > 1:
        with transaction.atomic():
            audit_append(actor=reviewer, action="report.bulk_decided", target=source.report,
                         data={"reason": reason.code, "cases": result.decided, "skipped": result.skipped})
    return result

