from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from complaints.selectors import report_get_for_user
from registry.selectors import brand_get_for_user

from .good_faith import brand_lane_compute
from .withdrawals import WithdrawalError, report_withdraw


@login_required
@require_POST
def report_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_rights_holder:
        raise PermissionDenied("Only rights holders file and follow reports.")
    report = report_get_for_user(user=request.user, pk=pk)  # 404 for another brand's report
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick “I want to withdraw this report” to withdraw it.")
        return redirect("complaints:report_detail", pk=pk)
    try:
        counts = report_withdraw(report=report, user=request.user)
    except WithdrawalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Report {report.reference} withdrawn: {counts['closed']} undecided case(s) "
                                  f"closed, {counts['reinstated']} removed listing(s) being reinstated.")
    return redirect("complaints:report_detail", pk=pk)


@login_required
@require_POST
def brand_lane_recompute_view(request: HttpRequest, pk: int) -> HttpResponse:
    """On demand: recompute the brand's accuracy figures and lane now (also done daily)."""
    brand, _ = brand_get_for_user(user=request.user, pk=pk)  # 404 for a brand the user does not act for
    brand = brand_lane_compute(brand=brand)
    state = "in" if brand.good_faith_lane else "not in"
    messages.info(request, f"{brand}: figures recomputed; the brand is {state} the good-faith lane.")
    return redirect("complaints:report_list")
