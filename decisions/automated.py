"""Automated enforcement: a suppression decided by the portal's rules, not by a person.

Goes through the same pipeline as a reviewer's takedown (a Decision, then an EnforcementAction
applied by the worker after commit, then the marketplace webhook). The case stays open in the
review queue: a reviewer confirms (remove) or reverses (reject, which reinstates) it.
"""

from django.db import transaction

from actions.models import ActionKind
from actions.services import action_create
from audit.services import audit_append
from complaints.models import Case, Decision
from complaints.reasons import auto_reason, statement_compose


def case_suppress_automated(*, case: Case, facts: str) -> Decision:
    """Record an automated suppress decision on an open automatic case and queue the suppression.

    One transaction (or part of the caller's). The case's state does not move: it waits for a
    reviewer. DSA Art. 17(3)(c): the statement says detection and decision
    were automated.
    """
    reason = auto_reason(case.kind)  # the ground of the case's kind of right (complaints.reasons.AUTO_REASONS)
    with transaction.atomic():
        decision = Decision.objects.create(
            case=case, outcome=reason.outcome, reason_code=reason.code, decided_by=None, automated=True,
            statement=statement_compose(case=case, reason=reason, facts=facts, automated=True),
        )
        audit_append(actor=None, action="decision.suppress", target=decision,
                     data={"case": case.pk, "reason": reason.code, "automated": True})
        action_create(decision=decision, kind=ActionKind.SUPPRESS, actor=None)
    return decision
