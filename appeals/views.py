"""The senior reviewers' appeal pages (the list, one appeal with its ruling form) and the files
filed in appeals. Each side files and responds from its own pages (sellers, reporters)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from actions.selectors import case_actions
from audit.selectors import audit_entries_for
from audit.transitions import IllegalTransition
from complaints.models import Party
from complaints.records import CaseError
from evidence.responses import evidence_response

from .forms import AppealDecideForm, ReporterAppealDecideForm
from .selectors import appeal_evidence_get, appeal_files, appeal_get_for_senior, appeals_open
from .services import AppealError, appeal_decide


@login_required
@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    return render(request, "appeals/appeal_list.html", {"appeals": appeals_open(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_get_for_senior(user=request.user, pk=pk)
    form_class = ReporterAppealDecideForm if appeal.party == Party.REPORTER else AppealDecideForm
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
                return redirect("appeals:appeal_list")
        status = 400
    case = appeal.case
    decisions = list(case.decisions.select_related("decided_by").order_by("id"))
    return render(request, "appeals/appeal_detail.html", {
        "appeal": appeal, "case": case, "decisions": decisions, "form": form,
        "actions": case_actions(case=case),
        "timeline": audit_entries_for(targets=[case, appeal, *decisions]),
        "own_decision": appeal.decision.decided_by_id == request.user.pk,
        "files": appeal_files(appeal), "responses": list(appeal.responses.select_related("author")),
    }, status=status)


@login_required
@require_GET
def appeal_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return evidence_response(appeal_evidence_get(user=request.user, pk=pk))
