"""The rights holder's pages: reports (filing, drafts, the list, each report with its cases and the
reviewers' questions), evidence files, notice standing, withdrawal, the good-faith lane, and each
case with its appeals and counter-notices."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import require_rights_holder
from appeals.forms import ReporterAppealForm, ResponseForm
from appeals.selectors import appeal_files, appeal_get_for_party
from appeals.services import AppealError, appeal_file_by_reporter, appeal_respond
from audit.selectors import audit_entries_for
from audit.transitions import IllegalTransition
from common.ratelimit import rate_take, uploads_limited, uploads_refusal, uploads_wait, wait_words
from common.text import plural
from complaints.forms import ReportFilterForm, ReportForm
from complaints.kinds import SPECS, report_details_display
from complaints.lanes import brand_lane_compute
from complaints.models import Party, Priority, SanctionStatus
from complaints.sanctions import (
    reporter_figures,
    sanctions_of,
)
from complaints.selectors import (
    evidence_carriable,
    evidence_get_for_user,
    report_cases,
    report_draft_get_for_user,
    report_drafts_for_user,
    report_evidence,
    report_get_for_user,
    reports_filter,
    reports_for_user,
)
from complaints.services import ReportError, report_draft_delete, report_draft_save, report_submit
from complaints.sla import sla_hours
from counter_notices.forms import CounterNoticeAnswerForm, CourtActionForm
from counter_notices.models import CounterNoticeStatus
from counter_notices.services import CounterNoticeError, counter_notice_answer, court_action_show
from evidence.forms import take_uploads, uploads_carry
from evidence.responses import evidence_response
from imagery.selectors import case_pictures
from imagery.views import case_image_response
from listings.selectors import listing_csv_parse, listing_search, parse_listing_refs
from registry.models import RightKind
from registry.selectors import brand_get_for_user, brands_for_user, rights_for_user
from reporters.forms import InfoAnswerForm
from reporters.selectors import (
    report_progress_label,
    report_state_label,
    reporter_case_get,
    reporter_may_appeal,
    reports_with_progress,
)
from reporters.services import WithdrawalError, report_withdraw
from review.info_requests import (
    InfoRequestError,
    info_request_answer,
    info_request_get_for_report,
    info_requests_open_for_report,
)


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    require_rights_holder(request.user)
    brands = list(brands_for_user(user=request.user).order_by("name"))
    filters = ReportFilterForm(request.GET or None, brands=brands)
    reports = reports_for_user(user=request.user)
    if filters.is_valid():
        reports = reports_filter(reports=reports, **filters.cleaned_data)
    drafts = report_drafts_for_user(user=request.user)[:100]
    shown = list(reports_with_progress(reports).order_by("-id")[:200])
    for r in shown:
        r.state_label, r.progress_label = report_state_label(r), report_progress_label(r)
    return render(request, "reporters/report_list.html", {
        "reports": shown, "drafts": drafts, "filters": filters, "brands": brands,
        "filtered": filters.is_bound and filters.is_valid() and any(filters.cleaned_data.values()),
    })


@login_required
@require_GET
def report_choose(request: HttpRequest) -> HttpResponse:
    """Which kind of report: each with a line on what it is for and what it asks."""
    require_rights_holder(request.user)
    rights = rights_for_user(user=request.user).filter(registered=True).values_list("kind", flat=True)
    return render(request, "reporters/report_choose.html", {"specs": SPECS.values(), "kinds": set(rights)})


def _filing(request: HttpRequest) -> str | None:
    """Who files, for RATE_LIMITS["report_filing"]: drafts and file removals are not filings."""
    if request.POST.get("action") == "draft" or request.POST.get("remove_evidence"):
        return None
    return f"user:{request.user.pk}"


@login_required
@require_http_methods(["GET", "POST"])
@uploads_limited
def report_new(request: HttpRequest, kind: str = RightKind.TRADEMARK, draft_pk: int | None = None) -> HttpResponse:
    """A report form of one kind, new or continuing a draft.

    Files picked are stored on every POST (checked by content) and carried as ids, and a CSV of
    listings is read into the listings box, so neither a validation error nor "Save draft" ever
    asks for them again.
    """
    require_rights_holder(request.user)
    draft = report_draft_get_for_user(user=request.user, pk=draft_pk) if draft_pk else None
    if draft is not None:
        kind = draft.data.get("kind", RightKind.TRADEMARK)
    if kind not in SPECS:
        raise Http404("No such report type")
    if request.method == "GET":
        if draft is None:
            initial = {"contact_email": request.user.email}
            # A report started from elsewhere (a counterfeit test buy, legal/): its listing and
            # what to cite, prefilled and shown, never filed without the reporter's own submit.
            for name in ("listings", "explanation"):
                if request.GET.get(name):
                    initial[name] = request.GET[name][:2000]
        else:
            initial = {**draft.data, "evidence": [f.pk for f in draft.evidence.all()]}
        form = ReportForm(initial=initial, user=request.user, draft=draft, kind=kind)
        return _render_report_form(request, form, draft)

    # Counted before anything else (a refused filing still counts), answered after the files are
    # kept, so the form comes back as typed.
    filer = _filing(request)
    wait = rate_take("report_filing", filer) if filer else None
    data = request.POST.copy()
    files, problems, removed = _take_evidence(request, draft, data)
    csv_problems = _take_listings_csv(request, data)
    form = ReportForm(data, user=request.user, draft=draft, kind=kind)
    if wait is not None:
        return _too_many_filings(request, form, data, files, draft, wait)
    if removed is not None:
        # Removing a file is not a submission: show the form again as typed, without errors (files
        # picked at the same time and refused say so above the form).
        messages.info(request, f"Removed “{removed.original_name}” from this report.")
        for problem in problems + csv_problems:
            messages.error(request, problem)
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
            return redirect("reporters:report_detail", pk=report.pk)
    return _render_report_form(request, form, draft)


def _too_many_filings(request: HttpRequest, form: ReportForm, data, files, draft, wait: int) -> HttpResponse:
    """The filing limit (RATE_LIMITS["report_filing"], shared with the API) reached: the form again,
    everything typed and every file kept, with when filing opens again; 429 with Retry-After."""
    messages.error(request, f"Not filed: you reached the filing limit ({settings.RATE_LIMITS['report_filing']} "
                            f"reports). You can file again {wait_words(wait)}. Nothing you typed was lost: it is "
                            "below, and “Save draft” keeps it meanwhile.")
    form = ReportForm(initial=_typed_fields(form, data, files), user=request.user, draft=draft, kind=form.kind)
    response = _render_report_form(request, form, draft)
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response


def _tell_filed(request: HttpRequest, report) -> None:
    opened = report.cases.count()
    linked = [link.case for link in report.case_links.select_related("case__listing", "case__report")]
    are = "is" if opened == 1 else "are"
    text = f"Report {report.reference} filed: {plural(opened, 'case')} {are} in the review queue."
    if linked:
        shown = ", ".join(f"{c.listing.external_id} → {c.reference} ({c.origin})" for c in linked[:10])
        was = "was" if len(linked) == 1 else "were"
        text += (f" {plural(len(linked), 'listing')} {was} already under review"
                 f" for this right and {was} linked to "
                 f"those cases instead: {shown}{' …' if len(linked) > 10 else ''}.")
    messages.success(request, text + f" A confirmation was sent to {report.contact_email}.")


def _take_listings_csv(request: HttpRequest, data) -> list[str]:
    """Read an uploaded CSV of listings into the listings box; or, if any row is bad, the problems
    (and nothing is added: a half-read file would file a report the reporter did not check)."""
    upload = request.FILES.get("listings_csv")
    if upload is None:
        return []
    wait = uploads_wait(request)
    if wait is not None:
        return [uploads_refusal(wait)]
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
    data["listings"] = "\n".join(dict.fromkeys(typed + refs))  # merged in order, linear
    return []


def _take_evidence(request: HttpRequest, draft, data) -> tuple[list, list[str], object]:
    """Carry the form's files as every form does (uploads_carry), the draft's among them, and write
    the carried ids back into `data`.

    Returns (files the form now carries, problems to show, the file removed or None).
    """
    carried = uploads_carry(request, carriable=evidence_carriable(user=request.user, draft=draft))
    data.setlist("evidence", [str(f.pk) for f in carried.files])
    return carried.files, carried.problems, carried.removed


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
    messages.success(request, f"Draft {draft.reference} saved with {plural(len(files), 'file')}. "
                              "Continue it any time from My reports.")
    return redirect("reporters:report_draft", draft_pk=draft.pk)


def _render_report_form(request: HttpRequest, form: ReportForm, draft) -> HttpResponse:
    if form.is_bound:
        ids = form.data.getlist("evidence")
    else:
        ids = form.initial.get("evidence", [])
    files = list(form.fields["evidence"].queryset.filter(pk__in=[int(i) for i in ids if str(i).isdigit()])
                 .order_by("id"))
    return render(request, "reporters/report_form.html", {
        "form": form, "draft": draft, "files": files, "spec": form.spec,
        "unregistered_sla_hours": sla_hours(Priority.UNREGISTERED)})


@login_required
@require_GET
def listing_search_view(request: HttpRequest) -> HttpResponse:
    """Find marketplace listings to report. A plain GET page without JavaScript; from the report
    form, HTMX swaps the results in and each "Add" appends the id to the listings box."""
    require_rights_holder(request.user)
    params = {k: request.GET.get(k, "")[:200] for k in ("q", "brand", "seller", "listing_id")}
    results = list(listing_search(**params))
    template = "reporters/_listing_results.html" if request.htmx else "reporters/listing_search.html"
    return render(request, template, {"results": results, "params": params,
                                      "searched": any(v.strip() for v in params.values())})


@login_required
@require_POST
def report_draft_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_rights_holder(request.user)
    draft = report_draft_get_for_user(user=request.user, pk=pk)
    report_draft_delete(user=request.user, draft=draft)
    messages.info(request, f"Draft {draft.reference} deleted, with the files uploaded to it.")
    return redirect("reporters:report_list")


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
    require_rights_holder(request.user)
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
    return render(request, "reporters/report_detail.html",
                  {**context, "evidence": report_evidence(report=context["report"])})


@login_required
@require_GET
def report_cases_partial(request: HttpRequest, pk: int) -> HttpResponse:
    """The cases table alone, polled by HTMX so the page follows state changes."""
    return render(request, "reporters/_report_cases.html", _report_context(request, pk))


@login_required
@require_POST
@uploads_limited
def info_answer_view(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    """The reporter answers a reviewer's question on their report page."""
    require_rights_holder(request.user)
    report = report_get_for_user(user=request.user, pk=pk)
    info = info_request_get_for_report(report=report, pk=request_pk)
    form = InfoAnswerForm(request.POST)
    files = take_uploads(request, form)
    if form.is_valid():
        try:
            info_request_answer(request=info, user=request.user, answer=form.cleaned_data["answer"], evidence=files)
        except InfoRequestError as exc:
            form.add_error(exc.field if exc.field in form.fields else "answer", str(exc))
        else:
            messages.success(request, f"Answer sent. {info.case.reference} is back in the review queue.")
            return redirect("reporters:report_detail", pk=pk)
    context = _report_context(request, pk)
    context["questions"] = [(q, form if q.pk == info.pk else f) for q, f in context["questions"]]
    form.carried_files = files  # kept with the form on its page: never asked for twice
    return render(request, "reporters/report_detail.html",
                  {**context, "evidence": report_evidence(report=context["report"])}, status=400)


