from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.selectors import audit_entries_for
from audit.transitions import IllegalTransition
from evidence.responses import evidence_response
from evidence.services import evidence_accept
from listings.selectors import listing_csv_parse, listing_search, parse_listing_refs
from registry.models import RightKind
from registry.selectors import brands_for_user, rights_for_user

from . import case_page
from .charts import bar_chart
from .forms import (
    DecideForm,
    InfoAnswerForm,
    NoteForm,
    QueueFilterForm,
    ReassignForm,
    ReportFilterForm,
    ReportForm,
    RequestInfoForm,
)
from .info_requests import (
    InfoRequestError,
    case_request_info,
    info_request_answer,
    info_request_get_for_report,
    info_requests_open_for_report,
)
from .kinds import SPECS, report_details_display
from .models import Priority
from .notes import case_note_add
from .queue import QUEUE_PAGE_SIZES, QUEUE_SORTS, QueueFilters, queue_facets, queue_page, rights_index
from .queue_panel import queue_panel, queue_url
from .reasons import REASONS, statement_compose
from .selectors import (
    case_get_for_reviewer,
    cases_claimed_by,
    evidence_carriable,
    evidence_get_for_user,
    queue_health,
    report_cases,
    report_draft_get_for_user,
    report_drafts_for_user,
    report_evidence,
    report_get_for_user,
    reports_filter,
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
    report_draft_delete,
    report_draft_save,
    report_submit,
)
from .sla import sla_hours


def _require_rights_holder(request: HttpRequest) -> None:
    if not request.user.is_rights_holder:
        raise PermissionDenied("Only rights holders file and follow reports.")


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    _require_rights_holder(request)
    brands = list(brands_for_user(user=request.user).order_by("name"))
    filters = ReportFilterForm(request.GET or None, brands=brands)
    reports = reports_for_user(user=request.user)
    if filters.is_valid():
        reports = reports_filter(reports=reports, **filters.cleaned_data)
    drafts = report_drafts_for_user(user=request.user)[:100]
    return render(request, "complaints/report_list.html", {
        "reports": reports.order_by("-id")[:200], "drafts": drafts, "filters": filters, "brands": brands,
        "filtered": filters.is_bound and filters.is_valid() and any(filters.cleaned_data.values()),
    })


@login_required
@require_GET
def report_choose(request: HttpRequest) -> HttpResponse:
    """Which kind of report: each with a line on what it is for and what it asks."""
    _require_rights_holder(request)
    rights = rights_for_user(user=request.user).filter(registered=True).values_list("kind", flat=True)
    return render(request, "complaints/report_choose.html", {"specs": SPECS.values(), "kinds": set(rights)})


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, kind: str = RightKind.TRADEMARK, draft_pk: int | None = None) -> HttpResponse:
    """A report form of one kind, new or continuing a draft.

    Files picked are stored on every POST (checked by content) and carried as ids, and a CSV of
    listings is read into the listings box, so neither a validation error nor "Save draft" ever
    asks for them again.
    """
    _require_rights_holder(request)
    draft = report_draft_get_for_user(user=request.user, pk=draft_pk) if draft_pk else None
    if draft is not None:
        kind = draft.data.get("kind", RightKind.TRADEMARK)
    if kind not in SPECS:
        raise Http404("No such report type")
    if request.method == "GET":
        if draft is None:
            initial = {"contact_email": request.user.email}
        else:
            initial = {**draft.data, "evidence": [f.pk for f in draft.evidence.all()]}
        form = ReportForm(initial=initial, user=request.user, draft=draft, kind=kind)
        return _render_report_form(request, form, draft)

    data = request.POST.copy()
    files, problems, removed = _take_evidence(request, draft, data)
    csv_problems = _take_listings_csv(request, data)
    form = ReportForm(data, user=request.user, draft=draft, kind=kind)
    if removed is not None:
        # Removing a file is not a submission: show the form again as typed, without errors.
        messages.info(request, f"Removed “{removed.original_name}” from this report.")
        form = ReportForm(initial=_typed_fields(form, data, files), user=request.user, draft=draft, kind=kind)
        return _render_report_form(request, form, draft)
    if problems or csv_problems:
        for problem in problems:
            form.add_error("evidence_upload", problem)
        for problem in csv_problems:
            form.add_error("listings_csv", problem)
        if data.get("action") == "draft":
            # Saving a draft asks for nothing but acceptable files: show only what was wrong with those.
            for name in [n for n in form.errors if n not in ("evidence_upload", "listings_csv")]:
                del form.errors[name]
        return _render_report_form(request, form, draft)
    if data.get("action") == "draft":
        return _save_draft(request, form, data, files, draft)
    if form.is_valid():
        d = form.cleaned_data
        brand, right = form.report_brand_and_right()
        try:
            report = report_submit(
                reporter=request.user, brand=brand, right=right, unregistered_right=form.unregistered_right(),
                capacity=d["capacity"], details=form.details(), explanation=d["explanation"],
                contact_email=d["contact_email"], listings=d["listings"], signature=d["signature"],
                declarations={"good_faith": d["decl_good_faith"], "accurate": d["decl_accurate"],
                              "authority": d["decl_authority"]},
                evidence=files, draft=draft,
            )
        except ReportError as exc:
            form.add_error(form.field_for(exc.field), str(exc))
        else:
            _tell_filed(request, report)
            return redirect("complaints:report_detail", pk=report.pk)
    return _render_report_form(request, form, draft)


