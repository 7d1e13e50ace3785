"""Reads for the reviewer's case page: what changed on the listing, the reporter's and the
seller's records, related open cases, notes and questions. Reviewers only (the caller checks with
selectors.case_get_for_reviewer). A fixed number of queries whatever the records' sizes."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.urls import reverse

from accounts.permissions import is_senior
from audit.selectors import audit_entries_for
from complaints.kinds import report_details_display
from complaints.models import (
    UNDECIDED_STATES,
    Case,
    CaseNote,
    CaseState,
    InfoAnswerEvidence,
    InfoRequest,
    Priority,
)
from complaints.selectors import report_evidence
from imagery.selectors import case_pictures, image_pair_for_case, linked_sellers
from listings.models import ListingStatus

from .forms import DecideForm, NoteForm, ReassignForm, RequestInfoForm

# Decided states as the reporter's record counts them.
ACTIONED_STATES = (CaseState.ACTIONED, CaseState.APPEALED, CaseState.UPHELD, CaseState.REINSTATED)
# Open or claimed: no answer awaited from the reporter.
OPEN_OR_CLAIMED = (CaseState.OPEN, CaseState.IN_REVIEW)


@dataclass
class FieldDiff:
    label: str
    then: str
    now: str

    @property
    def changed(self) -> bool:
        return self.then != self.now


@dataclass
class Record:
    """Decided cases of a brand (as reporter) or a seller: counts by result."""

    decided: int = 0
    actioned: int = 0
    rejected: int = 0
    reversed: int = 0   # reinstated on appeal
    open: int = 0
    by_state: dict = field(default_factory=dict)

    def pct(self, n: int) -> int | None:
        return round(100 * n / self.decided) if self.decided else None

    @property
    def actioned_pct(self):
        return self.pct(self.actioned)

    @property
    def rejected_pct(self):
        return self.pct(self.rejected)

    @property
    def reversed_pct(self):
        return self.pct(self.reversed)


def listing_diff(*, case: Case) -> list[FieldDiff]:
    """The listing as reported beside the listing now, field by field."""
    then, now = case.listing_snapshot, case.listing
    return [
        FieldDiff("Title", then.get("title", ""), now.title),
        FieldDiff("Brand field", then.get("brand_name", ""), now.brand_name),
        FieldDiff("Seller", then.get("seller", ""), now.seller.name),
        FieldDiff("Ships from", then.get("ships_from", ""), now.ships_from),
        FieldDiff("Price", f"{then.get('price', '')} {then.get('currency', '')}".strip(),
                  f"{now.price} {now.currency}"),
        FieldDiff("Status", _status_label(then.get("status", "")), now.get_status_display()),
        FieldDiff("Description", then.get("description", ""), now.description),
    ]


def _status_label(value: str) -> str:
    return ListingStatus(value).label if value in ListingStatus.values else value


def _record(rows) -> Record:
    rec = Record()
    for state, n in rows:
        rec.by_state[state] = n
        if state in UNDECIDED_STATES:
            rec.open += n
        elif state in ACTIONED_STATES:
            rec.actioned += n
        elif state == CaseState.REJECTED:
            rec.rejected += n
        if state == CaseState.REINSTATED:
            rec.reversed += n
    rec.decided = rec.actioned + rec.rejected
    return rec


def reporter_record(*, case: Case) -> Record:
    """The reporting brand's cases (all its reports): one grouped query on case_brand_queue_idx."""
    return _record(Case.objects.filter(brand_id=case.brand_id).values_list("state")
                   .annotate(n=Count("id")).order_by())


def seller_record(*, case: Case) -> Record:
    """The seller's cases other than this one, by state."""
    return _record(Case.objects.filter(listing__seller_id=case.listing.seller_id).exclude(pk=case.pk)
                   .values_list("state").annotate(n=Count("id")).order_by())


def seller_previous_cases(*, case: Case, limit: int = 10) -> list[Case]:
    """The seller's latest decided cases, with their latest decision's outcome."""
    return list(Case.objects.filter(listing__seller_id=case.listing.seller_id).exclude(pk=case.pk)
                .exclude(state__in=UNDECIDED_STATES).exclude(state=CaseState.WITHDRAWN)
                .select_related("listing", "brand").order_by("-id")[:limit])


def related_open_cases(*, case: Case, limit: int = 20) -> list[Case]:
    """Other undecided cases on the same listing or the same seller (same listing first)."""
    rows = list(Case.objects.filter(Q(listing_id=case.listing_id) | Q(listing__seller_id=case.listing.seller_id),
                                    state__in=UNDECIDED_STATES).exclude(pk=case.pk)
                .select_related("listing", "brand", "claimed_by").order_by("-id")[:limit])
    return sorted(rows, key=lambda c: (c.listing_id != case.listing_id, -c.pk))


def case_notes(*, case: Case) -> list[CaseNote]:
    return list(case.notes.select_related("author").order_by("id"))


def case_info_requests(*, case: Case) -> list[InfoRequest]:
    """The case's questions with their answers and the files sent with each answer."""
    files = Prefetch("evidence_links", queryset=InfoAnswerEvidence.objects.select_related("file").order_by("id"))
    return list(case.info_requests.select_related("asked_by", "answered_by").prefetch_related(files).order_by("id"))


def _reviewer_thumbnail(pk: int) -> str:
    return reverse("imagery:listing_image_thumbnail", args=[pk])  # reviewers see every listing picture


def lane_label(priority: int) -> str:
    return Priority(priority).label


def case_page_context(case, user, **extra) -> dict:
    decisions = list(case.decisions.select_related("decided_by").order_by("id"))
    lapsed = case.claim_lapsed
    info_requests = case_info_requests(case=case)
    return {
        "case": case,
        "report": case.report,
        "evidence": report_evidence(report=case.report) if case.report_id else [],
        "listing": case.listing,
        "snapshot": case.listing_snapshot,
        "diff": listing_diff(case=case),
        "reporter_record": reporter_record(case=case),
        "seller_record": seller_record(case=case),
        "seller_previous": seller_previous_cases(case=case),
        "related_open": related_open_cases(case=case),
        "notes": case_notes(case=case),
        "info_requests": info_requests,
        "lane": lane_label(case.priority),
        "decisions": decisions,
        "timeline": audit_entries_for(targets=[case, *decisions, *info_requests]),
        "holds_claim": case.claimed_by_id == user.pk and case.is_in_review and not lapsed,
        "can_claim": case.is_open or lapsed,
        "decide_form": DecideForm(kind=case.kind),
        "info_form": RequestInfoForm(),
        "note_form": NoteForm(),
        "other_undecided": (case.report.cases.filter(state__in=OPEN_OR_CLAIMED).exclude(pk=case.pk).count()
                            if case.report_id else 0),
        "reassign_form": ReassignForm() if is_senior(user) and case.state in OPEN_OR_CLAIMED else None,
        "details": report_details_display(report=case.report) if case.report_id else [],
        "case_pictures": case_pictures(case=case, src=_reviewer_thumbnail),
        "image_pair": image_pair_for_case(case=case),
        "linked_sellers": linked_sellers(seller_id=case.listing.seller_id),
        **extra,
    }
