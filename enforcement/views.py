from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.selectors import audit_entries_for
from audit.transitions import IllegalTransition
from complaints.forms import AppealDecideForm, DecideForm, ReporterAppealDecideForm
from complaints.selectors import case_get_for_reviewer
from complaints.services import CaseError
from complaints.views import case_page_context, statement_preview

from .bulk_decide import report_cases_decide
from .forms import AppealForm, ResponseForm
from .selectors import appeal_get_for_senior, appeals_open, case_actions, seller_notice_get, seller_notices
from .seller_center import appeal_files, seller_notice_standing
from .services import AppealError, appeal_decide, appeal_file, case_decide
from .views_due_process import take_uploads


@login_required
@require_POST
def case_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_reviewer(user=request.user, pk=pk)
    if request.POST.get("action") == "preview":
        return _decide_preview(request, case)
    form = DecideForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        # A page always sends the statement field; only a client that leaves it out gets it composed.
        statement = d["statement"] if "statement" in request.POST else None
        job = None
        try:
            if d["apply_to_report"]:
                bulk = report_cases_decide(case=case, reviewer=request.user, reason_code=d["reason_code"],
                                           facts=d["facts"], statement=statement)
                decision, job = bulk.first, bulk.job
            else:
                decision = case_decide(case=case, reviewer=request.user, reason_code=d["reason_code"],
                                       facts=d["facts"], statement=statement)
        except (CaseError, IllegalTransition) as exc:
            if statement is not None and not statement.strip():
                # Refused as empty: offer the composed statement to edit, beside the message.
                data = request.POST.copy()
                data["statement"] = statement_preview(case=case, reason_code=d["reason_code"], facts=d["facts"])
                form = DecideForm(data)
                form.is_valid()
                form.add_error("statement", str(exc))
            else:
                form.add_error(None, str(exc))
        else:
            recorded = (f"Decision on {case.reference} recorded: {decision.get_outcome_display()}. "
                        "The seller and the reporter are notified.")
            if job is None:
                messages.success(request, recorded)
                return redirect("complaints:queue")
            messages.success(request, f"{recorded} The same decision is being applied to the other "
                                      f"{job.cases_total:,} undecided case(s) of report {case.report.reference} "
                                      "in the background; cases held by another reviewer are skipped. "
                                      "Sellers hear of each case as usual; the reporter gets one summary of them "
                                      "when the job finishes. Progress below.")
            return redirect("enforcement:bulk_job", pk=job.pk)
    case.refresh_from_db()
    ctx = case_page_context(case, request.user, decide_form=form, actions=case_actions(case=case))
    return render(request, "complaints/case_detail.html", ctx, status=400)


def _decide_preview(request: HttpRequest, case) -> HttpResponse:
    """Without JavaScript: the "Preview statement" button composes the statement into the form."""
    data = request.POST.copy()
    data["statement"] = statement_preview(case=case, reason_code=data.get("reason_code", ""),
                                          facts=data.get("facts", ""))
    form = DecideForm(data)
    ctx = case_page_context(case, request.user, decide_form=form, actions=case_actions(case=case))
    return render(request, "complaints/case_detail.html", ctx)


def _require_seller(request: HttpRequest) -> None:
    if not request.user.is_seller:
        raise PermissionDenied("Seller Center is for sellers.")


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    _require_seller(request)
    return render(request, "enforcement/notice_list.html", {"notices": seller_notices(user=request.user)[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_seller(request)
    if request.method == "GET":
        return notice_page(request, pk)
    case = seller_notice_get(user=request.user, pk=pk)
    form = AppealForm(request.POST)
    files, refusals = take_uploads(request)
    for refusal in refusals:
        form.add_error("evidence_upload", refusal)
    if form.is_valid() and not refusals:
        try:
            appeal_file(case=case, user=request.user, statement=form.cleaned_data["statement"], evidence=files)
        except (AppealError, IllegalTransition) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Appeal filed. A senior reviewer will decide it; you will see "
                                      "the outcome here.")
            return redirect("enforcement:notice_detail", pk=pk)
    return notice_page(request, pk, form=form, files=files, status=400)


def notice_page(request: HttpRequest, pk: int, *, form=None, response_form=None, files=(), status=200) -> HttpResponse:
    """The notice as the seller sees it: every statement of reasons, who complained, the deadlines,
    the appeal or counter-notice and the other side's responses, and what can be done now."""
    _require_seller(request)
    standing = seller_notice_standing(user=request.user, pk=pk)
    case = standing.case
    appeals = list(case.appeals.all().order_by("id"))
    open_reporter_appeal = next((a for a in appeals if a.status == "open" and a.party == "reporter"), None)
    return render(request, "enforcement/notice_detail.html", {
        "case": case, "decisions": sorted(case.decisions.all(), key=lambda d: d.pk), "standing": standing,
        "appeal": standing.appeal, "appeals": [(a, appeal_files(a)) for a in appeals],
        "form": form or AppealForm(), "can_appeal": standing.can_appeal, "listing": case.listing,
        "counter_notice": standing.counter_notice, "open_reporter_appeal": open_reporter_appeal,
        "response_form": response_form or ResponseForm(), "files": list(files),
    }, status=status)


@login_required
@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    return render(request, "enforcement/appeal_list.html", {"appeals": appeals_open(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_get_for_senior(user=request.user, pk=pk)
    form_class = ReporterAppealDecideForm if appeal.party == "reporter" else AppealDecideForm
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                appeal_decide(appeal=appeal, senior=request.user, **form.cleaned_data)
            except (AppealError, CaseError, IllegalTransition) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Appeal on {appeal.case.reference} decided.")
                return redirect("enforcement:appeal_list")
        status = 400
    case = appeal.case
    decisions = list(case.decisions.select_related("decided_by").order_by("id"))
    return render(request, "enforcement/appeal_detail.html", {
        "appeal": appeal, "case": case, "decisions": decisions, "form": form,
        "actions": case_actions(case=case),
        "timeline": audit_entries_for(targets=[case, appeal, *decisions]),
        "own_decision": appeal.decision.decided_by_id == request.user.pk,
        "files": appeal_files(appeal), "responses": list(appeal.responses.select_related("author")),
    }, status=status)