def _tell_filed(request: HttpRequest, report) -> None:
    opened = report.cases.count()
    linked = [link.case for link in report.case_links.select_related("case__listing", "case__report")]
    text = f"Report {report.reference} filed: {opened} case(s) are in the review queue."
    if linked:
        shown = ", ".join(f"{c.listing.external_id} → {c.reference} (report {c.report.reference})" for c in linked[:10])
        text += (f" {len(linked)} listing(s) were already under review for this right and were linked to "
                 f"those cases instead: {shown}{' …' if len(linked) > 10 else ''}.")
    messages.success(request, text + f" A confirmation was sent to {report.contact_email}.")


def _take_listings_csv(request: HttpRequest, data) -> list[str]:
    """Read an uploaded CSV of listings into the listings box; or, if any row is bad, the problems
    (and nothing is added: a half-read file would file a report the reporter did not check)."""
    upload = request.FILES.get("listings_csv")
    if upload is None:
        return []
    if upload.size > 2 * 2**20:
        return ["The CSV is larger than 2 MB. Split it, or file it through the API."]
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return ["The CSV is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”."]
    refs, problems = listing_csv_parse(text=text)
    if problems:
        shown = problems[:20] + ([f"… and {len(problems) - 20} more."] if len(problems) > 20 else [])
        return [f"{upload.name}: nothing was added; fix these rows and upload it again.", *shown]
    if not refs:
        return [f"{upload.name} has no listings."]
    typed = parse_listing_refs(data.get("listings", ""))
    data["listings"] = "\n".join(typed + [r for r in refs if r not in typed])
    return []


def _take_evidence(request: HttpRequest, draft, data) -> tuple[list, list[str], object]:
    """Store the files just picked, apply a "remove", and write the carried ids back into `data`.

    Returns (files the form now carries, problems to show, the file removed or None).
    """
    ids = {int(v) for v in data.getlist("evidence") if v.isdigit()}
    carried = list(evidence_carriable(user=request.user, draft=draft).filter(pk__in=ids).order_by("id"))
    problems = []
    if len(carried) < len(ids):
        problems.append("A file uploaded earlier is no longer available; upload it again.")
    remove = data.get("remove_evidence", "")
    removed = next((f for f in carried if str(f.pk) == remove), None)
    carried = [f for f in carried if f is not removed]
    accepted = evidence_accept(uploaded_by=request.user, uploads=request.FILES.getlist("evidence_upload"),
                               used_bytes=sum(f.size for f in carried), used_files=len(carried))
    files = carried + accepted.stored
    data.setlist("evidence", [str(f.pk) for f in files])
    return files, problems + accepted.refusals, removed


