"""Automated enforcement: a suppression decided by the portal's rules, not by a person.

Goes through the same pipeline as a reviewer's takedown (a Decision, then an EnforcementAction
applied by the worker after commit, then the marketplace webhook). The case stays open in the
review queue: a reviewer confirms (remove) or reverses (reject, which reinstates) it.
"""

from django.db import transaction
from django.utils import timezone

from actions.models import ActionKind
from actions.services import action_create
from audit.services import audit_append
from common import dates
from complaints.models import AUTO_RULE_NO_LONGER_MATCHES, Case, CaseState, Decision
from complaints.reasons import AUTO_REASON_FOR_KIND, REASONS, statement_compose
from complaints.records import decision_record
from notifications.services import notify_on_commit


def case_suppress_automated(*, case: Case, facts: str) -> Decision:
    """Record an automated suppress decision on an open automatic case and queue the suppression.

    One transaction (or part of the caller's). The case's state does not move: it waits for a
    reviewer. DSA Art. 17(3)(c): the statement says detection and decision
    were automated.
    """
    reason = REASONS[AUTO_REASON_FOR_KIND[case.kind]]
    with transaction.atomic():
        decision = Decision.objects.create(
            case=case, outcome=reason.outcome, reason_code=reason.code, decided_by=None, automated=True,
            statement=statement_compose(case=case, reason=reason, facts=facts, automated=True),
        )
        audit_append(actor=None, action="decision.suppress", target=decision,
                     data={"case": case.pk, "reason": reason.code, "automated": True})
        action_create(decision=decision, kind=ActionKind.SUPPRESS, actor=None)
    return decision


def case_release_automated(*, case_id: int) -> Decision | None:
    """The protection rule that opened an automatic case no longer matches its listing (the rule was
    relaxed, or the listing changed): the case closes with a system decision and its statement, and
    the automatic suppression, if any, lifts (a reinstate action, applied after commit; the listing
    goes back up unless something else restricts it). None when the case was decided meanwhile."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not case.is_undecided:
            return None
        rule = case.detection.get("rule_label", "the protection rule")
        decision = decision_record(
            case=case, actor=None, reason=REASONS[AUTO_RULE_NO_LONGER_MATCHES], automated=True,
            to_state=CaseState.REJECTED, supersedes=case.decisions.order_by("-id").first(),
            facts=f"The listing was restricted automatically because {rule}. On "
                  f"{dates.day(timezone.localdate())} the rule no longer matched it.")
        if case.actions.filter(kind=ActionKind.SUPPRESS).exists():
            action_create(decision=decision, kind=ActionKind.REINSTATE, actor=None)
        notify_on_commit("case_decided", decision.pk)
    return decision
