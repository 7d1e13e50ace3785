"""Decisions that change the marketplace, their enforcement actions, and appeals."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_append
from audit.transitions import transition
from complaints.models import Case, CaseState, Decision, Outcome
from complaints.reasons import REASONS, Reason
from complaints.services import CaseError, case_check_claim, decision_record
from complaints.states import CASE_TRANSITIONS
from evidence.models import EvidenceFile
from evidence.selectors import evidence_unattached
from listings.models import Listing
from listings.services import listing_set_status

from .bulk import bulk_job_refresh, stale_chunks
from .models import (
    ActionKind,
    ActionStatus,
    Appeal,
    AppealEvidence,
    AppealParty,
    AppealStatus,
    BulkJob,
    CounterNotice,
    CounterNoticeStatus,
    EnforcementAction,
)
from .notifications import job_action_applied_alone, notify_case_decided, notify_on_commit
from .states import ACTION_TARGET_STATUS, ACTION_TRANSITIONS, APPEAL_TRANSITIONS
from .strikes import strike_give, strike_remove
from .webhooks.services import webhook_event_emit


class AppealError(Exception):
    pass


def _reason(code: str, allowed: set[str]) -> Reason:
    reason = REASONS.get(code)
    if reason is None or reason.outcome not in allowed:
        raise CaseError("Choose a reason for the decision.")
    return reason


def _action_create(*, decision: Decision, kind: str, actor, job: BulkJob | None = None) -> EnforcementAction:
    """The decision's pending action, applied by its own task on commit; or, with `job`, one of
    the job's, applied with its chunk (the job queues the chunk)."""
    action = EnforcementAction.objects.create(
        decision=decision, case=decision.case, listing=decision.case.listing, kind=kind, bulk_job=job,
        idempotency_key=f"decision:{decision.pk}:{kind}:{decision.case.listing_id}",
    )
    audit_append(actor=actor, action="action.created", target=action,
                 data={"kind": kind, **({"bulk_job": job.pk} if job else {})})
    if job is None:
        _enqueue_on_commit(action.pk)
    return action


def _enqueue_on_commit(action_id: int) -> None:
    from .tasks import apply_action  # tasks import this module; import here to avoid a cycle

    # robust: the decision is already committed when this runs, so a broker outage must not turn
    # it into an error page; the action stays pending and actions_requeue_stale publishes it later.
    transaction.on_commit(lambda: apply_action.delay(action_id), robust=True)


_RESTRICTING = {Outcome.REMOVE: ActionKind.REMOVE, Outcome.SUPPRESS: ActionKind.SUPPRESS}


def case_decide(*, case: Case, reviewer, reason_code: str, facts: str, statement: str | None = None) -> Decision:
    """Decide a case the reviewer holds: remove or suppress (creates a pending action, applied
    after commit) or reject. `statement` is the statement of reasons as edited (None: composed).
    Refuses a case someone else holds, an expired claim, a second decision."""
    reason = _reason(reason_code, {Outcome.REMOVE, Outcome.SUPPRESS, Outcome.REJECT})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        case_check_claim(case=locked, reviewer=reviewer)
        decision = _decide_locked(case=locked, reviewer=reviewer, reason=reason, facts=facts, statement=statement)
    return decision


def _decide_locked(*, case: Case, reviewer, reason: Reason, facts: str, statement: str | None,
                   job: BulkJob | None = None) -> Decision:
    """The decision on a locked case the reviewer may decide, its action (one of `job`'s, when a
    report decision job decides it), strike and e-mails."""
    to_state = CaseState.ACTIONED if reason.outcome in _RESTRICTING else CaseState.REJECTED
    decision = decision_record(case=case, actor=reviewer, reason=reason, facts=facts, to_state=to_state,
                               statement=statement, audit_data={"bulk_job": job.pk} if job else None)
    if reason.outcome in _RESTRICTING:
        _action_create(decision=decision, kind=_RESTRICTING[reason.outcome], actor=reviewer, job=job)
        if reason.outcome == Outcome.REMOVE:
            strike_give(decision=decision)
    elif case.actions.filter(kind=ActionKind.SUPPRESS).exists():
        # Rejecting an automatic suppression reverses it: the listing goes back up.
        _action_create(decision=decision, kind=ActionKind.REINSTATE, actor=reviewer, job=job)
    notify_case_decided(decision=decision, job=job)
    return decision


