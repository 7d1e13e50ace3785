"""The reviewers' desk: the queue and its filters, claiming, the case page with notes and questions
to the reporter, the statement preview, queue health, and the senior reviewers' reporter sanctions."""

from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import require_reviewer, require_senior
from audit.transitions import IllegalTransition
from common.charts import bar_chart
from common.text import plural
from complaints.models import SanctionStatus
from complaints.reasons import statement_preview
from complaints.records import CaseError
from complaints.sanctions import (
    SanctionError,
    reporter_figures,
    sanction_confirm,
    sanction_dismiss,
    sanction_get_for_senior,
    sanctions_evaluate_all,
    sanctions_for_senior,
    sanctions_of,
)
from review import case_page
from review.case_page import case_page_context
from review.claims import case_claim, case_claim_next, case_reassign, case_release
from review.forms import DecideForm, NoteForm, QueueFilterForm, ReassignForm, RequestInfoForm, SanctionDecideForm
from review.info_requests import (
    InfoRequestError,
    case_request_info,
)
from review.notes import case_note_add
from review.queue import QUEUE_PAGE_SIZES, QUEUE_SORTS, QueueFilters, queue_facets, queue_page, rights_index
from review.queue_panel import queue_panel, queue_url
from review.selectors import case_get_for_reviewer, cases_claimed_by, queue_health


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
        return render(request, "review/queue.html", context, status=400)
    filters = form.queue_filters()
    now = timezone.now()
    facets = queue_facets(user=request.user, filters=filters, rights=rights, now=now)
    page = queue_page(user=request.user, filters=filters, rights=rights, total=facets.total,
                      past_due=None if facets.updating else facets.past_due, now=now)
    path = reverse("review:queue")
    context.update({
        "filters": filters, "facets": facets, "page": page, "now": now,
        "panel": queue_panel(filters=filters, facets=facets, brands=brands, path=path),
        "sorts": [(label, queue_url(replace(filters, sort=key, page=1), path=path), key == filters.sort)
                  for key, label in QUEUE_SORTS.items()],
        "sizes": [(n, queue_url(replace(filters, size=n, page=1), path=path), n == filters.size)
                  for n in QUEUE_PAGE_SIZES],
        "prev_url": queue_url(replace(filters, page=page.number - 1), path=path) if page.has_previous else None,
        "next_url": queue_url(replace(filters, page=page.number + 1), path=path) if page.has_next else None,
        "clear_url": queue_url(QueueFilters(sort=filters.sort, size=filters.size), path=path),
        "counts_age": (now - facets.computed_at).total_seconds() if not facets.updating else None,
    })
    return render(request, "review/queue.html", context)


@login_required
@require_POST
def claim_next(request: HttpRequest) -> HttpResponse:
    require_reviewer(request.user)
    try:
        case = case_claim_next(reviewer=request.user)
    except CaseError as exc:
        messages.error(request, str(exc))
        return redirect("review:queue")
    if case is None:
        messages.info(request, "The queue is empty. Nothing to claim.")
        return redirect("review:queue")
    return redirect("review:case_detail", pk=case.pk)


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
    return redirect("review:case_detail", pk=pk)


