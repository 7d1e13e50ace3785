"""Writes for reports and cases. Each function is one business operation in one transaction."""


from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_append, audit_append_many
from common import dates
from evidence.models import EvidenceFile
from evidence.services import evidence_delete
from imagery.selectors import images_snapshots
from listings.models import Listing
from notifications.services import notify_on_commit
from registry.models import Brand, IPRight, RightStatus
from registry.selectors import brands_for_user, membership
from registry.services import RegistryError, right_describe_unregistered
from registry.unregistered import DescribeError, unregistered_right_clean

from .kinds import DetailsError, details_clean
from .lanes import case_priority
from .models import (
    RESTRICTING_OUTCOMES,
    UNDECIDED_STATES,
    Case,
    CaseSource,
    CaseState,
    Report,
    ReportCaseLink,
    ReportDraft,
    ReporterCapacity,
    ReportEvidence,
)
from .sanctions import reporter_suspension
from .sla import case_due_at


class ReportError(Exception):
    """A report that cannot be filed; `field` names the form field to show it beside."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


MAX_LISTINGS_PER_REPORT = 300


def report_submit(
    *, reporter, brand: Brand, right: IPRight | None = None, capacity: str, explanation: str,
    contact_email: str, listings: list[Listing], declarations: dict[str, bool], signature: str,
    infringement_type: str = "", details: dict | None = None, evidence: list[EvidenceFile] = (),
    draft: ReportDraft | None = None, max_listings: int = MAX_LISTINGS_PER_REPORT,
    unregistered_right: dict | None = None,
) -> Report:
    """File a report and open one case per listing, all or nothing.

    Requires the reporter to act for `brand` (an agent: with an authorization in force, filing as
    agent) and either `right`, one of the brand's, or `unregistered_right`: the description of a
    right that is not registered ({"kind": ..., and the fields of registry.unregistered.SPECS}),
    created for the brand in this transaction, whose cases go to the lowest lane. `details` are the
    kind's answers (complaints.kinds). Duplicate listings are merged; a listing that already has an
    undecided case for the same right is linked to that case instead (report.case_links). Cases,
    links and their audit entries are bulk inserts: no query per listing. `evidence` is linked;
    `draft`, if given, is deleted; the confirmation email goes out after commit.
    """
    member = membership(user=reporter, brand=brand)
    if member is None:
        raise ReportError("You are not a member of this brand, or your authorization as its agent has "
                          "ended. Ask a brand admin to renew it.", field="brand")
    kind = _check_right(brand=brand, right=right, unregistered_right=unregistered_right)
    _check_not_suspended(reporter=reporter, brand=brand)
    if capacity not in ReporterCapacity.values:
        raise ReportError("Say whether you are the owner or an authorized agent.", field="capacity")
    if member.is_agent and capacity != ReporterCapacity.AGENT:
        raise ReportError("You act for this brand as its agent: file as an authorized agent.", field="capacity")
    if not explanation.strip():
        raise ReportError("Explain how the listings infringe the right.", field="explanation")
    listings = list({lst.pk: lst for lst in listings}.values())  # duplicates merged, order kept
    if not listings:
        raise ReportError("Add at least one listing.", field="listings")
    if len(listings) > max_listings:
        raise ReportError(f"{len(listings)} listings given; a report takes at most {max_listings}. "
                          "Split them over several reports.", field="listings")
    if not all(declarations.get(k) for k in ("good_faith", "accurate", "authority")):
        raise ReportError("Tick every declaration to file the report.", field="declarations")
    if not signature.strip():
        raise ReportError("Type your full name as your signature.", field="signature")
    values = dict(details or {})
    if infringement_type:
        values["infringement_type"] = infringement_type
    try:
        infringement_type, details = details_clean(kind=kind, values=values, evidence_count=len(evidence))
    except DetailsError as exc:
        raise ReportError(str(exc), field=exc.field) from exc

    _check_evidence(evidence)

    with transaction.atomic():
        if right is None:
            try:
                right = right_describe_unregistered(brand=brand, by=reporter, kind=kind, values={
                    k: v for k, v in unregistered_right.items() if k != "kind"})
            except RegistryError as exc:  # checked above; only a change since then gets here
                raise ReportError(str(exc), field=f"unregistered_right.{exc.field}") from exc
        report = Report.objects.create(
            brand=brand, right=right, reporter=reporter, kind=right.kind, capacity=capacity,
            infringement_type=infringement_type, details=details, explanation=explanation,
            contact_email=contact_email, decl_good_faith=True, decl_accurate=True, decl_authority=True,
            signature=signature.strip(), signed_at=timezone.now(),
        )
        audit_append(actor=reporter, action="report.submitted", target=report,
                     data={"listings": [lst.external_id for lst in listings], "right": right.pk})
        _open_cases(report=report, listings=listings, reporter=reporter)
        for file in evidence:
            ReportEvidence.objects.create(report=report, file=file)
        if evidence:
            audit_append(actor=reporter, action="report.evidence", target=report,
                         data={"files": [{"id": f.pk, "sha256": f.sha256} for f in evidence]})
        if draft is not None:
            draft.delete()
        notify_on_commit("report_received", report.pk)
    return report


def _check_right(*, brand: Brand, right: IPRight | None, unregistered_right: dict | None) -> str:
    """The report's kind, once the right (or the description of an unregistered one) can support it."""
    if (right is None) == (unregistered_right is None):
        raise ReportError("Choose one of this brand's rights, or describe a right that is not registered "
                          "(not both).", field="right")
    if right is None:
        kind = str(unregistered_right.get("kind") or "")
        try:
            unregistered_right_clean(kind=kind, values=unregistered_right)
        except DescribeError as exc:
            raise ReportError(str(exc), field=f"unregistered_right.{exc.field}") from exc
        return kind
    if right.brand_id != brand.pk:
        raise ReportError("Choose one of this brand's registered rights.", field="right")
    if right.status in (RightStatus.REJECTED, RightStatus.EXPIRED):
        raise ReportError(f"This right is {right.get_status_display().lower()}; it cannot support a report. "
                          "Choose a pending or verified right.", field="right")
    return right.kind