@login_required
@require_GET
def reporter_standing(request: HttpRequest) -> HttpResponse:
    """The reporter's own figures, and each brand's they act for, with any warning and why."""
    require_rights_holder(request.user, "Only rights holders file notices.")
    rows = [("You", reporter_figures(reporter=request.user),
             sanctions_of(reporter=request.user).exclude(status=SanctionStatus.DISMISSED))]
    for brand in brands_for_user(user=request.user):
        rows.append((brand.name, reporter_figures(brand=brand),
                     sanctions_of(brand=brand).exclude(status=SanctionStatus.DISMISSED)))
    return render(request, "reporters/reporter_standing.html", {
        "rows": rows, "min_decided": settings.NOTIFIER_MIN_DECIDED,
        "unfounded_limit": settings.NOTIFIER_UNFOUNDED_SHARE, "reversed_limit": settings.NOTIFIER_REVERSED_SHARE,
    })


@login_required
@require_POST
def report_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_rights_holder(request.user, "Only rights holders file and follow reports.")
    report = report_get_for_user(user=request.user, pk=pk)  # 404 for another brand's report
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick “I want to withdraw this report” to withdraw it.")
        return redirect("reporters:report_detail", pk=pk)
    try:
        counts = report_withdraw(report=report, user=request.user)
    except WithdrawalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Report {report.reference} withdrawn: {plural(counts['closed'], 'undecided case')} "
                                  f"closed, {plural(counts['reinstated'], 'removed listing')} being reinstated.")
    return redirect("reporters:report_detail", pk=pk)


