"""Legal action pages: small functions that check who is asking (selectors), call one service and
redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import is_reviewer, is_senior, require_reviewer
from audit.transitions import IllegalTransition
from common import dates
from common.ratelimit import uploads_limited, uploads_refuse
from evidence.responses import evidence_response
from imagery.selectors import linked_sellers as signal_linked_sellers

from .dossier import seller_dossier
from .forms import OffenceForm, ReferralForm, TestBuyForm
from .models import PackageScope, ReferralState
from .packages import package_path
from .selectors import (
    admin_brands,
    case_for_staff,
    legal_subject_get,
    listing_for_test_buy,
    offence_get,
    offences_recent,
    package_get,
    packages_for,
    referral_get,
    referrals_for,
    seller_cases,
    seller_get_for_staff,
    seller_packages_ready,
    sellers_by_external_ids,
    test_buy_get,
)
from .services import (
    LegalError,
    LinkRefused,
    offence_dismiss,
    offence_flag,
    offence_notify,
    package_download_record,
    package_refusal,
    package_request,
    referral_attach_package,
    referral_create,
    referral_move,
    referral_request,
    share_link_create,
    share_link_use,
    test_buy_record,
)
from .states import REFERRAL_TRANSITIONS


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


# --- test buys ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@uploads_limited
def test_buy_new(request: HttpRequest) -> HttpResponse:
    staff = is_reviewer(request.user)
    brands = list(admin_brands(user=request.user))
    if not staff and not brands:
        raise PermissionDenied("Test buys are recorded by trust-and-safety staff and by brand admins.")
    case = None
    case_id = request.GET.get("case") or request.POST.get("case")
    if case_id:
        case, _ = legal_subject_get(user=request.user, scope=PackageScope.CASE, pk=_int(case_id), what="test buy")
    initial = {"listing": case.listing.external_id if case else request.GET.get("listing", ""),
               "brand": case.brand_id if case else (brands[0].pk if len(brands) == 1 else None), "currency": "USD"}
    form = TestBuyForm(request.POST or None, initial=initial, brands=brands, staff=staff)
    photos_field = "item_photos" if request.FILES.getlist("item_photos") else "packaging_photos"
    if request.method == "POST" and not uploads_refuse(request, form, photos_field) and form.is_valid():
        d = form.cleaned_data
        listing, _ = listing_for_test_buy(user=request.user, external_id=d["listing"])
        if listing is None:
            form.add_error("listing", f"No listing “{d['listing']}” is known. Check the marketplace's listing id.")
        else:
            try:
                buy = test_buy_record(
                    user=request.user, listing=listing, brand=d["brand"], case=case,
                    order_reference=d["order_reference"], purchased_on=d["purchased_on"], price=d["price"],
                    currency=d["currency"], delivered_to=d["delivered_to"], verdict=d["verdict"],
                    examiner=d["examiner"], custody_notes=d["custody_notes"],
                    item_photos=request.FILES.getlist("item_photos"),
                    packaging_photos=request.FILES.getlist("packaging_photos"))
            except LegalError as exc:
                form.add_error(exc.field, exc.message + " Pick the photos again.")
            else:
                messages.success(request, f"Test buy {buy.reference} recorded"
                                          f"{f' on {buy.case.reference}' if buy.case else ''}.")
                return redirect("legal:test_buy_detail", buy.pk)
    return render(request, "legal/test_buy_form.html", {"form": form, "case": case},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def test_buy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    buy = test_buy_get(user=request.user, pk=pk)
    return render(request, "legal/test_buy_detail.html", {
        "buy": buy, "photos": buy.photos.select_related("file"), "staff": is_reviewer(request.user),
        "may_report": buy.is_counterfeit and buy.case_id is None and not is_reviewer(request.user),
        "report_explanation": f"A test purchase ({buy.reference}, order {buy.order_reference} of "
                              f"{dates.day(buy.purchased_on)}) was examined by {buy.examiner or 'us'} "
                              "and found counterfeit."})


@login_required
@require_GET
def test_buy_photo(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    buy = test_buy_get(user=request.user, pk=pk)
    photo = buy.photos.select_related("file").filter(file_id=file_pk).first()
    if photo is None:
        raise Http404("No such photo")
    return evidence_response(photo.file, inline=True)


# --- referrals ---------------------------------------------------------------------------------

MOVE_LABELS = {
    ReferralState.DRAFT: "Accept the request (draft)", ReferralState.REFUSED: "Refuse the request",
    ReferralState.SENT: "Mark sent", ReferralState.ACKNOWLEDGED: "Agency acknowledged",
    ReferralState.ACTION_TAKEN: "Agency took action", ReferralState.DECLINED: "Agency declined",
    ReferralState.CLOSED: "Close",
}


@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    if not is_reviewer(request.user) and not admin_brands(user=request.user).exists():
        raise PermissionDenied("Referrals are for trust-and-safety staff and brand admins.")
    return render(request, "legal/referral_list.html", {"referrals": referrals_for(user=request.user)[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    """A brand admin requests a referral from one of its cases (?case=); staff refer a seller (?seller=)."""
    source = request.GET if request.method == "GET" else request.POST
    scope = PackageScope.CASE if source.get("case") else PackageScope.SELLER
    subject, brand = legal_subject_get(user=request.user, scope=scope,
                                       pk=_int(source.get("case") or source.get("seller")), what="referral")
    staff = is_reviewer(request.user)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if staff:
            seller = subject if scope == PackageScope.SELLER else subject.listing.seller
            linked, unknown = sellers_by_external_ids(request.POST.get("linked_sellers", ""))
            if unknown:
                form.add_error(None, f"Unknown linked seller ids: {', '.join(unknown)}.")
            else:
                cases = [subject] if scope == PackageScope.CASE else list(seller_cases(seller=seller)[:1000])
                referral = referral_create(user=request.user, seller=seller, cases=cases, linked_sellers=linked,
                                           agency=d["agency"], agency_name=d["agency_name"], contact=d["contact"],
                                           notes=d["notes"])
                messages.success(request, f"Referral {referral.reference} drafted.")
                return redirect("legal:referral_detail", referral.pk)
        else:
            referral = referral_request(user=request.user, case=subject, agency=d["agency"],
                                        agency_name=d["agency_name"], contact=d["contact"], notes=d["notes"])
            messages.success(request, f"Referral {referral.reference} requested: trust and safety will decide.")
            return redirect("legal:referral_detail", referral.pk)
    return render(request, "legal/referral_form.html", {"form": form, "subject": subject, "scope": scope,
                                                        "staff": staff, "brand": brand},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get(user=request.user, pk=pk)
    staff = is_reviewer(request.user)
    return render(request, "legal/referral_detail.html", {
        "referral": referral, "staff": staff, "cases": referral.cases.select_related("listing")[:200],
        "linked": referral.linked_sellers.all(),
        "moves": [(to, MOVE_LABELS[to]) for to in REFERRAL_TRANSITIONS[referral.state]] if staff else [],
        "packages": seller_packages_ready(seller=referral.seller) if staff else [],
        "shares": referral.share_links.select_related("created_by") if staff else [],
        "new_link": request.session.pop(f"share-{referral.pk}", None),
    })


@login_required
@require_POST
def referral_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get(user=request.user, pk=pk)
    to = request.POST.get("to", "")
    try:
        if to not in ReferralState.values:
            raise LegalError("Choose a move.", "to")
        referral_move(referral=referral, to=to, actor=request.user, note=request.POST.get("note", ""))
    except IllegalTransition:
        messages.error(request, f"{referral.reference} is {referral.get_state_display().lower()}: it cannot move "
                                f"to “{ReferralState(to).label}”.")
    except LegalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{referral.reference}: {ReferralState(to).label}.")
    return redirect("legal:referral_detail", referral.pk)


@login_required
@require_POST
def referral_package(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a ready package of the seller, or build a new one and attach it."""
    referral = referral_get(user=request.user, pk=pk)
    require_reviewer(request.user)
    try:
        if request.POST.get("package"):
            package = package_get(user=request.user, pk=_int(request.POST["package"]))
        else:
            package = package_request(user=request.user, scope=PackageScope.SELLER, subject=referral.seller)
        referral_attach_package(referral=referral, package=package, actor=request.user)
    except LegalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{package.reference} attached to {referral.reference}.")
    return redirect("legal:referral_detail", referral.pk)


