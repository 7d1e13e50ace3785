"""The senior reviewer's page of brands held for review: why each was held, its members, and a
release-or-keep decision with a reason (registry.services.brand_hold_decide)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import require_senior
from audit.transitions import IllegalTransition

from .forms import BrandHoldForm
from .selectors import brands_held
from .services import RegistryError, brand_hold_decide

ONLY_SENIORS = "Only senior reviewers release brands held for review."


@login_required
@require_GET
def held_brands(request: HttpRequest) -> HttpResponse:
    require_senior(request.user, ONLY_SENIORS)
    return _render(request)


def _render(request: HttpRequest, *, failed=None, form=None, status: int = 200) -> HttpResponse:
    brands = list(brands_held()[:200])
    rows = [(b, form if failed is not None and b.pk == failed.pk else BrandHoldForm(prefix=f"b{b.pk}"))
            for b in brands]
    return render(request, "registry/held_brands.html", {"rows": rows}, status=status)


@login_required
@require_POST
def held_brand_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_senior(request.user, ONLY_SENIORS)
    brand = get_object_or_404(brands_held(), pk=pk)
    form = BrandHoldForm(request.POST, prefix=f"b{brand.pk}")
    if form.is_valid():
        release = form.cleaned_data["decision"] == "release"
        try:
            brand_hold_decide(brand=brand, senior=request.user, release=release, reason=form.cleaned_data["reason"])
        except RegistryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        except IllegalTransition:
            form.add_error(None, "This brand's hold was already decided; see its history.")
        else:
            messages.success(request, f"{brand}: released; its members may file again." if release
                             else f"{brand}: kept on hold; its notices keep waiting.")
            return redirect("registry:held_brands")
    return _render(request, failed=brand, form=form, status=400)
