"""Pages of automatic protection for a brand's members: impact, and the re-check progress."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.charts import bar_chart
from registry import selectors as registry_sel

from . import selectors as sel


@login_required
@require_GET
def brand_impact(request: HttpRequest, pk: int) -> HttpResponse:
    """Listings protected automatically and cases opened, by week; members of the brand only."""
    brand, _ = registry_sel.brand_get_for_user(user=request.user, pk=pk)
    weeks = sel.brand_impact_weeks(brand=brand)
    return render(request, "monitoring/impact.html", {
        "brand": brand, "weeks": weeks,
        "protected_chart": bar_chart("Listings protected automatically, by week",
                                     [(w.week.strftime("%d %b"), w.protected) for w in weeks],
                                     x_label="Week starting", y_label="Listings",
                                     legend="Listings suppressed by your protection rules"),
        "cases_chart": bar_chart("Cases opened, by week (automatic and reported)",
                                 [(w.week.strftime("%d %b"), w.cases) for w in weeks],
                                 x_label="Week starting", y_label="Cases",
                                 legend="Cases opened: automatic detections and reports together"),
        "cases": sel.brand_automatic_cases(brand=brand),
        "total_protected": sum(w.protected for w in weeks),
        "total_cases": sum(w.cases for w in weeks),
    })


@login_required
@require_GET
def recheck_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest re-check of the brand's listings; the fragment polls itself while it runs."""
    brand = registry_sel.brand_admin_get(user=request.user, pk=pk)
    template = "monitoring/_recheck.html" if request.htmx else "monitoring/recheck.html"
    return render(request, template, {"brand": brand, "job": sel.brand_recheck(brand=brand)})
