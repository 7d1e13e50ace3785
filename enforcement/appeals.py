"""Appeals beyond the seller's own: a rights holder appealing the rejection of their report, and
the other side's response to an open appeal. The ruling is enforcement.services.appeal_decide."""

from django.db import IntegrityError, transaction

from audit.services import audit_append
from audit.transitions import transition
from complaints.models import Case, CaseState, Outcome
from complaints.states import CASE_TRANSITIONS
from evidence.models import EvidenceFile
from registry.selectors import brands_for_user

from .models import Appeal, AppealParty, AppealResponse, AppealStatus
from .services import AppealError, appeal_check_evidence, appeal_check_window, appeal_link_evidence


def appeal_file_by_reporter(*, case: Case, user, statement: str, evidence: list[EvidenceFile] = ()) -> Appeal:
    """A member of the reporting brand appeals the rejection of the report on this case, once, within
    APPEAL_WINDOW_DAYS. The case goes rejected → appealed; a senior who did not reject it rules."""
    if not statement.strip():
        raise AppealError("Explain why the rejection is wrong; the senior reviewer reads this.")
    appeal_check_evidence(evidence)
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("report").get(pk=case.pk)
        if not brands_for_user(user=user).filter(pk=locked.report.brand_id).exists():
            raise AppealError("You can only appeal decisions on your brand's reports.")
        decision = locked.decisions.order_by("-id").first()
        if decision is not None and Appeal.objects.filter(decision=decision).exists():
            raise AppealError("You already appealed this decision; one appeal per decision.")
        if locked.state != CaseState.REJECTED or decision is None or decision.outcome != Outcome.REJECT:
            raise AppealError("Only a rejection of your report can be appealed here.")
        if decision.reason_code == "notifier_suspended":
            raise AppealError("These notices were closed because your notice processing is suspended; "
                              "see Notice standing for why and how to ask for it to be lifted.")
        appeal_check_window(decision)
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(decision=decision, case=locked, filed_by=user,
                                               party=AppealParty.REPORTER, statement=statement.strip())
        except IntegrityError as exc:  # race: a colleague appealed the same decision a moment ago
            raise AppealError("You already appealed this decision; one appeal per decision.") from exc
        audit_append(actor=user, action="appeal.filed", target=appeal, data={"case": locked.pk, "party": "reporter"})
        appeal_link_evidence(appeal=appeal, files=evidence, actor=user)
        transition(obj=locked, to=CaseState.APPEALED, actor=user, table=CASE_TRANSITIONS,
                   data={"appeal": appeal.pk})
    return appeal


def appeal_party_of(*, appeal: Appeal, user) -> str | None:
    """Which side `user` is on for this appeal's case (seller, reporter), or None."""
    case = appeal.case
    if case.listing.seller.members.filter(user=user).exists():
        return AppealParty.SELLER
    if brands_for_user(user=user).filter(pk=case.report.brand_id).exists():
        return AppealParty.REPORTER
    return None


def appeal_respond(*, appeal: Appeal, user, statement: str, evidence: list[EvidenceFile] = ()) -> AppealResponse:
    """The other side answers an open appeal with a statement and evidence, before the ruling."""
    if not statement.strip():
        raise AppealError("Write your response; the senior reviewer reads it before ruling.")
    appeal_check_evidence(evidence)
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
        appeal_link_evidence(appeal=locked, files=evidence, actor=user, response=response)
    return response
