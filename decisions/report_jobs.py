"""One decision applied to every identical case of a report ("apply to all cases of this report").

The reviewer's own case is decided in the request like any decision (its takedown applied at once
by its own task). The report's other undecided cases go to a report decision job (a BulkJob of
kind REPORT_DECISION), so a 10,000-listing report is not decided inside one web request: one task
walks them in chunks, each chunk one transaction that locks its cases in id order (SKIP LOCKED: a
case another reviewer is claiming now is left to them), decides those the reviewer can take (open,
their own, lapsed claims) with the rules of a single decision (a Decision with the statement for
that listing, the e-mails, and the strike: one per seller for the whole report, see
suspensions.services), creates the chunk's actions attached to the job with no
task each, moves the job's cursor and counters, and on commit queues one apply_action_chunk for
the chunk's actions (one listing UPDATE, actions.bulk). A re-run resumes after the last
committed chunk (decided cases are no longer undecided, and the cursor has passed them); the
beat's sweep re-queues a walk that stopped moving. The job page shows the progress.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils import timezone

from accounts.permissions import is_reviewer
from actions.bulk import bulk_job_refresh
from actions.models import ActionStatus, BulkJob, BulkJobKind, EnforcementAction
from actions.services import CHUNK_TASK
from audit.services import audit_append
from common.dispatch import enqueue, enqueue_on_commit
from complaints.models import Case, CaseState, Decision, Outcome
from complaints.reasons import REASONS, statement_compose
from review.claims import case_check_claim, case_claim_locked
from suspensions.models import strike_event_for_report

from .services import case_decide_locked, reason_get

WALK_TASK = "enforcement.tasks.decide_report_cases"

# Cases decided per transaction (and so actions per apply chunk): a chunk holds its cases' row
# locks while it writes about twenty rows per case.
CASES_PER_CHUNK = 100
# A walk task decides chunks for this long, then queues its continuation, so no task runs near its
# time limit however large the report.
WALK_BUDGET_SECONDS = 60


@dataclass
class ReportDecision:
    first: Decision      # the reviewer's own case, decided in the request
    job: BulkJob | None  # deciding the report's other undecided cases; None when there were none


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


def _undecided(*, report_id: int) -> QuerySet[Case]:
    return Case.objects.filter(Q(state=CaseState.OPEN) | Q(state=CaseState.IN_REVIEW), report_id=report_id)


def report_cases_decide(*, case: Case, reviewer, reason_code: str, facts: str,
                        statement: str | None = None) -> ReportDecision:
    """Decide `case` (which the reviewer holds, refused as case_decide refuses) and, in the same
    transaction, start a report decision job for the report's other undecided cases, if any: its
    walk task is queued on commit."""
    reason = reason_get(reason_code, {Outcome.REMOVE, Outcome.SUPPRESS, Outcome.REJECT}, kind=case.kind)
    with transaction.atomic():
        source = Case.objects.select_for_update().get(pk=case.pk)
        case_check_claim(case=source, reviewer=reviewer)
        # One decision event: this case and every case the job decides give the seller one strike.
        event = strike_event_for_report(source.report_id) if source.report_id else None
        first = case_decide_locked(case=source, reviewer=reviewer, reason=reason, facts=facts, statement=statement,
                                   strike_event=event)
        others = _undecided(report_id=source.report_id).exclude(pk=source.pk).count() if source.report_id else 0
        if not others:
            return ReportDecision(first=first, job=None)
        job = BulkJob.objects.create(
            kind=BulkJobKind.REPORT_DECISION, title=f"Report {source.report.reference}: {reason.label}"[:200],
            created_by=reviewer, chunk_size=CASES_PER_CHUNK, report_id=source.report_id, source_case=source,
            reason_code=reason.code, facts=facts, statement=statement or "", cases_total=others,
        )
        audit_append(actor=reviewer, action="bulkjob.created", target=job,
                     data={"kind": job.kind, "report": source.report_id, "case": source.pk, "reason": reason.code,
                           "cases": others})
        # The decision is committed first; a broker outage leaves the walk to the sweep.
        enqueue_on_commit(WALK_TASK, job.pk)
    return ReportDecision(first=first, job=job)


def report_job_walk(*, job_id: int, budget_seconds: float = WALK_BUDGET_SECONDS) -> bool:
    """Decide the job's next chunks of cases (one at least) until none is left (the walk ends:
    returns False) or `budget_seconds` are spent (returns True: the caller queues the
    continuation). Stops the walk if the reviewer is no longer an active reviewer."""
    job = BulkJob.objects.select_related("created_by", "source_case").get(pk=job_id)
    if not job.deciding:
        return False
    reviewer = job.created_by
    if not (reviewer.is_active and is_reviewer(reviewer)):
        report_job_stop(job_id=job_id, error=f"{reviewer.get_username()} is no longer an active reviewer.")
        return False
    reason = REASONS[job.reason_code]
    started = time.monotonic()
    while _walk_chunk(job_id=job_id, reviewer=reviewer, reason=reason, source=job.source_case):
        if time.monotonic() - started >= budget_seconds:
            return True
    return False


def _walk_chunk(*, job_id: int, reviewer, reason, source: Case) -> bool:
    """Decide one chunk of the job's cases in one transaction. Returns False once the walk ended."""
    with transaction.atomic():
        # Race: the job's walk delivered twice (a redelivery, the sweep's re-queue); the job row's
        # lock makes the runs take turns, and each reads the cursor the other committed.
        job = BulkJob.objects.select_for_update().get(pk=job_id)
        if not job.deciding:
            return False
        ids = list(_undecided(report_id=job.report_id).filter(pk__gt=job.cases_cursor)
                   .exclude(pk=job.source_case_id).order_by("id").values_list("id", flat=True)[:job.chunk_size])
        if not ids:
            _walk_end(job=job)
            return False
        decided, held = _decide_chunk(ids=ids, job=job, reviewer=reviewer, reason=reason, source=source)
        # The actions this chunk created (pending until their chunk task runs after this commit:
        # found through the index on what is not applied, not among all the job's actions).
        span = EnforcementAction.objects.filter(status=ActionStatus.PENDING, bulk_job_id=job.pk,
                                                decision_id__in=decided).aggregate(
            first=Min("id"), last=Max("id"), n=Count("id"))
        BulkJob.objects.filter(pk=job.pk).update(
            cases_cursor=ids[-1], cases_decided=F("cases_decided") + len(decided),
            cases_skipped=F("cases_skipped") + len(ids) - len(decided), cases_held=F("cases_held") + held,
            total=F("total") + span["n"], updated_at=timezone.now())
        bulk_job_refresh(job_id=job.pk)
        if span["first"] is not None:
            # One task for the chunk's actions: one listing UPDATE (the decisions are committed
            # first; a broker outage leaves the actions pending for the sweep).
            enqueue_on_commit(CHUNK_TASK, job.pk, span["first"], span["last"])
    return True


