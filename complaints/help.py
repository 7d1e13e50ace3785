"""Help pages for rights holders: public, server-rendered, one template per page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from .kinds import SPECS

PAGES = {
    "report-trademark": "What a trademark report needs",
    "report-patent": "What a patent report needs",
    "report-design": "What a design report needs",
    "report-copyright": "What a copyright report needs",
    "after-filing": "What happens after you file: steps and timelines",
    "avoid-rejection": "How to avoid a rejected report",
    "false-notices": "Consequences of false notices",
    "bulk-api": "Filing in bulk: CSV and the API",
}


@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    return render(request, "help/index.html", {"pages": PAGES})


@require_GET
def help_page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in PAGES:
        raise Http404("No such help page")
    context = {"title": PAGES[slug], "pages": PAGES, "slug": slug}
    if slug.startswith("report-"):
        context["spec"] = SPECS[slug.removeprefix("report-")]
        return render(request, "help/report_kind.html", context)
    return render(request, f"help/{slug}.html", context)


app_name = "help"
urlpatterns = [
    path("", help_index, name="index"),
    path("<slug:slug>/", help_page, name="page"),
]
