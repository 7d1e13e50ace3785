from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.selectors import audit_entries_for
from audit.transitions import IllegalTransition

from .charts import bar_chart
from .forms import DecideForm, QueueFilterForm, ReassignForm, TrademarkReportForm
from .queue import QUEUE_PAGE_SIZES, QUEUE_SORTS, QueueFilters, queue_facets, queue_page, rights_index
from .queue_panel import queue_panel, queue_url
from .selectors import (
    case_get_for_reviewer,
    cases_claimed_by,
    queue_health,
    report_cases,
    report_get_for_user,
    reports_for_user,
    require_reviewer,
)
from .services import (
    CaseError,
    ReportError,
    case_claim,
    case_claim_next,
    case_reassign,
    case_release,
    report_submit,
)


def _require_rights_holder(request: HttpRequest) -> None:
    if not request.user.is_rights_holder:
        raise PermissionDenied("Only rights holders file and follow reports.")


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    _require_rights_holder(request)
    reports = reports_for_user(user=request.user).order_by("-id")[:200]
    return render(request, "complaints/report_list.html", {"reports": reports})


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    _require_rights_holder(request)
    form = TrademarkReportForm(request.POST or None, user=request.user,
                               initial={"contact_email": request.user.email})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = report_submit(
                reporter=request.user, brand=d["right"].brand, right=d["right"], capacity=d["capacity"],
                infringement_type=d["infringement_type"], explanation=d["explanation"],
                contact_email=d["contact_email"], listings=d["listings"], signature=d["signature"],
                declarations={"good_faith": d["decl_good_faith"], "accurate": d["decl_accurate"],
                              "authority": d["decl_authority"]},
            )
        except ReportError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"Report {report.reference} filed: {report.cases.count()} case(s) "
                                      "are in the review queue.")
            return redirect("complaints:report_detail", pk=report.pk)
    return render(request, "complaints/report_form.html",
                  {"form": form})


def _report_context(request: HttpRequest, pk: int) -> dict:
    _require_rights_holder(request)
    report = report_get_for_user(user=request.user, pk=pk)
    cases = list(report_cases(report=report))
    timeline = audit_entries_for(targets=[report, *cases])
    return {"report": report, "cases": cases, "timeline": timeline}


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "complaints/report_detail.html", _report_context(request, pk))


