"""Counter-notices: the seller's answer to a removal, and the deadlines the system keeps.

Two procedures, by the right's kind (models.procedure_for):
- Copyright, DMCA §512(g): the rights holder has COUNTER_NOTICE_COURT_DAYS business days to show a
  court action (upload the filing, which a reviewer checks); otherwise the beat task reinstates the
  listing on the COUNTER_NOTICE_REINSTATE_DAYS-th business day (§512(g)(2)(C): not less than 10 nor
  more than 14 business days).
- Trademark, design, patent: the marketplace's own counter-notice. The seller states a ground
  (authorized reseller, genuine goods, non-infringement); the rights holder may answer with evidence
  within COUNTER_NOTICE_ANSWER_DAYS business days; then a senior reviewer who took no part in the
  decision reinstates or rejects. Nothing is restored automatically.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import is_reviewer, is_senior
from actions.models import ActionKind
from actions.services import action_create
from audit.selectors import audit_entry_latest
from audit.services import audit_append
from audit.transitions import transition
from common import dates
from common.business_days import add_business_days
from complaints.models import Case, CaseState, Decision, Party
from complaints.reasons import COUNTER_NOTICE_GRANTED, COUNTER_NOTICE_NO_COURT_ACTION, REASONS
from complaints.records import decision_record
from decisions.challenges import challenge_open, restriction_in_force
from evidence.models import EvidenceFile
from evidence.services import EvidenceLimitError, evidence_check_filing
from notifications.services import notify_on_commit
from registry.selectors import brands_for_user
from suspensions.services import strike_remove

from .models import CounterNotice, CounterNoticeEvidence, CounterNoticeGround, CounterNoticeProcedure, procedure_for
from .models import CounterNoticeStatus as Status
from .states import COUNTER_NOTICE_TRANSITIONS

# The statutory statements, each required; the message names the one missing.
REQUIRED_STATEMENTS = {
    "material": "Describe the material that was removed.",
    "location": "Say where the material appeared before it was removed (the listing's address).",
    "perjury_statement": "Make the statement under penalty of perjury that the material was removed "
                         "by mistake or misidentification.",
    "full_name": "Give your full name.",
    "address": "Give your postal address.",
    "phone": "Give a telephone number.",
    "consent_jurisdiction": "Consent to the jurisdiction of the court for your address.",
    "consent_service": "Agree to accept service of process from the person who sent the notice.",
    "signature": "Sign the counter-notice: type your full name.",
}


# The marketplace's own counter-notice (trademark, design, patent): what the seller must give.
REQUIRED_REVIEWED = {
    "ground": "Choose why the removal was wrong: authorized reseller, genuine goods or non-infringement.",
    "explanation": "Explain why, with the facts the rights holder and the reviewer can check.",
    "material": "Describe the listing that was removed.",
    "full_name": "Give your full name.",
    "signature": "Sign the counter-notice: type your full name.",
}

ALREADY_FILED = "A counter-notice on this decision was already filed."


class CounterNoticeError(Exception):
    """A counter-notice that cannot be filed; `missing` names each statement left out."""

    def __init__(self, message: str, missing: dict[str, str] | None = None):
        self.missing = missing or {}
        super().__init__(message)


@dataclass(frozen=True)
class Statements:
    material: str
    location: str
    perjury_statement: bool
    full_name: str
    address: str
    phone: str
    consent_jurisdiction: bool
    consent_service: bool
    signature: str
    email: str = ""
    ground: str = ""
    explanation: str = ""


def counter_notice_open_on(*, case: Case, decision: Decision) -> str | None:
    """For decisions.challenges: what a waiting counter-notice on `decision` tells someone
    appealing it. (The case's counter-notices: prefetched on list pages.)"""
    if any(n.decision_id == decision.pk and n.status == Status.WAITING for n in case.counter_notices.all()):
        return ("Your counter-notice on this decision is running; the listing comes back on "
                "its date unless the rights holder shows a court action. Appeal after that.")
    return None


def counter_notice_refusal(*, case: Case, decision: Decision | None) -> str | None:
    """Why the seller may not file a counter-notice against `decision`, the case's latest, now;
    None: they may. A restriction in force, not under an open appeal, once per decision."""
    blocked = decision is not None and challenge_open(case=case, decision=decision, other_than="counter_notice")
    if blocked:
        return blocked
    if not restriction_in_force(case=case, decision=decision):
        return "Only a removal in force, not yet appealed, can be answered with a counter-notice."
    if any(n.decision_id == decision.pk for n in case.counter_notices.all()):
        return ALREADY_FILED
    return None


def _check_evidence(files) -> None:
    try:
        evidence_check_filing(files, what="A counter-notice")
    except EvidenceLimitError as exc:
        raise CounterNoticeError(str(exc)) from exc


def _missing(statements: Statements, procedure: str = CounterNoticeProcedure.DMCA) -> dict[str, str]:
    required = REQUIRED_STATEMENTS if procedure == CounterNoticeProcedure.DMCA else REQUIRED_REVIEWED
    missing = {}
    for name, message in required.items():
        value = getattr(statements, name)
        if value is not True and not (isinstance(value, str) and value.strip()):
            missing[name] = message
    if procedure == CounterNoticeProcedure.REVIEWED and statements.ground and \
            statements.ground not in CounterNoticeGround.values:
        missing["ground"] = REQUIRED_REVIEWED["ground"]
    return missing


def _fields_for(statements: Statements, procedure: str) -> dict:
    """What is stored: the statutory statements for DMCA, the ground and explanation otherwise."""
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in statements.__dict__.items()}
    if procedure == CounterNoticeProcedure.REVIEWED:
        # The statutory consents belong to the DMCA procedure; the seller did not make them here.
        values.update(perjury_statement=False, consent_jurisdiction=False, consent_service=False)
    else:
        values.update(ground="", explanation="")
    return values