def appeal_file(*, case: Case, user, statement: str, evidence: list[EvidenceFile] = ()) -> Appeal:
    """A seller appeals the restricting decision on one of their listings (once per decision, within
    APPEAL_WINDOW_DAYS of it, not while a counter-notice on it waits). `evidence` (uploaded, not yet
    filed) is linked to the appeal; the rights holder may respond before a senior rules."""
    if not statement.strip():
        raise AppealError("Explain why the decision is wrong; the senior reviewer reads this.")
    appeal_check_evidence(evidence)
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("listing").get(pk=case.pk)
        if not locked.listing.seller.members.filter(user=user).exists():
            raise AppealError("You can only appeal decisions on your own listings.")
        decision = locked.decisions.order_by("-id").first()
        if decision is not None and Appeal.objects.filter(decision=decision).exists():
            raise AppealError("You already appealed this decision; one appeal per decision.")
        if locked.state != CaseState.ACTIONED or decision is None or decision.outcome not in _RESTRICTING:
            raise AppealError("This decision cannot be appealed.")
        appeal_check_window(decision)
        if CounterNotice.objects.filter(decision=decision, status=CounterNoticeStatus.WAITING).exists():
            raise AppealError("Your counter-notice on this decision is running; the listing comes back on "
                              "its date unless the rights holder shows a court action. Appeal after that.")
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(decision=decision, case=locked, filed_by=user,
                                               statement=statement.strip())
        except IntegrityError as exc:  # race: a teammate appealed the same decision a moment ago
            raise AppealError("You already appealed this decision; one appeal per decision.") from exc
        audit_append(actor=user, action="appeal.filed", target=appeal, data={"case": locked.pk})
        appeal_link_evidence(appeal=appeal, files=evidence, actor=user)
        transition(obj=locked, to=CaseState.APPEALED, actor=user, table=CASE_TRANSITIONS,
                   data={"appeal": appeal.pk})
        notify_on_commit("appeal_filed", appeal.pk)
    return appeal


def appeal_deadline(decision: Decision):
    """The last moment an appeal on `decision` is accepted (DSA Art. 20: at least six months)."""
    return decision.created_at + timedelta(days=settings.APPEAL_WINDOW_DAYS)


def appeal_check_window(decision: Decision) -> None:
    deadline = appeal_deadline(decision)
    if timezone.now() > deadline:
        raise AppealError(f"The window to appeal this decision closed on {deadline:%Y-%m-%d} "
                          f"({settings.APPEAL_WINDOW_DAYS} days after it was made). It can no longer "
                          "be appealed on the platform; you may still seek out-of-court dispute "
                          "settlement or go to court.")


def appeal_check_evidence(files) -> None:
    """The same limits as a report's evidence, and each file filed with one record only."""
    if len(files) > settings.EVIDENCE_MAX_OWNER_FILES:
        raise AppealError(f"An appeal takes at most {settings.EVIDENCE_MAX_OWNER_FILES} evidence files.")
    if sum(f.size for f in files) > settings.EVIDENCE_MAX_OWNER_BYTES:
        raise AppealError(f"An appeal takes at most {settings.EVIDENCE_MAX_OWNER_BYTES // 2**20} MB of "
                          "evidence in all. Remove a file.")
    free = set(evidence_unattached().filter(pk__in=[f.pk for f in files]).values_list("pk", flat=True))
    filed = [f.original_name for f in files if f.pk not in free]
    if filed:
        raise AppealError(f"Already filed elsewhere: {', '.join(filed)}. Upload it again.")


def appeal_link_evidence(*, appeal: Appeal, files, actor, response=None) -> None:
    for file in files:
        AppealEvidence.objects.create(appeal=appeal, response=response, file=file)
    if files:
        audit_append(actor=actor, action="appeal.evidence", target=appeal,
                     data={"response": response.pk if response else None,
                           "files": [{"id": f.pk, "sha256": f.sha256} for f in files]})


