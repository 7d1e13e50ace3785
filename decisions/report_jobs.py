"""One decision applied to every identical case of a report ("apply to all cases of this report").

The reviewer's own case is decided in the request like any decision (its takedown applied at once
by its own task). The report's other undecided cases go to a report decision job (a BulkJob of
kind REPORT_DECISION), so a 10,000-listing report is not decided inside one web request: one task
walks them in chunks, each chunk one transaction that locks its cases in id order (SKIP LOCKED: a
case another reviewer is claiming now is left to them), decides those the reviewer can take (open,
their own, lapsed claims) with the rules of a single decision (a Decision with the statement for
that listing, the e-mails, and the strike: one per seller for the whole report, see
suspensions.services) written set-based, a few statements for the whole chunk (_decide_set; the
rows are those deciding each case writes), creates the chunk's actions attached to the job with no
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
from actions.bulk import NewAction, bulk_job_add_decided, bulk_job_refresh
from actions.models import ActionKind, ActionStatus, BulkJob, BulkJobKind, EnforcementAction
from actions.services import CHUNK_TASK
from audit.services import AuditTarget, audit_append, audit_append_many, audit_label
from audit.transitions import IllegalTransition, check_move
from common.db import insert_rows
from common.dispatch import enqueue, enqueue_on_commit
from complaints.models import DECISION_ROW_COLUMNS, Case, CaseState, Decision, Outcome, decision_repr
from complaints.reasons import REASONS, statement_compose
from complaints.records import decision_check
from complaints.states import CASE_TRANSITIONS
from notifications.services import notify_many_on_commit
from registry.models import IPRight
from review.claims import case_check_claim, case_claim_locked
from suspensions.models import strike_event_for_report
from suspensions.services import strikes_give_many

from .services import ACTION_FOR_OUTCOME, case_decide_locked, reason_get

WALK_TASK = "enforcement.tasks.decide_report_cases"

# Cases decided per transaction (and so actions per apply chunk): a chunk holds its cases' row
# locks while it writes its rows, a few statements for all of them; the chunk's own statements (the
# job's lock, cursor and progress, the apply task) are paid once per this many cases.
CASES_PER_CHUNK = 500
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
    cases were left because another reviewer held them. The cases open or already the reviewer's
    are decided together (_decide_set: a few statements for the chunk); a lapsed claim of another
    reviewer, or an automatic suppression a rejection reverses, one by one (_decide_one)."""
    # Race: another reviewer claiming one of these now; SKIP LOCKED leaves it to them. Only the
    # cases are locked; their listings come with them, and the report, its right and brand (the
    # same for the whole chunk) are read once and shared.
    rows = list(Case.objects.select_for_update(skip_locked=True, of=("self",)).select_related("listing")
                .filter(pk__in=ids).order_by("id"))
    rights = {r.pk: r for r in IPRight.objects.select_related("brand").filter(pk__in={c.right_id for c in rows})}
    for target in rows:
        target.right, target.report = rights[target.right_id], job.report
    held = len(ids) - len(rows)  # locked: another reviewer claiming or deciding it right now
    takeable = []
    for target in rows:
        mine = target.state == CaseState.IN_REVIEW and target.claimed_by_id == reviewer.pk
        if not (target.state == CaseState.OPEN or mine or target.claim_lapsed):
            # Held by another reviewer, or decided since the ids were read.
            held += target.state == CaseState.IN_REVIEW
            continue
        takeable.append(target)
    # A rejection reverses an automatic suppression with a reinstatement that first applies the
    # case's pending takedowns (actions.services.action_create): those go one by one.
    suppressed = set() if reason.restricts else set(
        EnforcementAction.objects.filter(case__in=takeable, kind=ActionKind.SUPPRESS).values_list("case_id", flat=True))
    together = [t for t in takeable if not _decided_alone(t, reviewer=reviewer, suppressed=suppressed)]
    decided = dict(_decide_set(cases=together, job=job, reviewer=reviewer, reason=reason, source=source))
    for target in takeable:
        if target.pk not in decided:
            decided[target.pk] = _decide_one(target=target, job=job, reviewer=reviewer, reason=reason,
                                             source=source).pk
    return [decided[t.pk] for t in takeable], held


def _decided_alone(target: Case, *, reviewer, suppressed: set[int]) -> bool:
    """A case _decide_set does not take: a lapsed claim of another reviewer (released, then
    claimed), or one whose automatic suppression a rejection reverses."""
    lapsed = target.state == CaseState.IN_REVIEW and target.claimed_by_id != reviewer.pk
    return lapsed or target.pk in suppressed


