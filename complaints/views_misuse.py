"""Pages for misuse of the notice system: the senior's proposals to confirm, the reporter's standing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.transitions import IllegalTransition
from registry.selectors import brands_for_user

from .forms import SanctionDecideForm
from .misuse import (
    SanctionError,
    notifier_figures,
    notifiers_evaluate_all,
    sanction_confirm,
    sanction_dismiss,
    sanction_get_for_senior,
    sanctions_for_senior,
    sanctions_of,
)
from .models import SanctionStatus


@login_required
@require_GET
def sanction_list(request: HttpRequest) -> HttpResponse:
    sanctions = sanctions_for_senior(user=request.user)
    return render(request, "complaints/sanction_list.html", {
        "proposed": sanctions.filter(status=SanctionStatus.PROPOSED),
        "decided": sanctions.exclude(status=SanctionStatus.PROPOSED)[:100],
    })


@login_required
@require_POST
def sanction_evaluate(request: HttpRequest) -> HttpResponse:
    sanctions_for_senior(user=request.user)  # access check
    made = notifiers_evaluate_all()
    messages.info(request, f"Every notifier evaluated: {made} new proposal{'s' if made != 1 else ''}.")
    return redirect("complaints:sanction_list")


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
                extra = f" {sanction.closed_cases} pending case(s) closed." if sanction.closed_cases else ""
                messages.success(request, f"{sanction.get_level_display()} of {sanction.subject_label} "
                                          f"{sanction.get_status_display().lower()}.{extra}")
                return redirect("complaints:sanction_list")
        status = 400
    subject = {"brand": sanction.brand} if sanction.brand_id else {"reporter": sanction.reporter}
    return render(request, "complaints/sanction_detail.html", {
        "sanction": sanction, "form": form, "now": notifier_figures(**subject),
        "history": sanctions_of(**subject).exclude(pk=sanction.pk),
    }, status=status)


@login_required
@require_GET
def notifier_standing(request: HttpRequest) -> HttpResponse:
    """The reporter's own figures, and each brand's they act for, with any warning and why."""
    if not request.user.is_rights_holder:
        raise PermissionDenied("Only rights holders file notices.")
    rows = [("You", notifier_figures(reporter=request.user),
             sanctions_of(reporter=request.user).exclude(status=SanctionStatus.DISMISSED))]
    for brand in brands_for_user(user=request.user):
        rows.append((brand.name, notifier_figures(brand=brand),
                     sanctions_of(brand=brand).exclude(status=SanctionStatus.DISMISSED)))
    return render(request, "complaints/notifier_standing.html", {
        "rows": rows, "min_decided": settings.NOTIFIER_MIN_DECIDED,
        "unfounded_limit": settings.NOTIFIER_UNFOUNDED_SHARE, "reversed_limit": settings.NOTIFIER_REVERSED_SHARE,
    })