def _typed_fields(form: ReportForm, data, files) -> dict:
    """What the user typed, as a draft keeps it and as a form's initial takes it."""
    typed = {}
    for name, field in form.fields.items():
        if name in ("evidence", "evidence_upload", "listings_csv"):
            continue
        multiple = getattr(field.widget, "allow_multiple_selected", False)
        typed[name] = data.getlist(name) if multiple else data.get(name, "")
    return {**typed, "kind": form.kind, "evidence": [f.pk for f in files]}


def _save_draft(request: HttpRequest, form: ReportForm, data, files, draft) -> HttpResponse:
    right, described_brand = None, None
    if data.get("right_source") == "unregistered" and "unreg_brand" in form.fields:
        brand_id = data.get("unreg_brand", "")
        described_brand = (form.fields["unreg_brand"].queryset.filter(pk=int(brand_id)).first()
                           if brand_id.isdigit() else None)
    else:
        right_id = data.get("right", "")
        right = form.fields["right"].queryset.filter(pk=int(right_id)).first() if right_id.isdigit() else None
    brands = list(brands_for_user(user=request.user)[:2])
    brand = (right.brand if right else described_brand or (draft.brand if draft else None)
             or (brands[0] if len(brands) == 1 else None))
    if brand is None:
        field = "unreg_brand" if data.get("right_source") == "unregistered" and "unreg_brand" in form.fields \
            else "right"
        form.add_error(field, "Choose the right (or the brand) before saving a draft: drafts are kept per brand.")
        return _render_report_form(request, form, draft)
    typed = _typed_fields(form, data, files)
    typed.pop("evidence")
    draft = report_draft_save(user=request.user, brand=brand, right=right, data=typed, evidence=files, draft=draft)
    messages.success(request, f"Draft {draft.reference} saved with {len(files)} file(s). "
                              "Continue it any time from My reports.")
    return redirect("complaints:report_draft", draft_pk=draft.pk)


def _render_report_form(request: HttpRequest, form: ReportForm, draft) -> HttpResponse:
    if form.is_bound:
        ids = form.data.getlist("evidence")
    else:
        ids = form.initial.get("evidence", [])
    files = list(form.fields["evidence"].queryset.filter(pk__in=[int(i) for i in ids if str(i).isdigit()])
                 .order_by("id"))
    return render(request, "complaints/report_form.html", {
        "form": form, "draft": draft, "files": files, "spec": form.spec,
        "unregistered_sla_hours": sla_hours(Priority.UNREGISTERED)})


@login_required
@require_GET
def listing_search_view(request: HttpRequest) -> HttpResponse:
    """Find marketplace listings to report. A plain GET page without JavaScript; from the report
    form, HTMX swaps the results in and each "Add" appends the id to the listings box."""
    _require_rights_holder(request)
    params = {k: request.GET.get(k, "")[:200] for k in ("q", "brand", "seller", "listing_id")}
    results = list(listing_search(**params))
    template = "complaints/_listing_results.html" if request.htmx else "complaints/listing_search.html"
    return render(request, template, {"results": results, "params": params,
                                      "searched": any(v.strip() for v in params.values())})


@login_required
@require_POST
def report_draft_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rights_holder(request)
    draft = report_draft_get_for_user(user=request.user, pk=pk)
    report_draft_delete(user=request.user, draft=draft)
    messages.info(request, f"Draft {draft.reference} deleted, with the files uploaded to it.")
    return redirect("complaints:report_list")


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file as a download, to the report's brand members and reviewers only."""
    return evidence_response(evidence_get_for_user(user=request.user, pk=pk))