def _decide_one(*, target: Case, job: BulkJob, reviewer, reason, source: Case) -> Decision:
    """One case, as a reviewer's own decision is taken (claimed here unless the reviewer holds it)."""
    if not (target.state == CaseState.IN_REVIEW and target.claimed_by_id == reviewer.pk):
        # Claimed and decided in this one transaction: the claim never outlives it, so the
        # reviewer's cap on open claims does not apply. (`target` takes the new state and keeps
        # what came with it.)
        case_claim_locked(case=target, reviewer=reviewer, cap_checked=True)
    text = statement_for_case(statement=job.statement or None, source=source, target=target, reason=reason,
                              facts=job.facts)
    return case_decide_locked(case=target, reviewer=reviewer, reason=reason, facts=job.facts, statement=text,
                              job=job, strike_event=strike_event_for_report(job.report_id))


def _decide_set(*, cases: list[Case], job: BulkJob, reviewer, reason, source: Case) -> list[tuple[int, int]]:
    """Requires `cases` locked, each open or claimed by the reviewer. Decides them together, with
    what _decide_one writes for each, in a few statements for all: one UPDATE of the cases, one
    INSERT (COPY) of the decisions, one of the actions, the strikes (per seller, suspensions.services
    strikes_give_many), the sellers' e-mails (one INSERT) and one INSERT of the audit entries
    claim, move and decision would each append. Returns (case id, decision id) pairs."""
    if not cases:
        return []
    to_state = CaseState.ACTIONED if reason.restricts else CaseState.REJECTED
    texts = [statement_for_case(statement=job.statement or None, source=source, target=t, reason=reason,
                                facts=job.facts) for t in cases]
    for target, text in zip(cases, texts, strict=True):
        decision_check(facts=job.facts, statement=text)
        moves = ([] if target.state == CaseState.IN_REVIEW else [(target.state, CaseState.IN_REVIEW)]) + [
            (CaseState.IN_REVIEW, to_state)]
        for frm, to in moves:
            if not check_move(CASE_TRANSITIONS, frm, to):
                raise IllegalTransition(target, frm, to)
    now = timezone.now()
    claimed = [t.pk for t in cases if t.state == CaseState.OPEN]
    # The claim and the decision in one write: a claim that never outlives the transaction (the
    # cap on open claims does not apply, as in _decide_one), so only its audit entry remains.
    Case.objects.filter(pk__in=[t.pk for t in cases]).update(state=to_state, claimed_by=None, claim_expires_at=None,
                                                             updated_at=now)
    # Rows as tuples, not instances (COPY); read back by case: each case's newest decision is the one
    # taken here (its row is locked; an automatic suppression may have an older one).
    insert_rows(Decision._meta.db_table, DECISION_ROW_COLUMNS,
                [(t.pk, reason.outcome, reason.code, text.strip(), reviewer.pk, False, None, now)
                 for t, text in zip(cases, texts, strict=True)])
    decision_ids = dict(Decision.objects.filter(case_id__in=[t.pk for t in cases]).order_by("id")
                        .values_list("case_id", "id"))
    pairs = [(t, decision_ids[t.pk]) for t in cases]
    entries = []
    for target, decision_id in pairs:
        if target.pk in claimed:
            entries.append(("case.in_review", target, {"from": CaseState.OPEN, "to": CaseState.IN_REVIEW}))
        entries.append((f"case.{to_state}", target, {"from": CaseState.IN_REVIEW, "to": to_state,
                                                      "reason": reason.code}))
        decision = AuditTarget(audit_label(Decision), decision_id, decision_repr(decision_id, target.pk,
                                                                                 reason.outcome))
        entries.append((f"decision.{reason.outcome}", decision, {"case": target.pk, "reason": reason.code,
                                                                 "bulk_job": job.pk}))
    audit_append_many(actor=reviewer, entries=entries)
    if reason.restricts:
        kind = ACTION_FOR_OUTCOME[reason.outcome]
        bulk_job_add_decided(job_id=job.pk, actor=reviewer, actions=[
            NewAction(listing_id=t.listing_id, kind=kind, decision_id=d, case_id=t.pk,
                      idempotency_key=f"decision:{d}:{kind}:{t.listing_id}") for t, d in pairs],
            external_ids={t.listing_id: t.listing.external_id for t in cases})
        if reason.outcome == Outcome.REMOVE:
            strikes_give_many(decisions=[(d, t.listing.seller_id) for t, d in pairs],
                              event_key=strike_event_for_report(job.report_id), actor=reviewer)
        # Each seller's statement of reasons (decisions.services.notify_case_decided with a job).
        notify_many_on_commit("case_decided_seller", [d for _, d in pairs])
    return [(t.pk, d) for t, d in pairs]


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
