"""The public transparency report (no login), its CSV and JSON downloads, and the staff page of
statement submissions with the JSON-lines download."""

import csv
import io
import json
from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import require_reviewer
from audit.transitions import IllegalTransition
from common.charts import bar_chart
from registry.models import RightKind

from . import selectors as sel
from .export import export_lines
from .models import PeriodKind, StatementRecord
from .report import CHARTED, SECTIONS, period_bounds, period_label
from .services import statement_retry
from .statements import StatementError


def _chosen(request: HttpRequest):
    """The period asked for (?period=month|quarter|year&start=YYYY-MM-DD), else the latest."""
    period = request.GET.get("period", PeriodKind.MONTH)
    if period not in PeriodKind.values:
        period = PeriodKind.MONTH
    starts = sel.snapshot_periods(period)
    start = None
    try:
        start = period_bounds(period, date.fromisoformat(request.GET.get("start", "")))[0]
    except ValueError:
        pass
    if start not in starts:
        start = starts[0] if starts else None
    snapshot = sel.snapshot_get(period=period, start=start) if start else None
    return period, start, starts, snapshot


def _sections(snapshot) -> list[dict]:
    figures = snapshot.figures if snapshot else {}
    return [{"key": key, "title": title, "rows": figures.get(key, []),
             "chart": bar_chart(title, [(str(r[0]).split(" · ")[0] if key != "actions" else str(r[0]), r[1] or 0)
                                        for r in figures.get(key, [])], y_label="Count", legend=title)
             if key in CHARTED else None}
            for key, title in SECTIONS]


@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    period, start, starts, snapshot = _chosen(request)
    return render(request, "transparency/report.html", {
        "period": period, "start": start, "snapshot": snapshot, "periods": PeriodKind.choices,
        "starts": [(s, period_label(period, s)) for s in starts],
        "label": period_label(period, start) if start else "",
        "sections": _sections(snapshot),
    })


@require_GET
def report_csv(request: HttpRequest) -> HttpResponse:
    period, start, _, snapshot = _chosen(request)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["period", "start", "end", "section", "figure", "value"])
    if snapshot:
        for key, title in SECTIONS:
            for label, value in snapshot.figures.get(key, []):
                writer.writerow([period, snapshot.start, snapshot.end, title, label, "" if value is None else value])
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transparency-{period}-{start or "none"}.csv"'
    return response


@require_GET
def report_json(request: HttpRequest) -> HttpResponse:
    period, start, _, snapshot = _chosen(request)
    body = {"period": period, "start": str(start) if start else None,
            "end": str(snapshot.end) if snapshot else None,
            "computed_at": snapshot.computed_at.isoformat() if snapshot else None,
            "sections": {key: {"title": title, "rows": snapshot.figures.get(key, []) if snapshot else []}
                         for key, title in SECTIONS}}
    response = HttpResponse(json.dumps(body, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="transparency-{period}-{start or "none"}.json"'
    return response


@login_required
@require_GET
def statements_staff(request: HttpRequest) -> HttpResponse:
    """Reviewers: how submission stands, and each statement the database rejected with its error."""
    require_reviewer(request.user)
    return render(request, "transparency/statements.html", {
        "counts": sel.submission_counts(), "attention": sel.submissions_needing_attention(),
    })


def _day_param(value: str):
    if not value:
        return None
    try:
        return timezone.make_aware(datetime.combine(date.fromisoformat(value), time.min),
                                   timezone.get_fixed_timezone(0))
    except ValueError as exc:
        raise PermissionDenied(f"Not a date: {value!r} (use YYYY-MM-DD).") from exc


@login_required
@require_GET
def statements_download(request: HttpRequest) -> HttpResponse:
    """The JSON-lines export, as `sor_export` writes it. Built before sending, so a statement that
    cannot be built is an error page naming the case, not a truncated file."""
    require_reviewer(request.user)
    since, until = _day_param(request.GET.get("since", "")), _day_param(request.GET.get("until", ""))
    try:
        first = export_lines(since=since, until=until)
        lines = list(first)
    except StatementError as exc:
        return render(request, "transparency/statements.html", {
            "counts": sel.submission_counts(), "attention": sel.submissions_needing_attention(),
            "export_error": str(exc)}, status=409)
    response = StreamingHttpResponse(iter(lines), content_type="application/x-ndjson")
    response["Content-Disposition"] = 'attachment; filename="statements-of-reasons.jsonl"'
    return response


@login_required
@require_POST
def statement_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_reviewer(request.user)
    record = get_object_or_404(StatementRecord, pk=pk)
    try:
        statement_retry(record=record, actor=request.user)
    except IllegalTransition:
        messages.error(request, f"Statement {record.puid} was not rejected or failed: nothing to send again.")
        return redirect("transparency:statements")
    messages.success(request, f"Statement {record.puid} will be sent again.")
    return redirect("transparency:statements")


ARCHIVE_PAGE = 50


@require_GET
def notice_archive(request: HttpRequest) -> HttpResponse:
    """The public notice archive: every notice, newest first, without personal data."""
    kind = request.GET.get("kind", "")
    if kind not in RightKind.values:
        kind = ""
    page = Paginator(sel.notice_archive(kind=kind), ARCHIVE_PAGE).get_page(request.GET.get("page"))
    outcomes = sel.notice_outcomes([r.pk for r in page])
    return render(request, "transparency/notices.html", {
        "page": page, "kind": kind, "kinds": RightKind.choices,
        "rows": [(r, outcomes.get(r.pk, [])) for r in page],
    })


@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(sel.notice_archive(), pk=pk)
    cases = list(sel.notice_cases(report.pk))
    outcomes = sel.notice_outcomes([report.pk]).get(report.pk, [])
    return render(request, "transparency/notice_detail.html", {
        "report": report, "outcomes": outcomes,
        "cases": [(c, sel.OUTCOME_LABELS.get(c.state, "")) for c in cases],
        "pending": sum(n for label, n in outcomes if label == "Being reviewed"),
    })