def _decide_chunk(*, ids: list[int], job: BulkJob, reviewer, reason, source: Case) -> tuple[list[int], int]:
    """Decide the cases of `ids` the reviewer can take; returns the decisions' ids and how many
    cases were left because another reviewer held them."""
    # Race: another reviewer claiming one of these now; SKIP LOCKED leaves it to them. Only the
    # cases are locked; what a decision reads of their listing, seller, right, brand and report
    # comes with them (four queries a case otherwise, of some 26).
    rows = list(Case.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("listing__seller", "right__brand", "report").filter(pk__in=ids).order_by("id"))
    decided = []
    held = len(ids) - len(rows)  # locked: another reviewer claiming or deciding it right now
    for target in rows:
        mine = target.state == CaseState.IN_REVIEW and target.claimed_by_id == reviewer.pk
        lapsed = target.claim_lapsed
        if not (target.state == CaseState.OPEN or mine or lapsed):
            # Held by another reviewer, or decided since the ids were read.
            held += target.state == CaseState.IN_REVIEW
            continue
        if not mine:
            # Claimed and decided in this one transaction: the claim never outlives it, so the
            # reviewer's cap on open claims does not apply. (`target` takes the new state and keeps
            # what came with it.)
            case_claim_locked(case=target, reviewer=reviewer, cap_checked=True)
        text = statement_for_case(statement=job.statement or None, source=source, target=target, reason=reason,
                                  facts=job.facts)
        decision = case_decide_locked(case=target, reviewer=reviewer, reason=reason, facts=job.facts,
                                      statement=text, job=job, strike_event=strike_event_for_report(job.report_id))
        decided.append(decision.pk)
    return decided, held


def _walk_end(*, job: BulkJob, error: str = "") -> None:
    """Requires the job's row lock. Ends the walk: every case not decided counts as skipped (held
    by another reviewer, or decided meanwhile by someone else), the report's audit entry, and the
    job finishes once its actions are applied."""
    skipped = max(job.cases_total - job.cases_decided, job.cases_skipped)
    BulkJob.objects.filter(pk=job.pk).update(cases_done_at=timezone.now(), cases_skipped=skipped, error=error[:2000],
                                             updated_at=timezone.now())
    audit_append(actor=job.created_by, action="report.bulk_decided", target=job.report,
                 data={"reason": job.reason_code, "job": job.pk, "case": job.source_case_id,
                       "decided": job.cases_decided, "skipped": skipped, **({"error": error} if error else {})})
    bulk_job_refresh(job_id=job.pk)


def report_job_stop(*, job_id: int, error: str) -> None:
    """The walk failed for good (or cannot go on): record why and end it where it stands; the cases
    it did not decide stay in the queue for reviewers."""
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().get(pk=job_id)
        if job.deciding:
            _walk_end(job=job, error=error)


def report_jobs_requeue_stale() -> int:
    """Re-queue the walks of report decision jobs that stopped moving (a lost or killed task).
    Returns how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.ENFORCEMENT_STALE_SECONDS)
    ids = list(BulkJob.objects.filter(kind=BulkJobKind.REPORT_DECISION, cases_done_at__isnull=True,
                                      updated_at__lt=cutoff).order_by("id").values_list("id", flat=True)[:100])
    for job_id in ids:
        enqueue(WALK_TASK, job_id)
    return len(ids)
