"""Writes for reports and cases. Each function is one business operation in one transaction."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_append
from audit.transitions import transition
from evidence.models import EvidenceFile
from evidence.services import evidence_delete
from listings.models import Listing
from registry.models import Brand, IPRight, RightStatus
from registry.selectors import brands_for_user

from .models import UNDECIDED_STATES, Case, CaseState, Decision, Report, ReportDraft, ReportEvidence
from .reasons import Reason, statement_compose
from .signals import report_submitted
from .states import CASE_TRANSITIONS


class ReportError(Exception):
    """A report that cannot be filed; `field` names the form field to show it beside."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


class CaseError(Exception):
    pass


MAX_LISTINGS_PER_REPORT = 300


def case_priority(*, brand: Brand, right: IPRight) -> int:
    if brand.trusted_flagger and right.is_verified:
        return 0
    return 1 if right.is_verified else 2


def report_submit(
    *, reporter, brand: Brand, right: IPRight, capacity: str, infringement_type: str,
    explanation: str, contact_email: str, listings: list[Listing], declarations: dict[str, bool],
    signature: str, evidence: list[EvidenceFile] = (), draft: ReportDraft | None = None,
) -> Report:
    """File a report and open one case per listing, all or nothing.

    Requires the reporter to act for `brand` and `right` to be the brand's. Refuses a listing that
    already has an undecided case for the same right (ReportError naming it). `evidence` files
    (uploaded, not yet filed with a report) are linked to it; `draft`, if given, is deleted.
    """
    if not brands_for_user(user=reporter).filter(pk=brand.pk).exists():
        raise ReportError("You are not a member of this brand.", field="brand")
    if right.brand_id != brand.pk:
        raise ReportError("Choose one of this brand's registered rights.", field="right")
    if right.status in (RightStatus.REJECTED, RightStatus.EXPIRED):
        raise ReportError(f"This right is {right.get_status_display().lower()}; it cannot support a report. "
                          "Choose a pending or verified right.", field="right")
    if not listings:
        raise ReportError("Add at least one listing.", field="listings")
    if len(listings) > MAX_LISTINGS_PER_REPORT:
        raise ReportError(f"A report takes at most {MAX_LISTINGS_PER_REPORT} listings.", field="listings")
    if not all(declarations.get(k) for k in ("good_faith", "accurate", "authority")):
        raise ReportError("Tick every declaration to file the report.", field="declarations")
    if not signature.strip():
        raise ReportError("Type your full name as your signature.", field="signature")

    _check_evidence(evidence)

    with transaction.atomic():
        taken = dict(
            Case.objects.filter(listing__in=listings, right=right, state__in=UNDECIDED_STATES)
            .values_list("listing__external_id", "id")
        )
        if taken:
            ids = ", ".join(f"{lid} (case C-{cid})" for lid, cid in sorted(taken.items()))
            raise ReportError(f"Already under review for this right: {ids}. Remove them from this "
                              "report; you can follow them on the existing reports.", field="listings")
        report = Report.objects.create(
            brand=brand, right=right, reporter=reporter, kind=right.kind, capacity=capacity,
            infringement_type=infringement_type, explanation=explanation, contact_email=contact_email,
            decl_good_faith=True, decl_accurate=True, decl_authority=True,
            signature=signature.strip(), signed_at=timezone.now(),
        )
        audit_append(actor=reporter, action="report.submitted", target=report,
                     data={"listings": [lst.external_id for lst in listings], "right": right.pk})
        priority = case_priority(brand=brand, right=right)
        for listing in listings:
            try:
                with transaction.atomic():
                    case = Case.objects.create(report=report, listing=listing, right=right,
                                               priority=priority, listing_snapshot=listing.snapshot())
            except IntegrityError as exc:  # race: another report opened it since we checked
                raise ReportError(f"Listing {listing.external_id} was reported for this right a "
                                  "moment ago; remove it and submit again.", field="listings") from exc
            audit_append(actor=reporter, action="case.open", target=case, data={"report": report.pk})
        for file in evidence:
            ReportEvidence.objects.create(report=report, file=file)
        if evidence:
            audit_append(actor=reporter, action="report.evidence", target=report,
                         data={"files": [{"id": f.pk, "sha256": f.sha256} for f in evidence]})
        if draft is not None:
            draft.delete()
        report_submitted.send(sender=Report, report=report)
    return report


def _check_evidence(evidence) -> None:
    if len(evidence) > settings.EVIDENCE_MAX_OWNER_FILES:
        raise ReportError(f"A report takes at most {settings.EVIDENCE_MAX_OWNER_FILES} evidence files.",
                          field="evidence_upload")
    if sum(f.size for f in evidence) > settings.EVIDENCE_MAX_OWNER_BYTES:
        raise ReportError(f"A report takes at most {settings.EVIDENCE_MAX_OWNER_BYTES // (1024 * 1024)} MB "
                          "of evidence in all. Remove a file.", field="evidence_upload")
    # A file is filed with one report only: OneToOne on ReportEvidence.file enforces it; say so first.
    filed = [f.original_name for f in evidence if ReportEvidence.objects.filter(file=f).exists()]
    if filed:
        raise ReportError(f"Already filed with another report: {', '.join(filed)}. Upload it again.",
                          field="evidence_upload")


