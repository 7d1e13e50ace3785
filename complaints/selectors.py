"""Reads for reports and cases, each one also the access check for who may see them."""


from django.db import models
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404

from accounts.permissions import is_reviewer, is_rights_holder
from evidence.models import EvidenceFile
from evidence.selectors import evidence_unattached
from registry.selectors import brands_for_user

from .models import UNDECIDED_STATES, Case, Decision, Report, ReportDraft


class ReportFilterState(models.TextChoices):
    """The "my reports" filter's states: a report's, read from its cases (not a stored value)."""

    OPEN = "open", "Open (waiting for decisions)"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


def reports_for_user(*, user) -> QuerySet[Report]:
    """Reports of the brands the user acts for (admins and agents see the brand's reports)."""
    return (
        Report.objects.filter(brand__in=brands_for_user(user=user))
        .select_related("brand", "right", "reporter")
        .annotate(case_count=Count("cases"))
    )


def reports_filter(*, reports: QuerySet[Report], state: str = "", kind: str = "", brand=None,
                   filed_from=None, filed_to=None) -> QuerySet[Report]:
    """My reports' filters. State: open (some case undecided), decided (none undecided), withdrawn."""
    undecided = Case.objects.filter(report=OuterRef("pk"), state__in=UNDECIDED_STATES)
    if state == ReportFilterState.OPEN:
        reports = reports.filter(Exists(undecided), withdrawn_at__isnull=True)
    elif state == ReportFilterState.DECIDED:
        reports = reports.filter(~Exists(undecided), withdrawn_at__isnull=True)
    elif state == ReportFilterState.WITHDRAWN:
        reports = reports.filter(withdrawn_at__isnull=False)
    if kind:
        reports = reports.filter(kind=kind)
    if brand is not None:
        reports = reports.filter(brand=brand)
    if filed_from:
        reports = reports.filter(created_at__date__gte=filed_from)
    if filed_to:
        reports = reports.filter(created_at__date__lte=filed_to)
    return reports


def report_get_for_user(*, user, pk: int) -> Report:
    """The report, if the user acts for its brand; 404 otherwise (no hint that it exists)."""
    try:
        return reports_for_user(user=user).get(pk=pk)
    except Report.DoesNotExist:
        raise Http404("No such report") from None


def report_cases(*, report: Report) -> QuerySet[Case]:
    return report.cases.select_related("listing", "right").prefetch_related(
        Prefetch("decisions", queryset=Decision.objects.order_by("id"))
    ).order_by("id")


def report_drafts_for_user(*, user) -> QuerySet[ReportDraft]:
    """Drafts of the brands the user acts for: any member may continue a colleague's draft."""
    return (
        ReportDraft.objects.filter(brand__in=brands_for_user(user=user))
        .select_related("brand", "right", "created_by")
        .annotate(evidence_count=Count("evidence"))
    )


def report_draft_get_for_user(*, user, pk: int) -> ReportDraft:
    try:
        return report_drafts_for_user(user=user).get(pk=pk)
    except ReportDraft.DoesNotExist:
        raise Http404("No such draft") from None


def report_evidence(*, report: Report) -> list[EvidenceFile]:
    return [link.file for link in report.evidence_links.select_related("file").order_by("id")]


def evidence_carriable(*, user, draft: ReportDraft | None) -> QuerySet[EvidenceFile]:
    """Files a report form may carry by id: the user's own uploads no record took yet, and the
    draft's files. Anything else (another brand's, one already filed) is not a valid choice."""
    q = Q(pk__in=evidence_unattached().filter(uploaded_by=user).values("pk"))
    if draft is not None:
        q |= Q(report_drafts=draft)
    return EvidenceFile.objects.filter(q).distinct()


def evidence_get_for_user(*, user, pk: int) -> EvidenceFile:
    """An evidence file, to the people who may see it; 404 to everyone else.

    Filed with a report, or with an answer to a reviewer's question on a case: the case's brand's
    members and reviewers. In a draft: the brand's members. Sellers never see rights holders'
    evidence (for now).
    """
    if is_reviewer(user):
        allowed = Q(report_link__isnull=False) | Q(info_answer_link__isnull=False)
    elif is_rights_holder(user):
        brands = brands_for_user(user=user)
        allowed = (Q(report_link__report__brand__in=brands) | Q(report_drafts__brand__in=brands)
                   | Q(info_answer_link__info_request__case__brand__in=brands))
    else:
        raise Http404("No such file")
    file = EvidenceFile.objects.filter(allowed, pk=pk).distinct().first()
    if file is None:
        raise Http404("No such file")
    return file