@login_required
@require_POST
def referral_share(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get(user=request.user, pk=pk)
    try:
        _, token = share_link_create(referral=referral, recipient=request.POST.get("recipient", ""),
                                     actor=request.user)
    except LegalError as exc:
        messages.error(request, exc.message)
    else:
        # Shown once, on the next page: only the token's hash is kept.
        request.session[f"share-{referral.pk}"] = request.build_absolute_uri(reverse("legal:share", args=[token]))
    return redirect("legal:referral_detail", referral.pk)


@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, token: str) -> HttpResponse:
    """The external recipient's page: no account. GET shows a button (so a mail scanner fetching
    the link does not spend it); POST spends the link and streams the package."""
    if request.method == "GET":
        return render(request, "legal/share.html", {"token": token})
    try:
        package, _ = share_link_use(token=token, ip=client_ip(request),
                                    user_agent=request.headers.get("User-Agent", ""))
    except LinkRefused as exc:
        return gone(request, str(exc))
    return FileResponse(open(package_path(package), "rb"), as_attachment=True, filename=package.file_name,
                        content_type="application/zip")


# --- the seller dossier ------------------------------------------------------------------------


@login_required
@require_GET
def seller_dossier_view(request: HttpRequest, pk: int) -> HttpResponse:
    seller = seller_get_for_staff(user=request.user, pk=pk)
    return render(request, "legal/seller_dossier.html", {
        "d": seller_dossier(seller), "seller": seller,
        "packages": packages_for(user=request.user).filter(seller=seller)[:10],
        # What the marketplace says ties this seller to others (imagery); staff only, as the page.
        "linked_sellers": signal_linked_sellers(seller_id=seller.pk)})


