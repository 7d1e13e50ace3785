"""Imagery's pages: a right's reference pictures (its brand), thumbnails (with access checks),
search by photo (rights holders' report tool)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import require_reviewer, require_rights_holder
from certificates import fingerprints as fp
from common.ratelimit import uploads_limited, uploads_refuse
from evidence.content import Refused
from listings.models import Seller
from registry.selectors import require_brand_admin, right_get_for_user

from . import selectors as sel
from .forms import PhotoSearchForm, ReferenceForm
from .hashes import image_hash
from .matching import listings_near_image
from .services import ImageryError, reference_add, reference_remove


def _references_page(request, right, member, form, status=200) -> HttpResponse:
    return render(request, "imagery/references.html", {
        "right": right, "brand": right.brand, "is_admin": member.is_admin, "form": form,
        "references": sel.references_for_right(right=right)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@uploads_limited
def references(request: HttpRequest, pk: int) -> HttpResponse:
    """A right's reference pictures; brand admins add them."""
    right, member = right_get_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        return _references_page(request, right, member, ReferenceForm())
    require_brand_admin(user=request.user, brand=right.brand)
    form = ReferenceForm(request.POST, request.FILES)
    if not uploads_refuse(request, form, "image") and form.is_valid():
        upload = form.cleaned_data["image"]
        if upload.size > settings.IMAGERY_MAX_IMAGE_BYTES:
            form.add_error("image", f"The file is {upload.size:,} bytes; at most "
                                    f"{settings.IMAGERY_MAX_IMAGE_BYTES:,} are accepted. Scale it down.")
        else:
            try:
                reference_add(right=right, by=request.user, kind=form.cleaned_data["kind"],
                              label=form.cleaned_data["label"], data=upload.read())
            except ImageryError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, f"Reference picture added to {right}. Listings showing it are checked "
                                          "now and on every change.")
                return redirect("imagery:references", pk=right.pk)
    return _references_page(request, right, member, form, status=400)


@login_required
@require_POST
def reference_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ref = sel.reference_get_for_user(user=request.user, pk=pk)
    require_brand_admin(user=request.user, brand=ref.right.brand)
    right_pk = ref.right_id
    reference_remove(ref=ref, by=request.user)
    messages.success(request, "Reference picture removed. Cases already opened keep the pair they were opened on.")
    return redirect("imagery:references", pk=right_pk)


def _jpeg(data: bytes) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def reference_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    return _jpeg(sel.reference_get_for_user(user=request.user, pk=pk).thumbnail)


def case_image_response(*, case, pk: int) -> HttpResponse:
    """The thumbnail of a picture of `case`'s listing, for a viewer the caller found may see the
    case (the rights holder's and the seller's pages scope their pictures so)."""
    return _jpeg(sel.case_image_get(case=case, pk=pk).thumbnail)


@login_required
@require_GET
def listing_image_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    return _jpeg(sel.listing_image_get_for_user(user=request.user, pk=pk).thumbnail)


@login_required
@require_http_methods(["GET", "POST"])
@uploads_limited
def photo_search(request: HttpRequest) -> HttpResponse:
    """Search the catalogue by photo: the listings whose pictures look like it, nearest first.
    From the report form, HTMX swaps the results in; "Add" and "Add all" fill the listings box."""
    require_rights_holder(request.user)
    form = PhotoSearchForm(request.POST, request.FILES) if request.method == "POST" else PhotoSearchForm()
    results, searched = [], False
    if request.method == "POST" and not uploads_refuse(request, form, "photo") and form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            if upload.size > settings.IMAGERY_MAX_IMAGE_BYTES:
                raise Refused(f"it is {upload.size:,} bytes; at most {settings.IMAGERY_MAX_IMAGE_BYTES:,}.")
            hashed = image_hash(upload.read())
        except Refused as exc:
            form.add_error("photo", f"This file cannot be searched: {exc}")
        else:
            searched = True
            ranked = listings_near_image(phash=hashed.phash, max_distance=settings.IMAGERY_SEARCH_BITS)
            results = [(listing, d, max(0, round(100 * (1 - d / 64)))) for listing, d in
                       sel.listings_for_search(ranked=ranked)]
    template = "imagery/_photo_results.html" if request.htmx else "imagery/photo_search.html"
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, "results": results, "searched": searched,
                                      "bits": fp.BANDS * 16}, status=status)


@login_required
@require_GET
def seller_linked(request: HttpRequest, pk: int) -> HttpResponse:
    """Reviewers: a seller and the sellers linked to it, with what links them; a suspended one
    flags the others for review."""
    require_reviewer(request.user)
    seller = get_object_or_404(Seller, pk=pk)
    return render(request, "imagery/seller_linked.html", {
        "seller": seller, "linked_sellers": sel.linked_sellers(seller_id=seller.pk)})
