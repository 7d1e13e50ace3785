"""Certificate pages: a brand's certificates and registering a work (rights holders), and the
public pages (no login): a certificate, its printable copy with a QR code, its thumbnail, and
"verify a file"."""

import hashlib
import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import require_reviewer, require_rights_holder
from audit.transitions import IllegalTransition
from common.ratelimit import uploads_limited, uploads_refuse
from evidence.content import Refused, detect
from registry.selectors import brands_for_user

from .forms import DisputeDecideForm, DisputeForm, VerifyForm, WorkForm
from .models import FingerprintKind
from .presenters import certificate_json, receipt_head
from .selectors import (
    certificate_public_get,
    certificates_for_user,
    dispute_get_for_reviewer,
    disputes_open,
    file_match,
)
from .services import (
    RegistrationRefused,
    certificate_path,
    certificate_register,
    dispute_decide,
    dispute_open,
    dispute_path,
    fingerprint,
    read_upload,
)


@login_required
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    require_rights_holder(request.user, "Only rights holders register works.")
    certs = certificates_for_user(user=request.user).order_by("-leaf_index")
    return render(request, "certificates/certificate_list.html", {"certificates": certs})


@login_required
@require_http_methods(["GET", "POST"])
@uploads_limited
def certificate_new(request: HttpRequest) -> HttpResponse:
    require_rights_holder(request.user, "Only rights holders register works.")
    brands = brands_for_user(user=request.user).order_by("name")
    form = WorkForm(request.POST or None, request.FILES or None, brands=brands)
    refusal = None
    if request.method == "POST" and not uploads_refuse(request, form, "file") and form.is_valid():
        v = form.cleaned_data
        try:
            cert = certificate_register(brand=v["brand"], by=request.user, upload=v["file"], title=v["title"],
                                        work_type=v["work_type"], author=v["author"],
                                        first_published_on=v["first_published_on"])
        except RegistrationRefused as exc:
            refusal = exc
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Certificate {cert.public_id} issued and logged at index {cert.leaf_index}.")
            return redirect("certificates:certificate_detail", public_id=cert.public_id)
    dispute_form = None
    if refusal is not None and refusal.is_near_duplicate:
        dispute_form = DisputeForm(initial={k: form.cleaned_data.get(k) for k in ("brand", "title", "work_type",
                                                                                     "author")}, brands=brands,
                                   prefix=DISPUTE_PREFIX)
    return render(request, "certificates/certificate_form.html", {
        "form": form, "refusal": refusal, "has_brand": brands.exists(), "dispute_form": dispute_form})


def _public_context(request: HttpRequest, public_id: str) -> dict:
    cert = certificate_public_get(public_id=public_id)
    url = request.build_absolute_uri(reverse("certificates:certificate_detail", args=[cert.public_id]))
    return {"cert": cert, "c": certificate_json(cert), "head": receipt_head(cert), "public_url": url,
            "is_owner": request.user.is_authenticated
            and certificates_for_user(user=request.user).filter(pk=cert.pk).exists()}


@require_GET
def certificate_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return render(request, "certificates/certificate_detail.html", _public_context(request, public_id))


@require_GET
def certificate_print(request: HttpRequest, public_id: str) -> HttpResponse:
    context = _public_context(request, public_id)
    context["qr_svg"] = segno.make(context["public_url"], error="m").svg_inline(scale=4, border=2)
    return render(request, "certificates/certificate_print.html", context)


@require_GET
def certificate_thumbnail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A re-encoded PNG of at most 320 px, made from the stored image: never the stored bytes."""
    cert = certificate_public_get(public_id=public_id)
    if not cert.is_image:
        return HttpResponse(status=404)
    return _thumbnail_response(certificate_path(cert), public=True)


def _thumbnail_response(path, *, public: bool) -> HttpResponse:
    from PIL import Image

    with Image.open(path) as img:
        img.thumbnail((320, 320))
        out = io.BytesIO()
        img.convert("RGBA" if "A" in img.getbands() else "RGB").save(out, format="PNG")
    response = HttpResponse(out.getvalue(), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@uploads_limited
def certificate_verify_file(request: HttpRequest) -> HttpResponse:
    """Anyone drops a file and sees whether it matches a certificate, exactly or nearly. Nothing is kept."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and not uploads_refuse(request, form, "file") and form.is_valid():
        try:
            data = read_upload(form.cleaned_data["file"])
            result = _match_file(data)
        except RegistrationRefused as exc:
            form.add_error("file", exc.message)
        except Refused as exc:
            form.add_error("file", f"The file cannot be checked: {exc}")
    return render(request, "certificates/verify_file.html", {"form": form, "result": result,
                                                              "checked": result is not None})


