"""Deciding a case: a reviewer's decision with its consequences in one transaction (the decision
record, the pending enforcement action, the strike, the e-mails). Report-wide decisions are in
decisions.report_jobs, the portal's own automatic suppressions in decisions.automated; the
decision record itself (complaints.services.decision_record) is the building block of all of
them and of appeals, counter-notices and withdrawals."""

from django.db import transaction

from actions.models import ActionKind, BulkJob
from actions.services import action_create
from complaints.models import Case, CaseState, Decision, Outcome
from complaints.reasons import REASONS, Reason
from complaints.records import CaseError, decision_record
from notifications.services import notify_on_commit
from registry.models import RightKind
from review.claims import case_check_claim
from suspensions.services import strike_give

# The action each restricting outcome creates.
ACTION_FOR_OUTCOME = {Outcome.REMOVE: ActionKind.REMOVE, Outcome.SUPPRESS: ActionKind.SUPPRESS}


class ReasonError(CaseError):
    """A reason code refused: unknown, of another outcome, or for another kind of right. `field`
    names the input that carries it, so a form or an API caller puts the message there."""

    field = "reason_code"


def reason_get(code: str, allowed: set[str], *, kind: str | None = None) -> Reason:
    """The reason `code` if its outcome is one of `allowed` and (with `kind`) it fits a right of that
    kind; ReasonError (on `reason_code`) otherwise, saying which reasons to choose from."""
    reason = REASONS.get(code)
    if reason is None or reason.outcome not in allowed:
        raise ReasonError("Choose a reason for the decision.")
    if kind is not None and not reason.fits(kind):
        label = RightKind(kind).label.lower()
        raise ReasonError(f"Reason: “{reason.label}” is not a ground for a {label}; this case relies on a "
                          f"{label}. Choose one of the {label} reasons.")
    return reason


def case_decide(*, case: Case, reviewer, reason_code: str, facts: str, statement: str | None = None) -> Decision:
    """Decide a case the reviewer holds: remove or suppress (creates a pending action, applied
    after commit) or reject. `statement` is the statement of reasons as edited (None: composed).
    Refuses a case someone else holds, an expired claim, a second decision."""
    reason = reason_get(reason_code, {Outcome.REMOVE, Outcome.SUPPRESS, Outcome.REJECT}, kind=case.kind)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        case_check_claim(case=locked, reviewer=reviewer)
        decision = case_decide_locked(case=locked, reviewer=reviewer, reason=reason, facts=facts,
                                      statement=statement)
    return decision


def case_decide_locked(*, case: Case, reviewer, reason: Reason, facts: str, statement: str | None,
                       job: BulkJob | None = None, strike_event: str | None = None) -> Decision:
    """Requires the case locked and decidable by the reviewer. The decision, its action (one of
    `job`'s, when a report decision job decides it), strike and e-mails. `strike_event`: the
    decision event the strike counts (a report-wide decision's); None: the decision is its own."""
    restricting = reason.restricts
    to_state = CaseState.ACTIONED if restricting else CaseState.REJECTED
    decision = decision_record(case=case, actor=reviewer, reason=reason, facts=facts, to_state=to_state,
                               statement=statement, audit_data={"bulk_job": job.pk} if job else None)
    if restricting:
        action_create(decision=decision, kind=ACTION_FOR_OUTCOME[reason.outcome], actor=reviewer, job=job)
        if reason.outcome == Outcome.REMOVE:
            strike_give(decision=decision, event_key=strike_event)
    elif case.actions.filter(kind=ActionKind.SUPPRESS).exists():
        # Rejecting an automatic suppression reverses it: the listing goes back up.
        action_create(decision=decision, kind=ActionKind.REINSTATE, actor=reviewer, job=job)
    notify_case_decided(decision=decision, job=job)
    return decision


def notify_case_decided(*, decision: Decision, job: BulkJob | None = None) -> None:
    """Requires the deciding transaction. A decision of its own tells both sides; one taken by a
    report decision job (`job`) tells only the seller, and only of a restriction they may appeal:
    the reporter hears of the whole job in one summary when it finishes (decisions.mails)."""
    if job is None:
        notify_on_commit("case_decided", decision.pk)
    elif decision.restricts:
        notify_on_commit("case_decided_seller", decision.pk)
