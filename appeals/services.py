"""Appeals: the seller appeals a restriction, or the rights holder the rejection of their report;
the other side may respond; a senior reviewer other than the one who decided rules. Who may appeal
what, and until when, is decided here (`seller_appeal_refusal`, `reporter_appeal_refusal`,
`appeal_deadline`): the services refuse with those messages and the pages offer the form only
when they return None."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import is_senior
from actions.models import ActionKind
from actions.services import action_create
from audit.services import audit_append
from audit.transitions import transition
from common import dates
from complaints.models import Case, CaseState, Decision, Outcome, Party
from complaints.reasons import NOTIFIER_SUSPENDED
from complaints.records import decision_record
from complaints.states import CASE_TRANSITIONS
from decisions.challenges import challenge_open, restriction_in_force
from decisions.services import reason_get
from evidence.models import EvidenceFile
from evidence.services import EvidenceLimitError, evidence_check_filing
from notifications.services import notify_on_commit
from registry.selectors import brands_for_user
from suspensions.services import strike_give, strike_remove

from .models import Appeal, AppealEvidence, AppealResponse, AppealStatus
from .selectors import appeal_party_of
from .states import APPEAL_TRANSITIONS

ALREADY_APPEALED = "You already appealed this decision; one appeal per decision."


class AppealError(Exception):
    pass


def appeal_open_on(*, case: Case, decision: Decision) -> str | None:
    """For decisions.challenges: what an open appeal on `decision` tells someone filing a
    counter-notice on it. (The case's appeals: prefetched on list pages.)"""
    if any(a.decision_id == decision.pk and a.status == AppealStatus.OPEN for a in case.appeals.all()):
        return "Your appeal on this decision is open; wait for the ruling."
    return None


# --- who may appeal --------------------------------------------------------------------------


def appeal_deadline(decision: Decision) -> datetime:
    """The last moment an appeal on `decision` is accepted (DSA Art. 20: at least six months)."""
    return decision.created_at + timedelta(days=settings.APPEAL_WINDOW_DAYS)


def _appealed(case: Case, decision: Decision) -> bool:
    return any(a.decision_id == decision.pk for a in case.appeals.all())


def _window_refusal(decision: Decision) -> str | None:
    deadline = appeal_deadline(decision)
    if timezone.now() > deadline:
        return (f"The window to appeal this decision closed on {dates.day(deadline)} "
                f"({settings.APPEAL_WINDOW_DAYS} days after it was made). It can no longer "
                "be appealed on the platform; you may still seek out-of-court dispute "
                "settlement or go to court.")
    return None


def seller_appeal_refusal(*, case: Case, decision: Decision | None) -> str | None:
    """Why the seller may not appeal `decision`, the case's latest, now; None: they may. Once per
    decision, a restriction in force, within the window, not while a counter-notice on it runs."""
    if decision is not None and _appealed(case, decision):
        return ALREADY_APPEALED
    if not restriction_in_force(case=case, decision=decision):
        return "This decision cannot be appealed."
    return _window_refusal(decision) or challenge_open(case=case, decision=decision, other_than="appeal")


def reporter_appeal_refusal(*, case: Case, decision: Decision | None) -> str | None:
    """Why the reporting brand may not appeal `decision`, the case's latest, now; None: it may.
    Once per decision, a rejection of the report, within the window; not a rejection the system
    made because the reporter's notice processing is suspended."""
    if decision is not None and _appealed(case, decision):
        return ALREADY_APPEALED
    if case.state != CaseState.REJECTED or decision is None or decision.outcome != Outcome.REJECT:
        return "Only a rejection of your report can be appealed here."
    if decision.reason_code == NOTIFIER_SUSPENDED:
        return ("These notices were closed because your notice processing is suspended; "
                "see Notice standing for why and how to ask for it to be lifted.")
    return _window_refusal(decision)


# --- filing ----------------------------------------------------------------------------------


def _check_evidence(files) -> None:
    try:
        evidence_check_filing(files, what="An appeal")
    except EvidenceLimitError as exc:
        raise AppealError(str(exc)) from exc


def appeal_file(*, case: Case, user, statement: str, evidence: list[EvidenceFile] = ()) -> Appeal:
    """A seller appeals the restricting decision on one of their listings (seller_appeal_refusal
    says when). `evidence` (uploaded, not yet filed) is linked to the appeal; the rights holder
    may respond before a senior rules."""
    if not statement.strip():
        raise AppealError("Explain why the decision is wrong; the senior reviewer reads this.")
    _check_evidence(evidence)
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("listing").get(pk=case.pk)
        if not locked.listing.seller.members.filter(user=user).exists():
            raise AppealError("You can only appeal decisions on your own listings.")
        decision = locked.decisions.order_by("-id").first()
        refusal = seller_appeal_refusal(case=locked, decision=decision)
        if refusal:
            raise AppealError(refusal)
        appeal = _appeal_create(decision=decision, case=locked, user=user, party=Party.SELLER, statement=statement)
        audit_append(actor=user, action="appeal.filed", target=appeal, data={"case": locked.pk})
        _link_evidence(appeal=appeal, files=evidence, actor=user)
        transition(obj=locked, to=CaseState.APPEALED, actor=user, table=CASE_TRANSITIONS,
                   data={"appeal": appeal.pk})
        notify_on_commit("appeal_filed", appeal.pk)
    return appeal


def appeal_file_by_reporter(*, case: Case, user, statement: str, evidence: list[EvidenceFile] = ()) -> Appeal:
    """A member of the reporting brand appeals the rejection of the report on this case
    (reporter_appeal_refusal says when). The case goes rejected → appealed; a senior who did not
    reject it rules."""
    if not statement.strip():
        raise AppealError("Explain why the rejection is wrong; the senior reviewer reads this.")
    _check_evidence(evidence)
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("report").get(pk=case.pk)
        if not brands_for_user(user=user).filter(pk=locked.brand_id).exists():
            raise AppealError("You can only appeal decisions on your brand's reports.")
        decision = locked.decisions.order_by("-id").first()
        refusal = reporter_appeal_refusal(case=locked, decision=decision)
        if refusal:
            raise AppealError(refusal)
        appeal = _appeal_create(decision=decision, case=locked, user=user, party=Party.REPORTER,
                                statement=statement)
        audit_append(actor=user, action="appeal.filed", target=appeal, data={"case": locked.pk, "party": "reporter"})
        _link_evidence(appeal=appeal, files=evidence, actor=user)
        transition(obj=locked, to=CaseState.APPEALED, actor=user, table=CASE_TRANSITIONS,
                   data={"appeal": appeal.pk})
    return appeal


def _appeal_create(*, decision: Decision, case: Case, user, party: str, statement: str) -> Appeal:
    try:
        with transaction.atomic():
            return Appeal.objects.create(decision=decision, case=case, filed_by=user, party=party,
                                         statement=statement.strip())
    except IntegrityError as exc:  # race: a teammate appealed the same decision a moment ago
        raise AppealError(ALREADY_APPEALED) from exc


def _link_evidence(*, appeal: Appeal, files, actor, response=None) -> None:
    for file in files:
        AppealEvidence.objects.create(appeal=appeal, response=response, file=file)
    if files:
        audit_append(actor=actor, action="appeal.evidence", target=appeal,
                     data={"response": response.pk if response else None,
                           "files": [{"id": f.pk, "sha256": f.sha256} for f in files]})


def appeal_respond(*, appeal: Appeal, user, statement: str, evidence: list[EvidenceFile] = ()) -> AppealResponse:
    """The other side answers an open appeal with a statement and evidence, before the ruling."""
    if not statement.strip():
        raise AppealError("Write your response; the senior reviewer reads it before ruling.")
    _check_evidence(evidence)
    with transaction.atomic():
        locked = (Appeal.objects.select_for_update(of=("self",))
                  .select_related("case__listing__seller", "case__report").get(pk=appeal.pk))
        party = appeal_party_of(appeal=locked, user=user)
        if party is None or party == locked.party:
            raise AppealError("Only the other side of this appeal can respond to it.")
        if locked.status != AppealStatus.OPEN:
            raise AppealError("This appeal has been decided; responses are closed.")
        response = AppealResponse.objects.create(appeal=locked, party=party, author=user,
                                                 statement=statement.strip())
        audit_append(actor=user, action="appeal.response", target=locked, data={"response": response.pk})
        _link_evidence(appeal=locked, files=evidence, actor=user, response=response)
    return response


def appeal_decide(*, appeal: Appeal, senior, reason_code: str, facts: str) -> Decision:
    """A senior reviewer, not the one who decided, grants or denies. A seller's appeal granted
    reinstates the listing; a rights holder's appeal granted removes it (each after commit)."""
    by_reporter = appeal.party == Party.REPORTER
    reason = reason_get(reason_code, {Outcome.REMOVE, Outcome.REJECT} if by_reporter
                        else {Outcome.REINSTATE, Outcome.UPHOLD}, kind=appeal.case.kind)
    with transaction.atomic():
        locked = Appeal.objects.select_for_update(of=("self",)).select_related("decision").get(pk=appeal.pk)
        if not is_senior(senior):
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
            action_create(decision=decision, kind=kind, actor=senior)
            if by_reporter:
                strike_give(decision=decision)
            else:
                strike_remove(decision=locked.decision, reason=f"Reinstated on appeal by decision #{decision.pk}")
        notify_on_commit("appeal_decided", locked.pk)
    return decision
