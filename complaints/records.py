"""The decision record: a decision on a case and the case's move, written together. The building
block of every way a case is decided (decisions, appeals, counter-notices, withdrawals, sanctions),
each of which adds its own consequences in the same transaction."""

from django.db import transaction

from audit.services import audit_append
from audit.transitions import transition

from .models import Case, CaseState, Decision
from .reasons import FACTS_PLACEHOLDER, Reason, statement_compose
from .states import CASE_TRANSITIONS


class CaseError(Exception):
    pass


def decision_check(*, facts: str, statement: str | None) -> None:
    """CaseError unless the facts are given and the statement (None: composed) can be sent."""
    if not facts.strip():
        raise CaseError("Give the facts behind the decision; the seller reads them.")
    if statement is not None and not statement.strip():
        raise CaseError("The statement of reasons is empty. The seller reads it: write it, or press "
                        "Preview to compose it from the reason and the facts.")
    if statement is not None and FACTS_PLACEHOLDER in statement:
        raise CaseError(f"The statement of reasons still says “{FACTS_PLACEHOLDER}”: it was composed before "
                        "the facts were written. Press Preview to compose it again with your facts, or edit it.")


def decision_record(*, case: Case, actor, reason: Reason, facts: str, to_state: str,
                    supersedes: Decision | None = None, automated: bool = False,
                    statement: str | None = None, audit_data: dict | None = None) -> Decision:
    """Requires the deciding service's transaction. Record a decision and move the case; the
    caller adds the decision's consequences (actions, strikes, e-mails) in the same transaction.

    `statement`: the statement of reasons as the reviewer edited it; None composes it from the
    reason's template and the facts. `audit_data`: more for the decision's audit entry."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("decision_record must run inside the deciding service's transaction")
    decision_check(facts=facts, statement=statement)
    changes = {"claimed_by": None, "claim_expires_at": None} if case.state == CaseState.IN_REVIEW else {}
    transition(obj=case, to=to_state, actor=actor, table=CASE_TRANSITIONS, changes=changes,
               data={"reason": reason.code})
    decision = Decision.objects.create(
        case=case, outcome=reason.outcome, reason_code=reason.code, decided_by=actor, automated=automated,
        statement=(statement.strip() if statement is not None
                   else statement_compose(case=case, reason=reason, facts=facts, automated=automated)),
        supersedes=supersedes,
    )
    audit_append(actor=actor, action=f"decision.{reason.outcome}", target=decision,
                 data={"case": case.pk, "reason": reason.code, **(audit_data or {})})
    return decision
