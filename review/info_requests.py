"""Questions to the reporter: the case waits (needs_info) and comes back to the queue when the
reporter answers or the deadline passes.

An unanswered question returns the case to the open queue rather than rejecting it: silence is
not evidence that the listing is lawful, and a rejection is a decision with a statement of
reasons that a person should take on what the file holds. The case comes back marked "no answer"
and a reviewer usually rejects it for insufficient evidence, or acts if the file already shows
the infringement. The SLA clock stops while the case waits: its due_at moves later by the time
waited, so the queue's overdue order (by due_at) needs no special case.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from audit.services import audit_append
from audit.transitions import transition
from complaints.models import Case, CaseState, InfoAnswerEvidence, InfoRequest
from complaints.states import CASE_TRANSITIONS
from evidence.models import EvidenceFile
from evidence.selectors import evidence_unattached
from registry.selectors import brands_for_user

from .claims import case_check_claim

MAX_WAIT_DAYS = 30


class InfoRequestError(Exception):
    """Refused; `field` names the form field to show it beside."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


def case_request_info(*, case: Case, reviewer, question: str, deadline: datetime | None) -> InfoRequest:
    """Ask the reporter a question on a case the reviewer holds; the case waits until answered
    or until `deadline` (in the future, at most MAX_WAIT_DAYS away). Not on an open notice: its
    notifier has no account to answer in, so the case is decided on what the notice says."""
    if case.is_open_notice:
        raise InfoRequestError("This case comes from a notice by someone without an account, who cannot answer "
                               "questions here. Decide on what the notice says.", field="question")
    question = question.strip()
    if not question:
        raise InfoRequestError("Write the question the reporter should answer.", field="question")
    now = timezone.now()
    if deadline is None:
        raise InfoRequestError("Give a deadline for the answer.", field="deadline")
    if deadline <= now:
        raise InfoRequestError("The deadline is in the past; choose a later date and time.", field="deadline")
    if deadline > now + timedelta(days=MAX_WAIT_DAYS):
        raise InfoRequestError(f"A case waits at most {MAX_WAIT_DAYS} days; choose an earlier deadline.",
                               field="deadline")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        case_check_claim(case=locked, reviewer=reviewer)
        transition(obj=locked, to=CaseState.NEEDS_INFO, actor=reviewer, table=CASE_TRANSITIONS,
                   changes={"claimed_by": None, "claim_expires_at": None})
        request = InfoRequest.objects.create(case=locked, asked_by=reviewer, question=question, deadline=deadline)
        audit_append(actor=reviewer, action="case.info_requested", target=request,
                     data={"case": locked.pk, "deadline": deadline.isoformat()})
    return request


def _return_to_queue(*, request: InfoRequest, actor, now: datetime, data: dict) -> None:
    case = Case.objects.select_for_update().get(pk=request.case_id)
    if case.state != CaseState.NEEDS_INFO:
        return  # withdrawn meanwhile: the question just closes
    # The SLA clock was stopped while the reporter had the question.
    waited = now - request.asked_at
    transition(obj=case, to=CaseState.OPEN, actor=actor, table=CASE_TRANSITIONS,
               changes={"due_at": case.due_at + waited},
               data={**data, "sla_paused_seconds": int(waited.total_seconds())})


def info_request_answer(*, request: InfoRequest, user, answer: str,
                        evidence: Sequence[EvidenceFile] = ()) -> InfoRequest:
    """The reporter's brand answers an open question, optionally with files already checked and
    stored by the evidence app (`evidence`: unattached files `user` uploaded); the files are linked
    to the answer in the same transaction, and the case goes back to the open queue."""
    if not brands_for_user(user=user).filter(pk=request.case.brand_id).exists():
        raise PermissionDenied("Only the reporting brand's members can answer.")
    answer = answer.strip()
    if not answer:
        raise InfoRequestError("Write your answer before sending it.", field="answer")
    with transaction.atomic():
        locked = InfoRequest.objects.select_for_update().get(pk=request.pk)
        if not locked.is_open:
            raise InfoRequestError("This question is closed: it was answered or its deadline passed.",
                                   field="answer")
        files = _own_unattached(evidence, user)
        now = timezone.now()
        locked.answer, locked.answered_by, locked.answered_at = answer, user, now
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        InfoAnswerEvidence.objects.bulk_create([InfoAnswerEvidence(info_request=locked, file=f) for f in files])
        audit_append(actor=user, action="case.info_answered", target=locked,
                     data={"case": locked.case_id, "files": [{"id": f.pk, "sha256": f.sha256} for f in files]})
        _return_to_queue(request=locked, actor=user, now=now, data={"answered": locked.pk})
    return locked


def _own_unattached(files: Sequence[EvidenceFile], user) -> list[EvidenceFile]:
    """The files, re-read: each must be one `user` uploaded and nothing holds yet (a file is filed once)."""
    ids = {f.pk for f in files}
    if not ids:
        return []
    # A race (two answers carrying the same ids) ends at the link's unique file column; this gives the words.
    found = list(evidence_unattached().filter(pk__in=ids, uploaded_by=user).order_by("id"))
    if len(found) != len(ids):
        raise InfoRequestError("A file picked earlier is no longer available; choose it again.",
                               field="evidence_upload")
    return found


def info_requests_expire(*, batch_size: int = 200) -> int:
    """Close questions whose deadline passed; their cases go back to the open queue, marked.
    Batches of `batch_size`, one short transaction each. Returns how many."""
    expired = 0
    while True:
        with transaction.atomic():
            now = timezone.now()
            batch = list(InfoRequest.objects.select_for_update(skip_locked=True)
                         .filter(answered_at__isnull=True, expired_at__isnull=True, deadline__lte=now)
                         .order_by("deadline", "id")[:batch_size])
            for request in batch:
                request.expired_at = now
                request.save(update_fields=["expired_at"])
                audit_append(actor=None, action="case.info_expired", target=request, data={"case": request.case_id})
                _return_to_queue(request=request, actor=None, now=now, data={"unanswered": request.pk})
        expired += len(batch)
        if len(batch) < batch_size:
            return expired


def info_requests_open_for_report(*, report) -> dict[int, InfoRequest]:
    """Open questions on a report's cases, by case id (for the reporter's page)."""
    return {r.case_id: r for r in InfoRequest.objects.filter(case__report=report, answered_at__isnull=True,
                                                            expired_at__isnull=True)}


def info_request_get_for_report(*, report, pk: int) -> InfoRequest:
    """A question on one of `report`'s cases (the caller checked the report's access); 404 otherwise."""
    info = InfoRequest.objects.filter(pk=pk, case__report=report).select_related("case").first()
    if info is None:
        raise Http404("No such question")
    return info