@login_required
@require_POST
def brand_lane_recompute_view(request: HttpRequest, pk: int) -> HttpResponse:
    """On demand: recompute the brand's accuracy figures and lane now (also done daily)."""
    brand, _ = brand_get_for_user(user=request.user, pk=pk)  # 404 for a brand the user does not act for
    brand = brand_lane_compute(brand=brand)
    state = "in" if brand.good_faith_lane else "not in"
    messages.info(request, f"{brand}: figures recomputed; the brand is {state} the good-faith lane.")
    return redirect("reporters:report_list")


@login_required
@require_GET
def reporter_case(request: HttpRequest, pk: int) -> HttpResponse:
    require_rights_holder(request.user)
    case = reporter_case_get(user=request.user, pk=pk)
    return _render_reporter_case(request, case)


@login_required
@require_GET
def case_image(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    """A picture of the case's listing, as reported or now, for the members of the case's brand."""
    require_rights_holder(request.user)
    return case_image_response(case=reporter_case_get(user=request.user, pk=pk), pk=image_pk)


def _render_reporter_case(request, case, status=200, **forms) -> HttpResponse:
    appeals = list(case.appeals.all().order_by("id"))
    notices = list(case.counter_notices.all().order_by("id"))
    decisions = list(case.decisions.all())
    waiting = next((n for n in notices if n.is_waiting), None)
    open_appeal = next((a for a in appeals if a.is_open), None)
    return render(request, "reporters/case.html", {
        "case": case, "report": case.report, "decisions": decisions,
        "appeals": [(a, appeal_files(a)) for a in appeals], "notices": notices, "waiting": waiting,
        "open_appeal": open_appeal,
        "can_respond": open_appeal is not None and open_appeal.party == Party.SELLER,
        "can_appeal": reporter_may_appeal(case),
        "appeal_form": forms.get("appeal_form") or ReporterAppealForm(),
        "response_form": forms.get("response_form") or ResponseForm(),
        "court_form": forms.get("court_form") or CourtActionForm(),
        "answer_form": forms.get("answer_form") or CounterNoticeAnswerForm(),
        "files": forms.get("files", []),
        "timeline": audit_entries_for(targets=[case, *decisions, *appeals, *notices]),
        "pictures": case_pictures(case=case, src=lambda image_pk: reverse("reporters:case_image",
                                                                          args=[case.pk, image_pk])),
    }, status=status)


@login_required
@require_POST
@uploads_limited
def case_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    require_rights_holder(request.user)
    case = reporter_case_get(user=request.user, pk=pk)
    form = ReporterAppealForm(request.POST)
    files = take_uploads(request, form)
    if form.is_valid():
        try:
            appeal_file_by_reporter(case=case, user=request.user, statement=form.cleaned_data["statement"],
                                    evidence=files)
        except (AppealError, IllegalTransition) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Appeal filed. A senior reviewer who did not reject the report will decide "
                                      "it; the seller may respond first.")
            return redirect("reporters:case", pk=pk)
    return _render_reporter_case(request, case, status=400, appeal_form=form, files=files)


