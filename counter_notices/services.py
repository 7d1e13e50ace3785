"""Counter-notices: the seller's statutory answer to a removal, and the deadlines the system keeps.

After a counter-notice the rights holder has COUNTER_NOTICE_COURT_DAYS business days to show a
court action (upload the filing); otherwise the beat task reinstates the listing on the
COUNTER_NOTICE_REINSTATE_DAYS-th business day (DMCA §512(g)(2)(C): not less than 10 nor more than
14 business days). Offered for every IP type, not only copyright.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionKind
from actions.services import action_create
from audit.services import audit_append
from audit.transitions import transition
from common.business_days import add_business_days
from complaints.models import Case, CaseState, Decision, Party
from complaints.reasons import COUNTER_NOTICE_NO_COURT_ACTION, REASONS
from complaints.records import decision_record
from decisions.challenges import challenge_open, restriction_in_force
from evidence.models import EvidenceFile
from evidence.services import EvidenceLimitError, evidence_check_filing
from notifications.mails import brand_admin_emails
from registry.selectors import brands_for_user
from suspensions.services import strike_remove

from .models import CounterNotice, CounterNoticeEvidence
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


def _missing(statements: Statements) -> dict[str, str]:
    missing = {}
    for name, message in REQUIRED_STATEMENTS.items():
        value = getattr(statements, name)
        if value is not True and not (isinstance(value, str) and value.strip()):
            missing[name] = message
    return missing


def counter_notice_file(*, case: Case, user, statements: Statements,
                        evidence: list[EvidenceFile] = ()) -> CounterNotice:
    """A seller files a counter-notice against the removal on their listing. Requires every statutory
    statement (CounterNoticeError naming the missing ones), the listing removed by the latest decision,
    no open appeal on it and no earlier counter-notice. Sets the deadlines; tells the rights holder."""
    missing = _missing(statements)
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
                notice = CounterNotice.objects.create(
                    case=locked, decision=decision, filed_by=user,
                    **{k: (v.strip() if isinstance(v, str) else v) for k, v in statements.__dict__.items()},
                    court_action_due=add_business_days(today, settings.COUNTER_NOTICE_COURT_DAYS),
                    reinstate_on=add_business_days(today, settings.COUNTER_NOTICE_REINSTATE_DAYS),
                )
        except IntegrityError as exc:
            raise CounterNoticeError(ALREADY_FILED) from exc
        for file in evidence:
            CounterNoticeEvidence.objects.create(counter_notice=notice, party=Party.SELLER, file=file)
        audit_append(actor=user, action="counter_notice.filed", target=notice, data={
            "case": locked.pk, "court_action_due": notice.court_action_due, "reinstate_on": notice.reinstate_on,
            "files": [f.pk for f in evidence]})
        _tell_rights_holder_on_commit(notice, locked)
    return notice


def _tell_rights_holder_on_commit(notice: CounterNotice, case: Case) -> None:
    # The case page shows it at once; the email is a courtesy copy to the report's contact (to the
    # brand's admins for a case automatic detection opened: there is no report).
    report = case.report
    url = settings.SITE_URL.rstrip("/") + reverse("reporters:case", args=[case.pk])
    body = (
        f"The seller of listing {case.listing.external_id} filed a counter-notice against the removal "
        f"on {'your report ' + report.reference if report else 'automatic detection for ' + str(case.brand)} "
        f"(case {case.reference}).\n\n"
        f"If you have filed a court action to restrain the seller, upload the filing by "
        f"{notice.court_action_due:%A %d %B %Y} on the case page: {url}\n"
        f"Otherwise the listing is reinstated on {notice.reinstate_on:%A %d %B %Y}."
    )
    transaction.on_commit(lambda: send_mail(
        f"Counter-notice on {case.reference}: act by {notice.court_action_due:%Y-%m-%d}", body,
        None, [report.contact_email] if report else brand_admin_emails(case.brand), fail_silently=True), robust=True)


def court_action_show(*, notice: CounterNotice, user, note: str, filing: list[EvidenceFile]) -> CounterNotice:
    """A member of the reporting brand shows, by the due day, that it filed a court action: the
    filing is uploaded, the counter-notice closes and the listing stays down."""
    if not filing:
        raise CounterNoticeError("Upload the court filing (the complaint as filed, with its case number).")
    _check_evidence(filing)
    with transaction.atomic():
        locked = CounterNotice.objects.select_for_update(of=("self",)).select_related("case__report").get(pk=notice.pk)
        if not brands_for_user(user=user).filter(pk=locked.case.brand_id).exists():
            raise CounterNoticeError("Only the reporting brand can answer this counter-notice.")
        if locked.status != Status.WAITING:
            raise CounterNoticeError("This counter-notice is closed.")
        if timezone.localdate() > locked.court_action_due:
            raise CounterNoticeError(f"The deadline to show a court action was {locked.court_action_due:%Y-%m-%d}; "
                                     "it has passed.")
        for file in filing:
            CounterNoticeEvidence.objects.create(counter_notice=locked, party=Party.REPORTER, file=file)
        transition(obj=locked, to=Status.COURT_ACTION, actor=user, table=COUNTER_NOTICE_TRANSITIONS,
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
        if notice is None or notice.status != Status.WAITING or notice.reinstate_on > today:
            return False
        case = Case.objects.select_for_update().get(pk=notice.case_id)
        if case.state != CaseState.ACTIONED:
            # Withdrawn or otherwise moved on (issue 4 reinstates a withdrawal itself): nothing to do.
            return False
        decision = decision_record(
            case=case, actor=None, reason=REASONS[COUNTER_NOTICE_NO_COURT_ACTION], automated=True,
            supersedes=notice.decision, to_state=CaseState.REINSTATED,
            facts=f"The seller filed a counter-notice on {notice.created_at:%Y-%m-%d}. The rights holder "
                  f"was told the same day and did not show a court action by {notice.court_action_due:%Y-%m-%d}.",
        )
        transition(obj=notice, to=Status.REINSTATED, actor=None, table=COUNTER_NOTICE_TRANSITIONS,
                   field="status", changes={"reinstatement": decision})
        action_create(decision=decision, kind=ActionKind.REINSTATE, actor=None)
        strike_remove(decision=notice.decision, reason="Reinstated after a counter-notice")
    return True


def counter_notices_reinstate_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """The beat task's batch: reinstate every waiting counter-notice whose day has come. Returns how many."""
    today = timezone.localdate(now) if now else timezone.localdate()
    ids = list(CounterNotice.objects.filter(status=Status.WAITING, reinstate_on__lte=today)
               .order_by("reinstate_on", "id").values_list("id", flat=True)[:batch])
    return sum(counter_notice_reinstate(notice_id=i, today=today) for i in ids)
