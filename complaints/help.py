"""Help pages for rights holders: public, server-rendered, one template per page."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from registry.unregistered import SPECS as DESCRIBED_SPECS
from registry.unregistered import UNREGISTERED_DESIGN_YEARS

from .kinds import SPECS
from .models import Priority
from .sla import sla_hours

PAGES = {
    "report-trademark": "What a trademark report needs",
    "report-patent": "What a patent report needs",
    "report-design": "What a design report needs",
    "report-copyright": "What a copyright report needs",
    "unregistered-rights": "Reporting with a right that is not registered",
    "after-filing": "What happens after you file: steps and timelines",
    "avoid-rejection": "How to avoid a rejected report",
    "false-notices": "Consequences of false notices",
    "counter-notices": "Counter-notices: copyright and the other rights",
    "bulk-api": "Filing in bulk: CSV and the API",
}


@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    return render(request, "help/index.html", {"pages": PAGES})


@require_GET
def help_page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in PAGES:
        raise Http404("No such help page")
    context = {"title": PAGES[slug], "pages": PAGES, "slug": slug,
               "lanes": [(label, sla_hours(p)) for p, label in Priority.choices],
               "unregistered_sla_hours": sla_hours(Priority.UNREGISTERED),
               "design_years": UNREGISTERED_DESIGN_YEARS,
               "court_days": settings.COUNTER_NOTICE_COURT_DAYS, "answer_days": settings.COUNTER_NOTICE_ANSWER_DAYS}
    if slug.startswith("report-"):
        kind = slug.removeprefix("report-")
        context.update(spec=SPECS[kind], described=DESCRIBED_SPECS.get(kind, []))
        return render(request, "help/report_kind.html", context)
    if slug == "unregistered-rights":
        context["described"] = [(SPECS[kind].title, fields) for kind, fields in DESCRIBED_SPECS.items()]
    return render(request, f"help/{slug}.html", context)


app_name = "help"
urlpatterns = [
    path("", help_index, name="index"),
    path("<slug:slug>/", help_page, name="page"),
]