def counter_notice_file(*, case: Case, user, statements: Statements,
                        evidence: list[EvidenceFile] = ()) -> CounterNotice:
    """A seller files a counter-notice against the removal on their listing, in the procedure of the
    right's kind. Requires its statements (CounterNoticeError naming the missing ones), the listing
    removed by the latest decision, no open appeal on it and no earlier counter-notice. Sets the
    deadlines; tells the rights holder."""
    procedure = procedure_for(case.right.kind)
    missing = _missing(statements, procedure)
    if missing:
        raise CounterNoticeError("The counter-notice is missing: " + " ".join(missing.values()), missing)
    _check_evidence(evidence)
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("listing", "report").get(pk=case.pk)
        if not locked.listing.seller.members.filter(user=user).exists():
            raise CounterNoticeError("You can only file a counter-notice on your own listings.")
        decision = locked.decisions.order_by("-id").first()
        refusal = counter_notice_refusal(case=locked, decision=decision)
        if refusal:
            raise CounterNoticeError(refusal)
        today = timezone.localdate()
        try:
            with transaction.atomic():
                dmca = procedure == CounterNoticeProcedure.DMCA
                notice = CounterNotice.objects.create(
                    case=locked, decision=decision, filed_by=user, procedure=procedure,
                    **_fields_for(statements, procedure),
                    court_action_due=add_business_days(today, settings.COUNTER_NOTICE_COURT_DAYS if dmca
                                                       else settings.COUNTER_NOTICE_ANSWER_DAYS),
                    reinstate_on=add_business_days(today, settings.COUNTER_NOTICE_REINSTATE_DAYS) if dmca else None,
                )
        except IntegrityError as exc:
            raise CounterNoticeError(ALREADY_FILED) from exc
        for file in evidence:
            CounterNoticeEvidence.objects.create(counter_notice=notice, party=Party.SELLER, file=file)
        audit_append(actor=user, action="counter_notice.filed", target=notice, data={
            "case": locked.pk, "procedure": procedure, "court_action_due": notice.court_action_due,
            "reinstate_on": notice.reinstate_on, "files": [f.pk for f in evidence]})
        # The case page shows it at once; the e-mail tells the rights holder what to do and by when.
        notify_on_commit("counter_notice_filed", notice.pk)
    return notice


def _locked_for_rights_holder(notice: CounterNotice, user) -> CounterNotice:
    locked = CounterNotice.objects.select_for_update(of=("self",)).select_related("case__report").get(pk=notice.pk)
    # An open notice's brand has no members: its notifier answers as the report's stand-in reporter
    # account, from the notice's follow link (reporters.open_notice_views).
    stand_in = locked.case.is_open_notice and locked.case.report.reporter_id == user.pk
    if not stand_in and not brands_for_user(user=user).filter(pk=locked.case.brand_id).exists():
        raise CounterNoticeError("Only the reporting brand can answer this counter-notice.")
    if locked.status != Status.WAITING:
        raise CounterNoticeError("This counter-notice is not waiting for you.")
    if timezone.localdate() > locked.court_action_due:
        raise CounterNoticeError(f"The deadline to answer was {dates.deadline(locked.court_action_due)}; "
                                 "it has passed.")
    return locked


