"""Legal action pages: small functions that check who is asking (selectors), call one service and
redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import is_reviewer

from .models import PackageScope
from .packages import package_path
from .selectors import legal_subject_get, package_get, packages_for
from .services import package_download_record, package_refusal, package_request


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def gone(request: HttpRequest, message: str, status: int = 410) -> HttpResponse:
    """The clear page for an expired, used or unknown link, and nothing else."""
    return render(request, "legal/link_gone.html", {"message": message}, status=status)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such subject") from None


@login_required
@require_POST
def package_new(request: HttpRequest) -> HttpResponse:
    scope = request.POST.get("scope", "")
    if scope not in PackageScope.values:
        messages.error(request, "Choose what to package: a case, a report or a seller.")
        return redirect("home")
    subject, brand = legal_subject_get(user=request.user, scope=scope, pk=_int(request.POST.get("id")),
                                       what="evidence package")
    package = package_request(user=request.user, scope=scope, subject=subject, brand=brand)
    messages.success(request, f"Package {package.reference} is being built.")
    return redirect("legal:package_detail", package.pk)


@login_required
@require_GET
def package_list(request: HttpRequest) -> HttpResponse:
    if not is_reviewer(request.user) and not packages_for(user=request.user).exists():
        raise Http404("No packages")
    return render(request, "legal/package_list.html", {"packages": packages_for(user=request.user)[:100]})


@login_required
@require_GET
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    package = package_get(user=request.user, pk=pk)
    # Polled with HTMX for the progress block while it builds, as bulk jobs are.
    template = "legal/_package_progress.html" if request.headers.get("HX-Request") else "legal/package_detail.html"
    return render(request, template, {"package": package, "refusal": package_refusal(package),
                                      "downloads": package.downloads.select_related("user", "share")[:50]})


@login_required
@require_GET
def package_download(request: HttpRequest, pk: int) -> HttpResponse:
    package = package_get(user=request.user, pk=pk)
    refusal = package_refusal(package)
    if refusal:
        return gone(request, refusal)
    package_download_record(package=package, user=request.user, ip=client_ip(request),
                            user_agent=request.headers.get("User-Agent", ""))
    return FileResponse(open(package_path(package), "rb"), as_attachment=True, filename=package.file_name,
                        content_type="application/zip")
