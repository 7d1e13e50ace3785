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
from complaints.kinds import report_details_display
from complaints.models import Outcome, Party
from complaints.records import CaseError
from complaints.selectors import report_evidence
from evidence.responses import evidence_response
from review.case_page import listing_diff

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
                decision = appeal_decide(appeal=appeal, senior=request.user, **form.cleaned_data)
            except (AppealError, CaseError, IllegalTransition) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, ruling_message(appeal, decision))
                return redirect("appeals:appeal_list")
        status = 400
    case = appeal.case
    decisions = list(case.decisions.select_related("decided_by").order_by("id"))
    return render(request, "appeals/appeal_detail.html", {
        "appeal": appeal, "case": case, "decisions": decisions, "form": form, "report": case.report,
        "diff": listing_diff(case=case), "listing": case.listing,
        "details": report_details_display(report=case.report) if case.report_id else [],
        "evidence": report_evidence(report=case.report) if case.report_id else [],
        "actions": case_actions(case=case),
        "timeline": audit_entries_for(targets=[case, appeal, *decisions]),
        "own_decision": appeal.decision.decided_by_id == request.user.pk,
        "files": appeal_files(appeal), "responses": list(appeal.responses.select_related("author")),
    }, status=status)


def ruling_message(appeal, decision) -> str:
    """What the ruling did and what follows, for the senior who made it."""
    ref = appeal.case.reference
    if decision.outcome == Outcome.REINSTATE:
        return (f"Appeal on {ref} granted. The listing is being reinstated on the marketplace and the strike "
                "for this decision is removed; the seller and the rights holder get your statement by e-mail.")
    if decision.outcome == Outcome.REMOVE:
        return (f"Appeal on {ref} granted. The listing is being removed on the marketplace; the seller gets the "
                "statement of reasons and may appeal in turn, and the rights holder is told by e-mail.")
    if decision.outcome == Outcome.UPHOLD:
        return (f"Appeal on {ref} denied. The restriction stands; the seller and the rights holder get your "
                "statement by e-mail. The decision is final on the portal.")
    return (f"Appeal on {ref} denied. The rejection stands; the rights holder and the seller get your statement "
            "by e-mail.")


@login_required
@require_GET
def appeal_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return evidence_response(appeal_evidence_get(user=request.user, pk=pk))
