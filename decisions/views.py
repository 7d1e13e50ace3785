"""The reviewer's decision on a case, from the case page: record it (alone, or for every identical
case of the report), or preview its statement without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from actions.selectors import case_actions
from audit.transitions import IllegalTransition
from complaints.reasons import FACTS_PLACEHOLDER, statement_preview
from complaints.records import CaseError
from decisions.report_jobs import report_cases_decide
from decisions.services import case_decide
from review.case_page import case_page_context
from review.forms import DecideForm
from review.selectors import case_get_for_reviewer


@login_required
@require_POST
def case_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_reviewer(user=request.user, pk=pk)
    if request.POST.get("action") == "preview":
        return _decide_preview(request, case)
    form = DecideForm(request.POST, kind=case.kind)
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
            if statement is not None and (not statement.strip() or FACTS_PLACEHOLDER in statement):
                # Refused as empty or composed before the facts: offer the statement composed with
                # the facts to edit, beside the message.
                data = request.POST.copy()
                data["statement"] = statement_preview(case=case, reason_code=d["reason_code"], facts=d["facts"])
                form = DecideForm(data, kind=case.kind)
                form.is_valid()
                form.add_error("statement", str(exc))
            else:
                # A refused reason (decisions.services.ReasonError) is shown on its field.
                form.add_error(getattr(exc, "field", None), str(exc))
        else:
            recorded = (f"Decision on {case.reference} recorded: {decision.get_outcome_display()}. "
                        "The seller and the reporter are notified.")
            if job is None:
                messages.success(request, recorded)
                return redirect("review:queue")
            n = job.cases_total
            messages.success(request, f"{recorded} The same decision is being applied to the other "
                                      f"{n:,} undecided case{pluralize(n)} of {case.origin} "
                                      "in the background; cases held by another reviewer are skipped. "
                                      "Sellers hear of each case as usual; the reporter gets one summary of them "
                                      "when the job finishes. Progress below.")
            return redirect("actions:bulk_job", pk=job.pk)
    case.refresh_from_db()
    ctx = case_page_context(case, request.user, decide_form=form, actions=case_actions(case=case))
    return render(request, "review/case_detail.html", ctx, status=400)


def _decide_preview(request: HttpRequest, case) -> HttpResponse:
    """Without JavaScript: the "Preview statement" button composes the statement into the form."""
    data = request.POST.copy()
    data["statement"] = statement_preview(case=case, reason_code=data.get("reason_code", ""),
                                          facts=data.get("facts", ""))
    form = DecideForm(data, kind=case.kind)
    ctx = case_page_context(case, request.user, decide_form=form, actions=case_actions(case=case))
    return render(request, "review/case_detail.html", ctx)
