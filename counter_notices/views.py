"""Counter-notices for trust and safety: a reviewer checks court filings (copyright), a senior decides
trademark, design and patent counter-notices. The seller files from Seller Center (sellers), the
rights holder answers from its case page (reporters). Also the files filed with them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import is_senior
from audit.transitions import IllegalTransition
from common import dates
from complaints.models import Party
from evidence.responses import evidence_response

from .forms import CounterNoticeDecideForm, FilingReviewForm
from .selectors import counter_notice_evidence_get, counter_notice_for_review_get, counter_notices_to_review
from .services import CounterNoticeError, counter_notice_decide, court_filing_review


@login_required
@require_GET
def counter_notice_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return evidence_response(counter_notice_evidence_get(user=request.user, pk=pk))


@login_required
@require_GET
def counter_notice_list(request: HttpRequest) -> HttpResponse:
    notices = list(counter_notices_to_review(user=request.user))
    return render(request, "counter_notices/review_list.html", {"notices": notices})


@login_required
@require_http_methods(["GET", "POST"])
def counter_notice_review(request: HttpRequest, pk: int) -> HttpResponse:
    notice = counter_notice_for_review_get(user=request.user, pk=pk)
    filing_form = FilingReviewForm(request.POST if request.method == "POST" and notice.is_filing_under_review
                                   else None)
    decide_form = CounterNoticeDecideForm(request.POST if request.method == "POST" and notice.is_for_decision
                                          else None)
    if request.method == "POST":
        form = filing_form if notice.is_filing_under_review else decide_form
        if form.is_valid():
            try:
                message = _act(request, notice, form.cleaned_data)
            except (CounterNoticeError, IllegalTransition) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, message)
                return redirect("counter_notices:review", pk=pk)
    links = notice.evidence_links.select_related("file").order_by("id")
    return render(request, "counter_notices/review_detail.html", {
        "notice": notice, "case": notice.case, "filing_form": filing_form, "decide_form": decide_form,
        "seller_files": [x.file for x in links if x.party == Party.SELLER],
        "reporter_files": [x.file for x in links if x.party == Party.REPORTER],
        "may_decide": is_senior(request.user) and notice.decision.decided_by_id != request.user.pk,
    }, status=400 if request.method == "POST" else 200)


def _act(request, notice, data) -> str:
    if notice.is_filing_under_review:
        confirm = data["outcome"] == "confirm"
        court_filing_review(notice=notice, reviewer=request.user, confirm=confirm, note=data["note"])
        if confirm:
            return "Court filing confirmed. The listing stays down; the seller and the rights holder see it."
        return (f"Court filing rejected. The counter-notice waits again: the listing comes back on "
                f"{dates.deadline(notice.reinstate_on)} unless a valid filing is shown by "
                f"{dates.deadline(notice.court_action_due)}.")
    reinstate = data["outcome"] == "reinstate"
    counter_notice_decide(notice=notice, senior=request.user, reinstate=reinstate, reason=data["reason"])
    if reinstate:
        return ("Counter-notice granted. The listing is being reinstated on the marketplace and the seller's "
                "strike for it is removed; both sides read your reasons on their pages.")
    return "Counter-notice denied. The listing stays down; both sides read your reasons on their pages."