def _check_not_suspended(*, reporter, brand: Brand) -> None:
    if brand.held_for_review:
        raise ReportError(f"{brand} is held for review by trust and safety before it can file notices: "
                          f"{brand.hold_reason} You will be told when it is released.", field="right")
    sanction = reporter_suspension(reporter=reporter, brand=brand)
    if sanction is not None:
        raise ReportError(f"Notice processing for {sanction.subject_label} is suspended since "
                          f"{dates.day(sanction.decided_at)}: {sanction.reason} See Notice standing for "
                          "your figures and how to ask for the suspension to be lifted.", field="right")


def _open_cases(*, report: Report, listings: list[Listing], reporter, source: str | None = None,
                priority: int | None = None) -> None:
    """One case per listing, or a link to the undecided case the listing already has for this right.
    `source` and `priority` default to the brand's (complaints.lanes); open notices set their own."""
    right = report.right
    taken: dict[int, Case] = {}
    for chunk in _chunks(listings, 1000):
        # Lock them: a decision or withdrawal racing this report must not leave a link to a case
        # that was just decided (the link would then point at a case the reporter cannot follow).
        for case in (Case.objects.select_for_update()
                     .filter(listing__in=[lst.pk for lst in chunk], right=right, state__in=UNDECIDED_STATES)):
            taken[case.listing_id] = case
    if priority is None:
        priority = case_priority(brand=report.brand, right=right)
    if source is None:
        source = CaseSource.TRUSTED_FLAGGER if report.brand.trusted_flagger else CaseSource.REPORT
    due_at = case_due_at(priority=priority, created_at=timezone.now())
    # bulk_create skips Case.save(): set the queue's denormalized brand and kind here.
    fresh = [lst for lst in listings if lst.pk not in taken]
    # The pictures as reported, read in one query for the whole report.
    images = images_snapshots(listing_ids=[lst.pk for lst in fresh])
    new = [Case(report=report, listing=lst, right=right, brand=report.brand, kind=right.kind, priority=priority,
                source=source, due_at=due_at, listing_snapshot={**lst.snapshot(), "images": images[lst.pk]})
           for lst in fresh]
    try:
        with transaction.atomic():
            Case.objects.bulk_create(new, batch_size=500)
    except IntegrityError as exc:  # race: another report opened one of them since we looked
        raise ReportError("Some of these listings were reported for this right a moment ago; "
                          "submit again to link them.", field="listings") from exc
    audit_append_many(actor=reporter, entries=[("case.open", case, {"report": report.pk}) for case in new])
    _flag_refiled(report=report, cases=new)
    ReportCaseLink.objects.bulk_create([ReportCaseLink(report=report, case=case) for case in taken.values()],
                                       batch_size=500)
    audit_append_many(actor=reporter, entries=[("report.linked", case, {"report": report.pk})
                                               for case in taken.values()])


def _flag_refiled(*, report: Report, cases: list[Case]) -> None:
    """A listing this brand had taken down, then withdrew (the listing back up, the strike gone), and
    now reports again: the loop that games strikes. The new case's timeline says so to the reviewer."""
    earlier = {}
    listing_ids = [c.listing_id for c in cases]
    for chunk in _chunks(listing_ids, 1000):
        rows = (Case.objects.filter(listing_id__in=chunk, brand=report.brand, state=CaseState.WITHDRAWN,
                                    decisions__outcome__in=RESTRICTING_OUTCOMES)
                .exclude(report=report).values_list("listing_id", "pk").distinct())
        for listing_id, pk in rows:
            earlier.setdefault(listing_id, []).append(pk)
    flagged = [(
        "case.refiled_after_withdrawal", case,
        {"earlier_cases": sorted(earlier[case.listing_id]),
         "why": "This brand had this listing taken down, withdrew that report, and reports it again: "
                "check for a withdraw-and-refile loop."},
    ) for case in cases if case.listing_id in earlier]
    if flagged:
        audit_append_many(actor=None, entries=flagged)


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


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