def report_draft_save(*, user, brand: Brand, data: dict, evidence: list[EvidenceFile],
                      right: IPRight | None = None, draft: ReportDraft | None = None) -> ReportDraft:
    """Create or update a draft of the brand's report with the typed `data` and the `evidence`.

    Requires `user` to act for `brand`. Files dropped from the draft are deleted.
    """
    if not brands_for_user(user=user).filter(pk=brand.pk).exists():
        raise ReportError("You are not a member of this brand.", field="right")
    with transaction.atomic():
        if draft is None:
            draft = ReportDraft.objects.create(brand=brand, right=right, created_by=user, data=data)
            audit_append(actor=user, action="report_draft.created", target=draft)
            dropped = []
        else:
            draft = ReportDraft.objects.select_for_update().get(pk=draft.pk)
            draft.right, draft.data = right, data
            draft.save(update_fields=["right", "data", "updated_at"])
            keep = {f.pk for f in evidence}
            dropped = [f for f in draft.evidence.all() if f.pk not in keep]
        draft.evidence.set(evidence)
        if dropped:
            evidence_delete(files=dropped, actor=user)
    return draft


def report_draft_delete(*, user, draft: ReportDraft) -> None:
    """Delete a draft and the files uploaded to it (they were never filed)."""
    if not brands_for_user(user=user).filter(pk=draft.brand_id).exists():
        raise ReportError("You are not a member of this brand.")
    with transaction.atomic():
        files = list(draft.evidence.all())
        audit_append(actor=user, action="report_draft.deleted", target=draft,
                     data={"files": [f.pk for f in files]})
        draft.delete()
        evidence_delete(files=files, actor=user)


def case_claim_next(*, reviewer) -> Case | None:
    """Give `reviewer` the next open case by priority then age, or None when the queue is empty.

    The row lock is held only for this short transaction; the claim then lives in
    claimed_by/claim_expires_at while the reviewer reads.
    """
    with transaction.atomic():
        # Race: reviewers pressing "claim next" at once; SKIP LOCKED hands each a different row.
        case = (
            Case.objects.select_for_update(skip_locked=True)
            .filter(Q(state=CaseState.OPEN) | _claim_expired())
            .order_by("priority", "created_at", "id")
            .first()
        )
        if case is None:
            return None
        return _claim(case=case, reviewer=reviewer)


def case_claim(*, case: Case, reviewer) -> Case:
    """Claim one specific open case."""
    with transaction.atomic():
        return _claim(case=case, reviewer=reviewer)


def _claim_expired() -> Q:
    return Q(state=CaseState.IN_REVIEW, claim_expires_at__lte=timezone.now())


def _claim(*, case: Case, reviewer) -> Case:
    if not reviewer.is_reviewer:
        raise CaseError("Only reviewers can claim cases.")
    # A claim its holder abandoned would strand the case in review: give it back to the queue
    # first (audited, so the log shows whose claim lapsed), then claim it as an open case.
    lapsed = Case.objects.select_for_update().filter(_claim_expired(), pk=case.pk).first()
    if lapsed is not None:
        transition(obj=lapsed, to=CaseState.OPEN, actor=None, table=CASE_TRANSITIONS,
                   changes={"claimed_by": None, "claim_expires_at": None},
                   data={"claim_expired": lapsed.claimed_by.get_username()})
    expires = timezone.now() + timedelta(minutes=settings.REVIEW_CLAIM_MINUTES)
    return transition(obj=case, to=CaseState.IN_REVIEW, actor=reviewer, table=CASE_TRANSITIONS,
                      changes={"claimed_by": reviewer, "claim_expires_at": expires})


def case_release(*, case: Case, reviewer) -> Case:
    """Give a claimed case back to the queue."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.claimed_by_id != reviewer.pk:
            raise CaseError("You do not hold this case.")
        return transition(obj=case, to=CaseState.OPEN, actor=reviewer, table=CASE_TRANSITIONS,
                          changes={"claimed_by": None, "claim_expires_at": None})


def case_check_claim(*, case: Case, reviewer) -> None:
    """Raise CaseError unless `reviewer` holds a live claim on `case` (row must be locked)."""
    if case.state != CaseState.IN_REVIEW:
        raise CaseError(f"This case is {case.get_state_display().lower()}; it can no longer be decided.")
    if case.claimed_by_id != reviewer.pk:
        raise CaseError("Another reviewer holds this case. Claim a case before deciding it.")
    if case.claim_expires_at is None or case.claim_expires_at <= timezone.now():
        raise CaseError("Your claim on this case expired. Claim it again to decide.")


def decision_record(*, case: Case, actor, reason: Reason, facts: str, to_state: str,
                    supersedes: Decision | None = None) -> Decision:
    """Record a decision and move the case. Building block of the enforcement services, which
    create the enforcement actions in the same transaction; call those, not this."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("decision_record must run inside the enforcement service's transaction")
    if not facts.strip():
        raise CaseError("Give the facts behind the decision; the seller reads them.")
    changes = {"claimed_by": None, "claim_expires_at": None} if case.state == CaseState.IN_REVIEW else {}
    transition(obj=case, to=to_state, actor=actor, table=CASE_TRANSITIONS, changes=changes,
               data={"reason": reason.code})
    decision = Decision.objects.create(
        case=case, outcome=reason.outcome, reason_code=reason.code, decided_by=actor,
        statement=statement_compose(case=case, reason=reason, facts=facts), supersedes=supersedes,
    )
    audit_append(actor=actor, action=f"decision.{reason.outcome}", target=decision,
                 data={"case": case.pk, "reason": reason.code})
    return decision
