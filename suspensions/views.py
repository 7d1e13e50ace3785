"""Suspension pages: a reviewer proposes from a case; senior reviewers list, approve, reject and
lift, and rule on the seller's appeal (with its files)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import is_senior, require_senior
from audit.selectors import audit_entries_for
from evidence.responses import evidence_response
from review.case_page import case_page_context
from review.selectors import case_get_for_reviewer

from .forms import (
    LinkedFlagDecideForm,
    SuspensionAppealDecideForm,
    SuspensionDecideForm,
    SuspensionLiftForm,
    SuspensionProposeForm,
)
from .selectors import (
    linked_flag_get_open,
    linked_flags_open,
    open_suspensions_of,
    strikes_with_coverage,
    suspension_appeal_evidence_get,
    suspension_appeal_files,
    suspension_get_for_reviewer,
    suspensions_for_senior,
)
from .services import (
    SuspensionAlreadyOpen,
    SuspensionError,
    linked_flag_clear,
    linked_flag_escalate,
    strikes_active,
    suspension_appeal_decide,
    suspension_approve,
    suspension_lift,
    suspension_propose,
    suspension_reject,
    suspension_took_part,
)


@login_required
@require_GET
def suspension_list(request: HttpRequest) -> HttpResponse:
    return render(request, "suspensions/suspension_list.html",
                  {"proposals": suspensions_for_senior(user=request.user)[:200]})


@login_required
@require_POST
def suspension_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer proposes suspending the seller of the case on screen; errors come back on the case page."""
    case = case_get_for_reviewer(user=request.user, pk=pk)
    form = SuspensionProposeForm(request.POST)
    if form.is_valid():
        try:
            proposal = suspension_propose(case=case, reviewer=request.user,
                                          reason=form.cleaned_data["suspension_reason"])
        except SuspensionAlreadyOpen as exc:
            form.add_error(None, str(exc))  # the page's panel links to the open one
        except SuspensionError as exc:
            form.add_error("suspension_reason" if exc.field == "reason" else None, str(exc))
        else:
            messages.success(request, f"Suspension #{proposal.pk} of {proposal.seller.name} proposed. A senior "
                                      "reviewer other than you decides it.")
            return redirect("review:case_detail", pk=case.pk)
    return render(request, "review/case_detail.html",
                  case_page_context(case, request.user, suspension_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def suspension_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = suspension_get_for_reviewer(user=request.user, pk=pk)
    if request.method == "POST":
        require_senior(request.user, "Only senior reviewers decide seller suspensions.")
    if request.method == "POST" and "appeal" in request.POST:
        return _appeal_ruling(request, proposal)
    lifting = request.method == "POST" and "lift" in request.POST
    decide_form = SuspensionDecideForm(request.POST if request.method == "POST" and not lifting else None)
    lift_form = SuspensionLiftForm(request.POST if lifting else None)
    form = lift_form if lifting else decide_form
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if lifting:
                    suspension_lift(suspension=proposal, senior=request.user, reason=form.cleaned_data["reason"])
                elif form.cleaned_data["decision"] == "approve":
                    suspension_approve(suspension=proposal, senior=request.user, reason=form.cleaned_data["reason"])
                else:
                    suspension_reject(suspension=proposal, senior=request.user, reason=form.cleaned_data["reason"])
            except SuspensionError as exc:
                form.add_error(exc.field, str(exc))
            else:
                messages.success(request, f"Suspension #{proposal.pk} of {proposal.seller}: recorded.")
                return redirect("suspensions:suspension_detail", pk=proposal.pk)
        status = 400
    return _detail_page(request, proposal, decide_form, lift_form, SuspensionAppealDecideForm(), status)


def _appeal_ruling(request: HttpRequest, proposal) -> HttpResponse:
    form = SuspensionAppealDecideForm(request.POST)
    if form.is_valid():
        grant = form.cleaned_data["outcome"] == "grant"
        try:
            suspension_appeal_decide(suspension=proposal, senior=request.user, grant=grant,
                                     reason=form.cleaned_data["appeal_reason"])
        except SuspensionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, (f"Appeal granted: the suspension of {proposal.seller} is lifted and the "
                                       "listings it alone hid are being restored; the seller sees your reasons.")
                             if grant else (f"Appeal denied: {proposal.seller} stays suspended; the seller sees "
                                            "your reasons in Seller Center."))
            return redirect("suspensions:suspension_detail", pk=proposal.pk)
    return _detail_page(request, proposal, SuspensionDecideForm(), SuspensionLiftForm(), form, 400)


def _detail_page(request, proposal, decide_form, lift_form, appeal_form, status) -> HttpResponse:
    strikes = strikes_with_coverage(proposal.strikes.all(), order=("created_at", "id"))
    return render(request, "suspensions/suspension_detail.html", {
        "appeal_form": appeal_form, "took_part": suspension_took_part(suspension=proposal, user=request.user),
        "proposal": proposal, "strikes": strikes, "decide_form": decide_form, "lift_form": lift_form,
        "appeal_files": suspension_appeal_files(proposal),
        "active_count": strikes_active(seller=proposal.seller).count(),
        "own_strike": any(link.decision.decided_by_id == request.user.pk for s in strikes for link in s.covered),
        "own_proposal": proposal.proposed_by_id == request.user.pk,
        "can_decide": is_senior(request.user),
        "is_proposed": proposal.is_proposed,
        "is_approved": proposal.is_approved,
        "timeline": audit_entries_for(targets=[proposal]),
    }, status=status)


@login_required
@require_GET
def suspension_appeal_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """A file filed with a suspension appeal: the seller who filed it and reviewers; 404 to anyone else."""
    return evidence_response(suspension_appeal_evidence_get(user=request.user, pk=pk))


@login_required
@require_GET
def linked_flag_list(request: HttpRequest) -> HttpResponse:
    """Reviewers: the accounts linked to a suspended seller, waiting for review, oldest first."""
    return _linked_flags_page(request)


def _linked_flags_page(request: HttpRequest, *, failed=None, form=None, status: int = 200) -> HttpResponse:
    flags = list(linked_flags_open(user=request.user)[:200])
    # A linked seller may already have a suspension open: escalating its flag points at that one.
    open_already = open_suspensions_of(seller_ids={f.seller_id for f in flags})
    rows = [(f, form if failed is not None and f.pk == failed.pk else LinkedFlagDecideForm(prefix=f"f{f.pk}"),
             open_already.get(f.seller_id)) for f in flags]
    return render(request, "suspensions/linked_flag_list.html", {"rows": rows}, status=status)


@login_required
@require_POST
def linked_flag_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Clear a flag with a reason, or escalate it (a suspension of the linked seller proposed)."""
    flag = linked_flag_get_open(user=request.user, pk=pk)
    form = LinkedFlagDecideForm(request.POST, prefix=f"f{flag.pk}")
    if form.is_valid():
        escalate = form.cleaned_data["decision"] == "escalate"
        try:
            if escalate:
                flag = linked_flag_escalate(flag=flag, reviewer=request.user, reason=form.cleaned_data["reason"])
            else:
                flag = linked_flag_clear(flag=flag, reviewer=request.user, reason=form.cleaned_data["reason"])
        except SuspensionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            if escalate:
                messages.success(request, f"{flag.seller.name}: suspension #{flag.escalated_to_id} proposed "
                                          "(or already open); a senior reviewer decides it.")
            else:
                messages.success(request, f"{flag.seller.name}: flag cleared.")
            return redirect("suspensions:linked_flag_list")
    return _linked_flags_page(request, failed=flag, form=form, status=400)