@login_required
@require_GET
def report_cases_partial(request: HttpRequest, pk: int) -> HttpResponse:
    """The cases table alone, polled by HTMX so the page follows state changes."""
    return render(request, "complaints/_report_cases.html", _report_context(request, pk))


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The review queue: filters and sort as GET parameters, counts per filter value, paging."""
    require_reviewer(request.user)
    rights = rights_index()
    brands = sorted({(i.brand_id, i.brand_name) for i in rights.values()}, key=lambda b: b[1].lower())
    form = QueueFilterForm(request.GET, brand_choices=brands)
    context = {"form": form, "mine": cases_claimed_by(user=request.user),
               "max_claims": settings.REVIEW_MAX_OPEN_CLAIMS}
    if not form.is_valid():
        return render(request, "complaints/queue.html", context, status=400)
    filters = form.queue_filters()
    now = timezone.now()
    facets = queue_facets(user=request.user, filters=filters, rights=rights, now=now)
    page = queue_page(user=request.user, filters=filters, rights=rights, total=facets.total, now=now)
    context.update({
        "filters": filters, "facets": facets, "page": page, "now": now,
        "panel": queue_panel(filters=filters, facets=facets, brands=brands),
        "sorts": [(label, queue_url(replace(filters, sort=key, page=1)), key == filters.sort)
                  for key, label in QUEUE_SORTS.items()],
        "sizes": [(n, queue_url(replace(filters, size=n, page=1)), n == filters.size) for n in QUEUE_PAGE_SIZES],
        "prev_url": queue_url(replace(filters, page=page.number - 1)) if page.has_previous else None,
        "next_url": queue_url(replace(filters, page=page.number + 1)) if page.has_next else None,
        "clear_url": queue_url(QueueFilters(sort=filters.sort, size=filters.size)),
        "counts_age": (now - facets.computed_at).total_seconds(),
    })
    return render(request, "complaints/queue.html", context)


@login_required
@require_POST
def claim_next(request: HttpRequest) -> HttpResponse:
    require_reviewer(request.user)
    try:
        case = case_claim_next(reviewer=request.user)
    except CaseError as exc:
        messages.error(request, str(exc))
        return redirect("complaints:queue")
    if case is None:
        messages.info(request, "The queue is empty. Nothing to claim.")
        return redirect("complaints:queue")
    return redirect("complaints:case_detail", pk=case.pk)


@login_required
@require_POST
def case_claim_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_reviewer(user=request.user, pk=pk)
    try:
        case_claim(case=case, reviewer=request.user)
    except CaseError as exc:
        messages.error(request, str(exc))
    except IllegalTransition:
        messages.error(request, "This case is no longer open; someone else may hold it.")
    return redirect("complaints:case_detail", pk=pk)


@login_required
@require_POST
def case_reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A senior reviewer hands a case to another reviewer (form on the case page)."""
    case = case_get_for_reviewer(user=request.user, pk=pk)
    if not request.user.is_senior_reviewer:
        raise PermissionDenied("Only senior reviewers can reassign cases.")
    form = ReassignForm(request.POST)
    if form.is_valid():
        try:
            case_reassign(case=case, senior=request.user, to_reviewer=form.cleaned_data["reviewer"])
        except CaseError as exc:
            form.add_error("reviewer", str(exc))
        else:
            messages.success(request, f"{case.reference} is now with {form.cleaned_data['reviewer'].username}.")
            return redirect("complaints:case_detail", pk=pk)
    return render(request, "complaints/case_detail.html",
                  case_page_context(case, request.user, reassign_form=form), status=400)


@login_required
@require_POST
def case_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_reviewer(user=request.user, pk=pk)
    try:
        case_release(case=case, reviewer=request.user)
    except (CaseError, IllegalTransition) as exc:
        messages.error(request, str(exc))
        return redirect("complaints:case_detail", pk=pk)
    messages.info(request, f"{case.reference} is back in the queue.")
    return redirect("complaints:queue")


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_reviewer(user=request.user, pk=pk)
    return render(request, "complaints/case_detail.html", case_page_context(case, request.user))


def case_page_context(case, user, **extra) -> dict:
    decisions = list(case.decisions.select_related("decided_by").order_by("id"))
    lapsed = case.state == "in_review" and case.claim_expires_at is not None and case.claim_expires_at <= timezone.now()
    return {
        "case": case,
        "report": case.report,
        "listing": case.listing,
        "snapshot": case.listing_snapshot,
        "decisions": decisions,
        "timeline": audit_entries_for(targets=[case, *decisions]),
        "holds_claim": case.claimed_by_id == user.pk and case.state == "in_review" and not lapsed,
        "can_claim": case.state == "open" or lapsed,
        "decide_form": DecideForm(),
        "reassign_form": ReassignForm() if user.is_senior_reviewer and case.state in ("open", "in_review") else None,
        **extra,
    }


@login_required
@require_GET
def queue_health_view(request: HttpRequest) -> HttpResponse:
    """Backlog by age, decisions per day, median time to decision, overdue: tables and charts."""
    health = queue_health(user=request.user)
    return render(request, "complaints/health.html", {
        "health": health,
        "age_chart": bar_chart("Backlog by age", health.backlog_by_age),
        "day_chart": bar_chart("Decided per day", [(d.strftime("%d"), n) for d, n in health.decided_per_day]),
        "lane_chart": bar_chart("Overdue by lane", [(lane["label"], lane["overdue"]) for lane in health.lanes],
                                width=360),
    })