def _match_file(data: bytes) -> dict:
    detect(data)  # a file no work could be (a program, web markup…) is refused with the reason
    sha256 = hashlib.sha256(data).hexdigest()
    printed = None
    for work_type in ("image", "text"):
        try:
            printed = fingerprint(data, work_type=work_type)
            break
        except Refused:
            continue
    kind = printed.kind if printed else None
    limit = (settings.CERTIFICATES_IMAGE_NEAR_BITS if kind == FingerprintKind.PHASH
             else settings.CERTIFICATES_TEXT_NEAR_BITS)
    from .fingerprints import to_signed

    match = file_match(sha256=sha256, text_sha256=printed.text_sha256 if printed else None, kind=kind,
                       fingerprint=to_signed(printed.fingerprint) if printed else None, max_distance=limit)
    return {"sha256": sha256, "match": match}


# Disputes ------------------------------------------------------------------------------------

DISPUTE_PREFIX = "dispute"  # its fields sit on the same page as the registration form's

@login_required
@require_http_methods(["POST"])
@uploads_limited
def dispute_new(request: HttpRequest) -> HttpResponse:
    """The applicant disputes a near-duplicate refusal (the form under the refusal)."""
    require_rights_holder(request.user, "Only rights holders register works.")
    brands = brands_for_user(user=request.user).order_by("name")
    form = DisputeForm(request.POST, request.FILES, brands=brands, prefix=DISPUTE_PREFIX)
    if not uploads_refuse(request, form, "file") and form.is_valid():
        v = form.cleaned_data
        try:
            dispute = dispute_open(brand=v["brand"], by=request.user, upload=v["file"], title=v["title"],
                                   work_type=v["work_type"], author=v["author"], statement=v["statement"])
        except RegistrationRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Your dispute of the refusal (near copy of {dispute.earlier.public_id}) is "
                                      "with a reviewer, who compares both works side by side.")
            return redirect("certificates:certificate_list")
    return render(request, "certificates/dispute_form.html", {"form": form}, status=400)


@login_required
@require_GET
def dispute_list(request: HttpRequest) -> HttpResponse:
    require_reviewer(request.user, "Only reviewers decide certificate disputes.")
    return render(request, "certificates/dispute_list.html", {"disputes": disputes_open()})


def _excerpt(path, content_type: str) -> str:
    from .fingerprints import pdf_text

    data = path.read_bytes()
    text = pdf_text(data) if content_type == "application/pdf" else data.decode("utf-8", "replace")
    return text[:3000]


@login_required
@require_http_methods(["GET", "POST"])
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_reviewer(request.user, "Only reviewers decide certificate disputes.")
    dispute = dispute_get_for_reviewer(user=request.user, pk=pk)
    form = DisputeDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute_decide(dispute=dispute, reviewer=request.user, register=form.cleaned_data["outcome"] == "register",
                           reason=form.cleaned_data["reason"])
        except RegistrationRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except IllegalTransition:
            form.add_error(None, "This dispute was already decided.")
        else:
            messages.success(request, "Ruling recorded.")
            return redirect("certificates:dispute_detail", pk=dispute.pk)
    excerpts = None
    if not dispute.is_image:
        excerpts = (_excerpt(certificate_path(dispute.earlier), dispute.earlier.content_type),
                    _excerpt(dispute_path(dispute), dispute.content_type))
    return render(request, "certificates/dispute_detail.html", {"dispute": dispute, "form": form,
                                                                 "excerpts": excerpts})


@login_required
@require_GET
def dispute_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    """The disputed work, re-encoded small, for reviewers only (it is not certified)."""
    require_reviewer(request.user, "Only reviewers decide certificate disputes.")
    dispute = dispute_get_for_reviewer(user=request.user, pk=pk)
    if not dispute.is_image:
        return HttpResponse(status=404)
    return _thumbnail_response(dispute_path(dispute), public=False)