def appeal_decide(*, appeal: Appeal, senior, reason_code: str, facts: str) -> Decision:
    """A senior reviewer, not the one who decided, grants or denies. A seller's appeal granted
    reinstates the listing; a rights holder's appeal granted removes it (each after commit)."""
    by_reporter = appeal.party == AppealParty.REPORTER
    reason = _reason(reason_code, {Outcome.REMOVE, Outcome.REJECT} if by_reporter
                     else {Outcome.REINSTATE, Outcome.UPHOLD})
    with transaction.atomic():
        locked = Appeal.objects.select_for_update(of=("self",)).select_related("decision").get(pk=appeal.pk)
        if not senior.is_senior_reviewer:
            raise AppealError("Only a senior reviewer can decide appeals.")
        if locked.decision.decided_by_id == senior.pk:
            raise AppealError("You made the decision under appeal; a different senior reviewer must decide it.")
        if locked.status != AppealStatus.OPEN:
            raise AppealError("This appeal has already been decided.")
        granted = reason.outcome in (Outcome.REINSTATE, Outcome.REMOVE)
        case = Case.objects.select_for_update().get(pk=locked.case_id)
        granted_state = CaseState.ACTIONED if by_reporter else CaseState.REINSTATED
        decision = decision_record(
            case=case, actor=senior, reason=reason, facts=facts, supersedes=locked.decision,
            to_state=granted_state if granted else CaseState.UPHELD,
        )
        transition(obj=locked, to=AppealStatus.GRANTED if granted else AppealStatus.DENIED, actor=senior,
                   table=APPEAL_TRANSITIONS, field="status", changes={"outcome_decision": decision})
        if granted:
            kind = ActionKind.REMOVE if by_reporter else ActionKind.REINSTATE
            _action_create(decision=decision, kind=kind, actor=senior)
            if by_reporter:
                strike_give(decision=decision)
            else:
                strike_remove(decision=locked.decision, reason=f"Reinstated on appeal by decision #{decision.pk}")
        notify_on_commit("appeal_decided", locked.pk)
    return decision


def action_apply(*, action_id: int) -> bool:
    """Apply a pending action to its listing. Idempotent: returns False when there is nothing to
    do (already applied, failed, or unknown), so a re-delivered message changes nothing."""
    with transaction.atomic():
        # Race: two deliveries of the same message; the second waits here, then sees 'applied'.
        action = EnforcementAction.objects.select_for_update().filter(pk=action_id).first()
        if action is None or action.status != ActionStatus.PENDING:
            return False
        listing = Listing.objects.get(pk=action.listing_id)
        listing_set_status(listing=listing, status=ACTION_TARGET_STATUS[action.kind],
                           reason=f"{action.kind} by decision #{action.decision_id}")
        transition(obj=action, to=ActionStatus.APPLIED, actor=None, table=ACTION_TRANSITIONS,
                   field="status", changes={"applied_at": timezone.now(), "attempts": action.attempts + 1,
                                            "last_attempt_at": timezone.now()})
        # The outbox: the marketplace's event and its deliveries commit with the change, or not at all.
        webhook_event_emit(action=action)
        # A bulk job's actions are told in its summaries, if it has any still to send. (Checked
        # before the refresh: a job this action finishes has its summaries written there, with it.)
        if action.bulk_job_id is None or job_action_applied_alone(job_id=action.bulk_job_id):
            notify_on_commit("action_applied", action.pk)
        if action.bulk_job_id is not None:
            bulk_job_refresh(job_id=action.bulk_job_id)
    return True


def action_fail(*, action_id: int, error: str) -> None:
    """Record a final failure so reviewers see it (and can retry)."""
    with transaction.atomic():
        action = EnforcementAction.objects.select_for_update().filter(pk=action_id).first()
        if action is None or action.status != ActionStatus.PENDING:
            return
        transition(obj=action, to=ActionStatus.FAILED, actor=None, table=ACTION_TRANSITIONS,
                   field="status", changes={"last_error": error[:2000], "attempts": action.attempts + 1,
                                            "last_attempt_at": timezone.now()})
        if action.bulk_job_id is not None:
            bulk_job_refresh(job_id=action.bulk_job_id)


def action_retry(*, action: EnforcementAction, actor) -> EnforcementAction:
    """A person sends a failed action back to the queue."""
    with transaction.atomic():
        action = transition(obj=action, to=ActionStatus.PENDING, actor=actor, table=ACTION_TRANSITIONS,
                            field="status")
        if action.bulk_job_id is not None:
            bulk_job_refresh(job_id=action.bulk_job_id)
        _enqueue_on_commit(action.pk)
    return action


def actions_requeue_stale() -> int:
    """Re-queue pending actions whose message may have been lost. Returns how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.ENFORCEMENT_STALE_SECONDS)
    from .tasks import apply_action, apply_action_chunk

    ids = list(EnforcementAction.objects.filter(status=ActionStatus.PENDING, updated_at__lt=cutoff)
               .values_list("id", flat=True)[:1000])
    # A bulk job's actions go back as chunks (one task per chunk, as first queued), others one by one.
    chunks = stale_chunks(action_ids=ids)
    for job_id, first, last in chunks:
        apply_action_chunk.delay(job_id, first, last)
    in_chunks = set(EnforcementAction.objects.filter(pk__in=ids).exclude(bulk_job=None).values_list("id", flat=True))
    for action_id in ids:
        if action_id not in in_chunks:
            apply_action.delay(action_id)
    return len(ids)
