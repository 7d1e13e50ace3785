"""Reads: statements built from their rows, the staff's view of submissions, the report's snapshots."""

from collections.abc import Iterator

from suspensions.models import Strike

from . import rows
from .models import ReportSnapshot, StatementRecord, SubmissionStatus
from .statements import Built, restriction_statement, suspension_statement

RELATED = ("restriction__case__right__brand", "restriction__case__report", "restriction__decision",
           "restriction__listing", "restriction__imposed_by__bulk_job", "suspension__seller", "suspension__lift_job")


def statement_build(record: StatementRecord) -> Built:
    """The statement of one record, from its restriction or suspension as they are now. Raises
    StatementError (naming the case) when it cannot be built truthfully."""
    if record.restriction_id is not None:
        return restriction_statement(record.restriction)
    suspension = record.suspension
    # A strike is one decision event (possibly several listings of one report): counted once, its
    # decisions' IP types all named.
    strikes = Strike.objects.filter(suspensions=suspension)
    kinds = sorted(set(strikes.values_list("decisions__case__kind", flat=True)) - {None})
    if suspension.proposed_from_id and not kinds:
        kinds = [suspension.proposed_from.kind]
    return suspension_statement(suspension, kinds=kinds, strikes=strikes.count() or len(kinds))


# The columns a statement reads: the rest (snapshots, descriptions, texts people typed) is never
# loaded, which also keeps what no statement may contain out of reach.
ONLY = (
    "puid", "applied_at", "status", "uuid", "restriction_id", "suspension_id",
    "restriction__kind", "restriction__source", "restriction__started_at", "restriction__lifted_at",
    "restriction__case__kind", "restriction__case__source", "restriction__case__detection",
    "restriction__case__report__id", "restriction__case__report__details",
    "restriction__case__right__kind", "restriction__case__right__registered", "restriction__case__right__status",
    "restriction__case__right__office", "restriction__case__right__registration_number",
    "restriction__case__right__brand__name", "restriction__case__right__brand__owner_company",
    "restriction__decision__reason_code", "restriction__decision__automated",
    "restriction__listing__external_id", "restriction__listing__created_at",
    "restriction__imposed_by__bulk_job__kind", "restriction__imposed_by__bulk_job__source_case_id",
    "suspension__seller__created_at", "suspension__decided_at", "suspension__proposed_by_id",
    "suspension__proposed_from_id", "suspension__lift_job__created_at", "suspension__lift_job_id",
)


def statement_records(*, since=None, until=None):
    qs = StatementRecord.objects.select_related(*RELATED).only(*ONLY).order_by("applied_at", "id")
    if since is not None:
        qs = qs.filter(applied_at__gte=since)
    if until is not None:
        qs = qs.filter(applied_at__lt=until)
    return qs


def statements_between(*, since=None, until=None, chunk_size: int = 2000) -> Iterator[Built]:
    """Every statement applied in [since, until), oldest first, built from its rows. Restrictions
    are read as values (transparency.rows: the export's cost was building model instances); the few
    suspensions through their models."""
    qs = StatementRecord.objects.order_by("applied_at", "id")
    if since is not None:
        qs = qs.filter(applied_at__gte=since)
    if until is not None:
        qs = qs.filter(applied_at__lt=until)
    for v in qs.values(*rows.FIELDS, "suspension_id").iterator(chunk_size=chunk_size):
        if v["restriction_id"] is not None:
            yield restriction_statement(rows.restriction_from_row(v))
        else:
            yield statement_build(statement_records().get(pk=v["id"]))


def submissions_needing_attention(limit: int = 200):
    """What staff must look at: statements the database rejected, or that could not be built."""
    return (StatementRecord.objects.filter(status__in=[SubmissionStatus.REJECTED, SubmissionStatus.FAILED])
            .order_by("-updated_at")[:limit])


def submission_counts() -> dict[str, int]:
    from django.db.models import Count
    counts = dict(StatementRecord.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {s.value: counts.get(s.value, 0) for s in SubmissionStatus}


def snapshot_get(*, period: str, start) -> ReportSnapshot | None:
    return ReportSnapshot.objects.filter(period=period, start=start).first()


def snapshot_periods(period: str) -> list:
    return list(ReportSnapshot.objects.filter(period=period).order_by("-start").values_list("start", flat=True))


# The public notice archive (Lumen-style): who gave notice (an organisation, never a person), for
# which kind of right, on how many listings, and what became of them. Nothing a person typed (the
# explanation, contact details, names) is read, so nothing personal can be shown.
OUTCOME_LABELS = {
    "open": "Being reviewed", "in_review": "Being reviewed", "needs_info": "Being reviewed",
    "actioned": "Action taken", "appealed": "Action taken, under appeal", "upheld": "Action taken, upheld on appeal",
    "rejected": "No action", "reinstated": "Reinstated on appeal", "withdrawn": "Withdrawn by the notifier",
}
ARCHIVE_ONLY = ("id", "created_at", "kind", "capacity", "brand__name", "brand__owner_company",
                "brand__trusted_flagger", "right__kind", "right__office", "right__registration_number",
                "right__registered", "right__name")


def notice_archive(*, kind: str = ""):
    """Every notice, newest first (optionally of one IP type), with only the columns the archive shows."""
    from complaints.models import Report

    qs = Report.objects.select_related("brand", "right").only(*ARCHIVE_ONLY).order_by("-created_at", "-id")
    return qs.filter(kind=kind) if kind else qs


def notice_outcomes(report_ids) -> dict[int, list[tuple[str, int]]]:
    """For each notice, its listings counted by what became of them, in OUTCOME_LABELS' order."""
    from django.db.models import Count

    from complaints.models import Case

    order = list(dict.fromkeys(OUTCOME_LABELS.values()))
    counts: dict[int, dict[str, int]] = {}
    for report_id, state, n in (Case.objects.filter(report_id__in=list(report_ids))
                                .values_list("report_id", "state").annotate(n=Count("id")).order_by()):
        label = OUTCOME_LABELS.get(state, "Being reviewed")
        counts.setdefault(report_id, {}).setdefault(label, 0)
        counts[report_id][label] += n
    return {rid: sorted(c.items(), key=lambda kv: order.index(kv[0])) for rid, c in counts.items()}


def notice_cases(report_id: int):
    """A notice's decided listings for the archive: the listing's marketplace id, the outcome and its
    date. Listings still under review are counted, not named (a notice is not a tip-off)."""
    from complaints.models import UNDECIDED_STATES, Case

    return (Case.objects.filter(report_id=report_id).exclude(state__in=UNDECIDED_STATES)
            .select_related("listing").only("id", "state", "updated_at", "listing__external_id")
            .order_by("listing__external_id"))