def counter_notice_answer(*, notice: CounterNotice, user, answer: str,
                          evidence: list[EvidenceFile] = ()) -> CounterNotice:
    """The reporting brand answers a trademark, design or patent counter-notice by its deadline, with
    evidence: the counter-notice goes to a senior reviewer for a decision."""
    if not answer.strip():
        raise CounterNoticeError("Write your answer: why the removal should stand.")
    _check_evidence(evidence)
    with transaction.atomic():
        locked = _locked_for_rights_holder(notice, user)
        if locked.is_dmca:
            raise CounterNoticeError("A copyright counter-notice is answered with a court filing.")
        for file in evidence:
            CounterNoticeEvidence.objects.create(counter_notice=locked, party=Party.REPORTER, file=file)
        transition(obj=locked, to=Status.FOR_DECISION, actor=user, table=COUNTER_NOTICE_TRANSITIONS,
                   field="status", changes={"answer": answer.strip(), "answered_by": user,
                                            "answered_at": timezone.now()},
                   data={"files": [f.pk for f in evidence]})
    return locked


def counter_notice_decide(*, notice: CounterNotice, senior, reinstate: bool, reason: str) -> CounterNotice:
    """A senior reviewer who took no part in the decision rules on a trademark, design or patent
    counter-notice: reinstate (a decision with its statement of reasons, a reinstate action, the
    strike removed) or reject (the listing stays down). E-mails the ruling to the seller and the
    rights holder after commit."""
    if not reason.strip():
        raise CounterNoticeError("Give the reasons for your decision; the seller and the rights holder read them.")
    with transaction.atomic():
        locked = CounterNotice.objects.select_for_update(of=("self",)).select_related("decision").get(pk=notice.pk)
        if not is_senior(senior):
            raise CounterNoticeError("Only a senior reviewer decides counter-notices.")
        if locked.decision.decided_by_id == senior.pk:
            raise CounterNoticeError("You took the decision this counter-notice contests; a different senior "
                                     "reviewer must decide it.")
        if locked.status != Status.FOR_DECISION:
            raise CounterNoticeError("This counter-notice is not waiting for a decision.")
        changes = {"reviewed_by": senior, "reviewed_at": timezone.now(), "review_note": reason.strip()}
        # The seller and the rights holder read the ruling, its reasons and what follows.
        notify_on_commit("counter_notice_decided", locked.pk)
        if not reinstate:
            transition(obj=locked, to=Status.REJECTED, actor=senior, table=COUNTER_NOTICE_TRANSITIONS,
                       field="status", changes=changes)
            return locked
        case = Case.objects.select_for_update().get(pk=locked.case_id)
        if case.state != CaseState.ACTIONED:
            raise CounterNoticeError("The case has moved on (withdrawn or decided again): nothing to reinstate.")
        decision = decision_record(case=case, actor=senior, reason=REASONS[COUNTER_NOTICE_GRANTED],
                                   supersedes=locked.decision, to_state=CaseState.REINSTATED, facts=reason)
        transition(obj=locked, to=Status.REINSTATED, actor=senior, table=COUNTER_NOTICE_TRANSITIONS,
                   field="status", changes={**changes, "reinstatement": decision})
        action_create(decision=decision, kind=ActionKind.REINSTATE, actor=senior)
        strike_remove(decision=locked.decision, reason="Reinstated on a counter-notice")
    return locked


def court_filing_review(*, notice: CounterNotice, reviewer, confirm: bool, note: str) -> CounterNotice:
    """A reviewer checks the court filing a rights holder uploaded against a copyright counter-notice:
    confirmed, the listing stays down; rejected (not a filing against this seller over this
    material), the counter-notice waits again and its reinstatement day holds. E-mails the check to
    the seller and the rights holder after commit (one step per check: a rejected filing may be
    followed by another, so the step is the check's audit entry)."""
    if not confirm and not note.strip():
        raise CounterNoticeError("Say why the filing is not accepted; the rights holder reads it.")
    with transaction.atomic():
        locked = CounterNotice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
        if not is_reviewer(reviewer):
            raise CounterNoticeError("Only reviewers check court filings.")
        if locked.status != Status.FILING_REVIEW:
            raise CounterNoticeError("No court filing waits for review on this counter-notice.")
        transition(obj=locked, to=Status.COURT_ACTION if confirm else Status.WAITING, actor=reviewer,
                   table=COUNTER_NOTICE_TRANSITIONS, field="status",
                   changes={"reviewed_by": reviewer, "reviewed_at": timezone.now(), "review_note": note.strip()},
                   data={"confirmed": confirm, "note": note.strip()})
        entry = audit_entry_latest(target=locked, action=f"{locked.audit_label.split('.')[1]}.{locked.status}")
        notify_on_commit("court_filing_reviewed", entry.pk)
    return locked


