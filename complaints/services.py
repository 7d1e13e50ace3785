"""Writes for reports and cases. Each function is one business operation in one transaction."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_append
from audit.transitions import transition
from listings.models import Listing
from registry.models import Brand, IPRight, RightStatus
from registry.selectors import brands_for_user

from .models import UNDECIDED_STATES, Case, CaseState, Decision, Report
from .reasons import Reason, statement_compose
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
    signature: str,
) -> Report:
    """File a report and open one case per listing, all or nothing.

    Requires the reporter to act for `brand` and `right` to be the brand's. Refuses a listing that
    already has an undecided case for the same right (ReportError naming it).
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
    return report


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
