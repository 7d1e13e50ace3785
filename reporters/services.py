"""A reporter withdraws a report: undecided cases close, removed listings come back.

Here, above decisions and actions, because undoing a removal creates a reinstate action and
removes the seller's strike."""

from django.db import transaction
from django.utils import timezone

from actions.models import ActionKind
from actions.services import action_create
from audit.services import audit_append
from audit.transitions import transition
from complaints.models import UNDECIDED_STATES, Case, CaseState, Outcome, Report
from complaints.reasons import Reason
from complaints.records import decision_record
from complaints.states import CASE_TRANSITIONS
from registry.selectors import membership
from suspensions.services import strike_remove

# Not in complaints.reasons.REASONS: reviewers never choose it; only a withdrawal records it.
WITHDRAWN = Reason(
    "report_withdrawn", Outcome.REINSTATE, "The rights holder withdrew the report",
    "The rights holder withdrew the notice on which the restriction was based; without a notice "
    "there is no ground for it, and the restriction is lifted.",
)
WITHDRAWABLE = (*UNDECIDED_STATES, CaseState.ACTIONED)


class WithdrawalError(Exception):
    pass


def report_withdraw(*, report: Report, user) -> dict[str, int]:
    """Withdraw `report` for a member of its brand. Undecided cases move to withdrawn; actioned
    ones get a reinstating decision and a pending reinstate action (applied after commit). Cases
    already decided for good, or under appeal, stay as they are. Returns counts per outcome."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if membership(user=user, brand=locked.brand) is None:
            raise WithdrawalError("Only members of the report's brand can withdraw it.")
        if locked.withdrawn_at is not None:
            raise WithdrawalError(f"Report {locked.reference} was already withdrawn.")
        # Lock in primary-key order, as the decision services do, so the two cannot deadlock.
        cases = list(Case.objects.select_for_update().filter(report=locked, state__in=WITHDRAWABLE)
                     .select_related("listing", "right__brand").order_by("pk"))
        if not cases:
            raise WithdrawalError("Every case of this report already has a final decision or is under "
                                  "appeal; there is nothing left to withdraw.")
        counts = {"closed": 0, "reinstated": 0}
        for case in cases:
            if case.state == CaseState.ACTIONED:
                # (A takedown still pending is applied first by action_create: the reinstate comes last.)
                previous = case.decisions.order_by("-id").first()
                decision = decision_record(case=case, actor=user, reason=WITHDRAWN, to_state=CaseState.WITHDRAWN,
                                           facts=f"Report {locked.reference} was withdrawn by {user.get_username()}.",
                                           supersedes=previous)
                action_create(decision=decision, kind=ActionKind.REINSTATE, actor=user)
                strike_remove(decision=previous, reason=f"Report {locked.reference} withdrawn")
                counts["reinstated"] += 1
            else:
                transition(obj=case, to=CaseState.WITHDRAWN, actor=user, table=CASE_TRANSITIONS,
                           changes={"claimed_by": None, "claim_expires_at": None},
                           data={"report": locked.pk, "withdrawn": True})
                counts["closed"] += 1
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
        audit_append(actor=user, action="report.withdrawn", target=locked, data=counts)
    report.withdrawn_at = locked.withdrawn_at
    return counts