# --- DSA Art. 18 -------------------------------------------------------------------------------


@login_required
@require_POST
def offence_flag_view(request: HttpRequest) -> HttpResponse:
    require_reviewer(request.user)
    case = case_for_staff(user=request.user, pk=_int(request.POST.get("case")))
    form = OffenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the threat and say what you suspect: " + "; ".join(
            f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()))
        return redirect("review:case_detail", case.pk)
    try:
        flag = offence_flag(case=case, reviewer=request.user, threat=form.cleaned_data["threat"],
                            suspicion=form.cleaned_data["suspicion"])
    except LegalError as exc:
        messages.error(request, exc.message)
        return redirect("review:case_detail", case.pk)
    messages.success(request, f"{flag.reference} flagged: every senior sees it now.")
    return redirect("legal:offence_detail", flag.pk)


@login_required
@require_GET
def offence_list(request: HttpRequest) -> HttpResponse:
    return render(request, "legal/offence_list.html", {"flags": offences_recent(user=request.user)[:200]})


@login_required
@require_GET
def offence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = offence_get(user=request.user, pk=pk)
    return render(request, "legal/offence_detail.html", {"flag": flag, "senior": is_senior(request.user)})


@login_required
@require_POST
def offence_decide(request: HttpRequest, pk: int) -> HttpResponse:
    flag = offence_get(user=request.user, pk=pk)
    try:
        if request.POST.get("action") == "notify":
            offence_notify(flag=flag, senior=request.user, authority=request.POST.get("authority", ""))
            messages.success(request, f"{flag.reference}: authority notified; the case's package is being built.")
        else:
            offence_dismiss(flag=flag, senior=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, f"{flag.reference} dismissed.")
    except LegalError as exc:
        messages.error(request, exc.message)
    except IllegalTransition:
        messages.error(request, f"{flag.reference} was already decided.")
    return redirect("legal:offence_detail", flag.pk)