def court_action_show(*, notice: CounterNotice, user, note: str, filing: list[EvidenceFile]) -> CounterNotice:
    """A member of the reporting brand shows, by the due day, that it filed a court action (copyright):
    the filing is uploaded and waits for a reviewer's check; the reinstatement waits meanwhile."""
    if not filing:
        raise CounterNoticeError("Upload the court filing (the complaint as filed, with its case number).")
    _check_evidence(filing)
    with transaction.atomic():
        locked = _locked_for_rights_holder(notice, user)
        if not locked.is_dmca:
            raise CounterNoticeError("This counter-notice is answered with your evidence, not a court filing.")
        for file in filing:
            CounterNoticeEvidence.objects.create(counter_notice=locked, party=Party.REPORTER, file=file)
        transition(obj=locked, to=Status.FILING_REVIEW, actor=user, table=COUNTER_NOTICE_TRANSITIONS,
                   field="status", changes={"court_action_note": note.strip(), "court_action_by": user,
                                            "court_action_at": timezone.now()},
                   data={"files": [f.pk for f in filing]})
    return locked


def counter_notice_reinstate(*, notice_id: int, today=None) -> bool:
    """Reinstate the listing of one waiting counter-notice whose day has come: a system decision with
    its statement of reasons and a reinstate action, through the normal path. Idempotent."""
    with transaction.atomic():
        notice = CounterNotice.objects.select_for_update().filter(pk=notice_id).first()
        today = today or timezone.localdate()
        if (notice is None or notice.status != Status.WAITING or notice.reinstate_on is None
                or notice.reinstate_on > today):
            return False
        case = Case.objects.select_for_update().get(pk=notice.case_id)
        if case.state != CaseState.ACTIONED:
            # Withdrawn or otherwise moved on (issue 4 reinstates a withdrawal itself): nothing to do.
            return False
        decision = decision_record(
            case=case, actor=None, reason=REASONS[COUNTER_NOTICE_NO_COURT_ACTION], automated=True,
            supersedes=notice.decision, to_state=CaseState.REINSTATED,
            facts=f"The seller filed a counter-notice on {dates.day(notice.created_at)}. The rights holder was "
                  f"told the same day and did not show a court action by {dates.deadline(notice.court_action_due)}.",
        )
        transition(obj=notice, to=Status.REINSTATED, actor=None, table=COUNTER_NOTICE_TRANSITIONS,
                   field="status", changes={"reinstatement": decision})
        action_create(decision=decision, kind=ActionKind.REINSTATE, actor=None)
        strike_remove(decision=notice.decision, reason="Reinstated after a counter-notice")
    return True


def counter_notice_to_senior(*, notice_id: int, today=None) -> bool:
    """A trademark, design or patent counter-notice whose answer deadline passed unanswered goes to a
    senior reviewer for a decision (never restored by the clock). Idempotent."""
    today = today or timezone.localdate()
    with transaction.atomic():
        notice = CounterNotice.objects.select_for_update().filter(pk=notice_id).first()
        if (notice is None or notice.status != Status.WAITING or notice.is_dmca
                or notice.court_action_due >= today):
            return False
        transition(obj=notice, to=Status.FOR_DECISION, actor=None, table=COUNTER_NOTICE_TRANSITIONS,
                   field="status", data={"unanswered_by": notice.court_action_due})
    return True


def counter_notices_reinstate_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """The beat task's batch: reinstate every waiting copyright counter-notice whose day has come, and
    pass unanswered reviewed ones to a senior. Returns how many copyright listings came back."""
    today = timezone.localdate(now) if now else timezone.localdate()
    unanswered = list(CounterNotice.objects.filter(status=Status.WAITING, procedure=CounterNoticeProcedure.REVIEWED,
                                                   court_action_due__lt=today)
                      .order_by("court_action_due", "id").values_list("id", flat=True)[:batch])
    for notice_id in unanswered:
        counter_notice_to_senior(notice_id=notice_id, today=today)
    ids = list(CounterNotice.objects.filter(status=Status.WAITING, reinstate_on__lte=today)
               .order_by("reinstate_on", "id").values_list("id", flat=True)[:batch])
    return sum(counter_notice_reinstate(notice_id=i, today=today) for i in ids)