@login_required
@require_GET
def evidence_inline(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence image (PNG, JPEG, WebP only) for an <img> on the case and report pages."""
    return evidence_response(evidence_get_for_user(user=request.user, pk=pk), inline=True)


def _report_context(request: HttpRequest, pk: int) -> dict:
    _require_rights_holder(request)
    report = report_get_for_user(user=request.user, pk=pk)
    cases = list(report_cases(report=report))
    timeline = audit_entries_for(targets=[report, *cases])
    linked = report.linked_cases.select_related("listing", "report").order_by("id")
    return {"report": report, "cases": cases, "timeline": timeline, "linked": linked,
            "details": report_details_display(report=report),
            "questions": [(q, InfoAnswerForm()) for q in info_requests_open_for_report(report=report).values()]}


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = _report_context(request, pk)
    return render(request, "complaints/report_detail.html",
                  {**context, "evidence": report_evidence(report=context["report"])})


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
    info_requests = case_page.case_info_requests(case=case)
    return {
        "case": case,
        "report": case.report,
        "evidence": report_evidence(report=case.report) if case.report_id else [],
        "listing": case.listing,
        "snapshot": case.listing_snapshot,
        "diff": case_page.listing_diff(case=case),
        "reporter_record": case_page.reporter_record(case=case),
        "seller_record": case_page.seller_record(case=case),
        "seller_previous": case_page.seller_previous_cases(case=case),
        "related_open": case_page.related_open_cases(case=case),
        "notes": case_page.case_notes(case=case),
        "info_requests": info_requests,
        "lane": case_page.lane_label(case.priority),
        "decisions": decisions,
        "timeline": audit_entries_for(targets=[case, *decisions, *info_requests]),
        "holds_claim": case.claimed_by_id == user.pk and case.state == "in_review" and not lapsed,
        "can_claim": case.state == "open" or lapsed,
        "decide_form": DecideForm(),
        "info_form": RequestInfoForm(),
        "note_form": NoteForm(),
        "other_undecided": (case.report.cases.filter(state__in=["open", "in_review"]).exclude(pk=case.pk).count()
                            if case.report_id else 0),
        "reassign_form": ReassignForm() if user.is_senior_reviewer and case.state in ("open", "in_review") else None,
        "details": report_details_display(report=case.report) if case.report_id else [],
        **extra,
    }


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
                return render(request, "complaints/_notes.html",
                              {"case": case, "notes": case_page.case_notes(case=case), "note_form": NoteForm()})
            messages.success(request, "Note added.")
            return redirect(reverse("complaints:case_detail", args=[pk]) + "#notes")
    if request.headers.get("HX-Request"):
        return render(request, "complaints/_notes.html",
                      {"case": case, "notes": case_page.case_notes(case=case), "note_form": form}, status=400)
    return render(request, "complaints/case_detail.html", case_page_context(case, request.user, note_form=form),
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
            return redirect("complaints:queue")
    case.refresh_from_db()
    return render(request, "complaints/case_detail.html", case_page_context(case, request.user, info_form=form),
                  status=400)


@login_required
@require_http_methods(["GET", "POST"])
def case_statement_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement-of-reasons field composed from the chosen reason and facts (HTMX swaps it in)."""
    case = case_get_for_reviewer(user=request.user, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    form = DecideForm({"reason_code": data.get("reason_code", ""), "facts": data.get("facts", ""),
                       "statement": statement_preview(case=case, reason_code=data.get("reason_code", ""),
                                                      facts=data.get("facts", ""))})
    return render(request, "complaints/_statement_field.html", {"decide_form": form, "case": case})


def statement_preview(*, case, reason_code: str, facts: str) -> str:
    """The composed statement, or "" until a reason is chosen."""
    reason = REASONS.get(reason_code)
    if reason is None:
        return ""
    return statement_compose(case=case, reason=reason, facts=facts or "[the facts you found]")


@login_required
@require_POST
def info_answer_view(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    """The reporter answers a reviewer's question on their report page."""
    _require_rights_holder(request)
    report = report_get_for_user(user=request.user, pk=pk)
    info = info_request_get_for_report(report=report, pk=request_pk)
    form = InfoAnswerForm(request.POST)
    if form.is_valid():
        try:
            info_request_answer(request=info, user=request.user, answer=form.cleaned_data["answer"])
        except InfoRequestError as exc:
            form.add_error("answer", str(exc))
        else:
            messages.success(request, f"Answer sent. {info.case.reference} is back in the review queue.")
            return redirect("complaints:report_detail", pk=pk)
    context = _report_context(request, pk)
    context["questions"] = [(q, form if q.pk == info.pk else f) for q, f in context["questions"]]
    return render(request, "complaints/report_detail.html",
                  {**context, "evidence": report_evidence(report=context["report"])}, status=400)


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