@login_required
@require_POST
def case_reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A senior reviewer hands a case to another reviewer (form on the case page)."""
    case = case_get_for_reviewer(user=request.user, pk=pk)
    require_senior(request.user, "Only senior reviewers can reassign cases.")
    form = ReassignForm(request.POST)
    if form.is_valid():
        try:
            case_reassign(case=case, senior=request.user, to_reviewer=form.cleaned_data["reviewer"])
        except CaseError as exc:
            form.add_error("reviewer", str(exc))
        else:
            messages.success(request, f"{case.reference} is now with {form.cleaned_data['reviewer'].username}.")
            return redirect("review:case_detail", pk=pk)
    return render(request, "review/case_detail.html",
                  case_page_context(case, request.user, reassign_form=form), status=400)


@login_required
@require_POST
def case_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_reviewer(user=request.user, pk=pk)
    try:
        case_release(case=case, reviewer=request.user)
    except (CaseError, IllegalTransition) as exc:
        messages.error(request, str(exc))
        return redirect("review:case_detail", pk=pk)
    messages.info(request, f"{case.reference} is back in the queue.")
    return redirect("review:queue")


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_reviewer(user=request.user, pk=pk)
    return render(request, "review/case_detail.html", case_page_context(case, request.user))


@login_required
@require_POST
def case_note_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer adds an internal note (any case state). HTMX gets the notes list back."""
    case = case_get_for_reviewer(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            case_note_add(case=case, author=request.user, text=form.cleaned_data["text"])
        except CaseError as exc:
            form.add_error("text", str(exc))
        else:
            if request.headers.get("HX-Request"):
                return render(request, "review/_notes.html",
                              {"case": case, "notes": case_page.case_notes(case=case), "note_form": NoteForm()})
            messages.success(request, "Note added.")
            return redirect(reverse("review:case_detail", args=[pk]) + "#notes")
    if request.headers.get("HX-Request"):
        return render(request, "review/_notes.html",
                      {"case": case, "notes": case_page.case_notes(case=case), "note_form": form}, status=400)
    return render(request, "review/case_detail.html", case_page_context(case, request.user, note_form=form),
                  status=400)


@login_required
@require_POST
def case_request_info_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the reporter a question; the case waits (needs_info) until answered or the deadline."""
    case = case_get_for_reviewer(user=request.user, pk=pk)
    form = RequestInfoForm(request.POST)
    if form.is_valid():
        try:
            case_request_info(case=case, reviewer=request.user, **form.cleaned_data)
        except InfoRequestError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        except (CaseError, IllegalTransition) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Question sent on {case.reference}. The case waits for the reporter "
                                      f"until {form.cleaned_data['deadline']:%Y-%m-%d %H:%M} UTC.")
            return redirect("review:queue")
    case.refresh_from_db()
    return render(request, "review/case_detail.html", case_page_context(case, request.user, info_form=form),
                  status=400)


@login_required
@require_http_methods(["GET", "POST"])
def case_statement_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement-of-reasons field composed from the chosen reason and facts (HTMX swaps it in)."""
    case = case_get_for_reviewer(user=request.user, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    form = DecideForm({"reason_code": data.get("reason_code", ""), "facts": data.get("facts", ""),
                       "statement": statement_preview(case=case, reason_code=data.get("reason_code", ""),
                                                      facts=data.get("facts", ""))}, kind=case.kind)
    return render(request, "review/_statement_field.html", {"decide_form": form, "case": case})


@login_required
@require_GET
def queue_health_view(request: HttpRequest) -> HttpResponse:
    """Backlog by age, decisions per day, median time to decision, overdue: tables and charts."""
    health = queue_health(user=request.user)
    return render(request, "review/health.html", {
        "health": health,
        "age_chart": bar_chart("Backlog by age", health.backlog_by_age, x_label="Waiting for", y_label="Cases",
                               legend="Undecided cases"),
        "day_chart": bar_chart("Decided per day", [(d.strftime("%d"), n) for d, n in health.decided_per_day],
                               x_label="Day of the month", y_label="Cases", legend="Cases decided"),
        "lane_chart": bar_chart("Overdue by lane", [(lane["label"], lane["overdue"]) for lane in health.lanes],
                                width=360, x_label="Review lane", y_label="Cases", legend="Cases past their SLA"),
    })


@login_required
@require_GET
def sanction_list(request: HttpRequest) -> HttpResponse:
    sanctions = sanctions_for_senior(user=request.user)
    return render(request, "review/sanction_list.html", {
        "proposed": sanctions.filter(status=SanctionStatus.PROPOSED),
        "decided": sanctions.exclude(status=SanctionStatus.PROPOSED)[:100],
    })


@login_required
@require_POST
def sanction_evaluate(request: HttpRequest) -> HttpResponse:
    sanctions_for_senior(user=request.user)  # access check
    made = sanctions_evaluate_all()
    messages.info(request, f"Every notifier evaluated: {made} new proposal{'s' if made != 1 else ''}.")
    return redirect("review:sanction_list")


@login_required
@require_http_methods(["GET", "POST"])
def sanction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sanction = sanction_get_for_senior(user=request.user, pk=pk)
    form = SanctionDecideForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["decision"] == "confirm":
                    sanction = sanction_confirm(sanction=sanction, senior=request.user, note=d["note"])
                else:
                    sanction = sanction_dismiss(sanction=sanction, senior=request.user, note=d["note"])
            except SanctionError as exc:
                form.add_error("note", str(exc))
            except IllegalTransition:
                form.add_error(None, "This proposal has already been decided.")
            else:
                extra = f" {plural(sanction.closed_cases, 'pending case')} closed." if sanction.closed_cases else ""
                messages.success(request, f"{sanction.get_level_display()} of {sanction.subject_label} "
                                          f"{sanction.get_status_display().lower()}.{extra}")
                return redirect("review:sanction_list")
        status = 400
    subject = {"brand": sanction.brand} if sanction.brand_id else {"reporter": sanction.reporter}
    return render(request, "review/sanction_detail.html", {
        "sanction": sanction, "form": form, "now": reporter_figures(**subject),
        "history": sanctions_of(**subject).exclude(pk=sanction.pk),
    }, status=status)