@login_required
@require_POST
@uploads_limited
def court_action(request: HttpRequest, pk: int) -> HttpResponse:
    require_rights_holder(request.user)
    case = reporter_case_get(user=request.user, pk=pk)
    notice = case.counter_notices.filter(status=CounterNoticeStatus.WAITING).first()
    if notice is None:
        raise Http404("No counter-notice waits for an answer on this case")
    if not notice.is_dmca:
        return _counter_notice_answer(request, case, notice)
    form = CourtActionForm(request.POST)
    files = take_uploads(request, form)
    if form.is_valid():
        try:
            court_action_show(notice=notice, user=request.user, note=form.cleaned_data["note"], filing=files)
        except (CounterNoticeError, IllegalTransition) as exc:
            form.add_error("evidence_upload" if not files else None, str(exc))
        else:
            messages.success(request, "Court filing uploaded. A reviewer checks it; meanwhile the listing stays "
                                      "down and its reinstatement waits. You will see the result here.")
            return redirect("reporters:case", pk=pk)
    return _render_reporter_case(request, case, status=400, court_form=form, files=files)


def _counter_notice_answer(request, case, notice) -> HttpResponse:
    """A trademark, design or patent counter-notice: the brand answers with evidence."""
    form = CounterNoticeAnswerForm(request.POST)
    files = take_uploads(request, form)
    if form.is_valid():
        try:
            counter_notice_answer(notice=notice, user=request.user, answer=form.cleaned_data["answer"],
                                  evidence=files)
        except (CounterNoticeError, IllegalTransition) as exc:
            form.add_error("answer", str(exc))
        else:
            messages.success(request, "Answer sent. A senior reviewer now weighs the counter-notice and your "
                                      "evidence; the listing stays down until they decide.")
            return redirect("reporters:case", pk=case.pk)
    return _render_reporter_case(request, case, status=400, answer_form=form, files=files)


@login_required
@require_POST
@uploads_limited
def appeal_response(request: HttpRequest, pk: int) -> HttpResponse:
    """The rights holder answers a seller's appeal from its case page. Anyone else: 404."""
    require_rights_holder(request.user)
    appeal = appeal_get_for_party(user=request.user, pk=pk, party=Party.REPORTER)
    form = ResponseForm(request.POST)
    files = take_uploads(request, form)
    if form.is_valid():
        try:
            appeal_respond(appeal=appeal, user=request.user, statement=form.cleaned_data["statement"], evidence=files)
        except AppealError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Response filed. The senior reviewer reads it before ruling.")
            return redirect("reporters:case", pk=appeal.case_id)
    return _render_reporter_case(request, reporter_case_get(user=request.user, pk=appeal.case_id), status=400,
                               response_form=form, files=files)
