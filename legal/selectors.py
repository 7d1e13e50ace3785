"""Reads for legal action, each with its access check. Staff (reviewers) see everything; a brand
admin sees its brand's cases and reports, and packages and referrals made for its brand; anyone
else, or another brand's object, gets a 404 — and a request for another tenant's object is logged
(legal.services.refusal_log)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.permissions import is_reviewer, require_reviewer
from complaints.models import Case, Report
from listings.models import Listing, Seller
from registry.models import Brand, BrandMember, BrandRole
from registry.selectors import membership

from .models import EvidencePackage, OffenceNotification, OffenceState, PackageScope, PackageStatus, Referral, TestBuy
from .services import refusal_log

SUBJECTS = {PackageScope.CASE: Case, PackageScope.REPORT: Report, PackageScope.SELLER: Seller}


def admin_brands(*, user) -> QuerySet[Brand]:
    """Brands the user administers (agents act for a brand but do not take it to court)."""
    if not user.is_authenticated:
        return Brand.objects.none()
    return Brand.objects.filter(pk__in=BrandMember.objects.filter(user=user, role=BrandRole.ADMIN).values("brand_id"))


def brand_admin_of(*, user, brand: Brand | None) -> bool:
    m = membership(user=user, brand=brand) if brand is not None else None
    return m is not None and m.is_admin


def legal_subject_get(*, user, scope: str, pk: int, what: str) -> tuple[object, Brand | None]:
    """The case, report or seller `user` asks about for `what` (a package, a referral), and the
    brand it is limited to (None for staff). Another brand's object: logged, then a 404."""
    model = SUBJECTS.get(scope)
    if model is None:
        raise Http404("No such kind of subject")
    subject = model.objects.filter(pk=pk).first()
    if subject is None:
        raise Http404("No such subject")
    if is_reviewer(user):
        return subject, None
    if scope == PackageScope.SELLER:
        if admin_brands(user=user).exists():
            refusal_log(user=user, what=f"{what} of a seller", target=subject)
        raise PermissionDenied("Only trust-and-safety staff package or refer a whole seller; request a referral "
                               "from one of your cases.")
    brand = subject.brand
    if not brand_admin_of(user=user, brand=brand):
        refusal_log(user=user, what=what, target=subject)
        raise Http404("No such case" if scope == PackageScope.CASE else "No such report")
    return subject, brand


def package_get(*, user, pk: int) -> EvidencePackage:
    package = EvidencePackage.objects.select_related("case", "report", "seller", "brand", "requested_by").filter(
        pk=pk).first()
    if package is None:
        raise Http404("No such package")
    if is_reviewer(user):
        return package
    if package.brand_id is None or not brand_admin_of(user=user, brand=package.brand):
        if user.is_authenticated:
            refusal_log(user=user, what="package", target=package)
        raise Http404("No such package")
    return package


def packages_for(*, user) -> QuerySet[EvidencePackage]:
    packages = EvidencePackage.objects.select_related("case", "report", "seller", "brand", "requested_by")
    if is_reviewer(user):
        return packages
    return packages.filter(brand__in=admin_brands(user=user))


def listing_for_test_buy(*, user, external_id: str) -> tuple[Listing | None, list[Brand]]:
    """The listing (or None) and the brands the user may record a test buy for (empty: staff)."""
    listing = Listing.objects.select_related("seller").filter(external_id=external_id.strip()).first()
    return listing, ([] if is_reviewer(user) else list(admin_brands(user=user)))


def test_buys_for_case(*, user, case: Case) -> QuerySet[TestBuy]:
    buys = TestBuy.objects.filter(listing_id=case.listing_id).select_related("brand", "case", "recorded_by") \
        .prefetch_related("photos__file")
    if is_reviewer(user):
        return buys
    return buys.filter(brand__in=admin_brands(user=user))


def test_buy_get(*, user, pk: int) -> TestBuy:
    buy = TestBuy.objects.select_related("listing__seller", "brand", "case", "recorded_by").filter(pk=pk).first()
    if buy is None or not (is_reviewer(user) or brand_admin_of(user=user, brand=buy.brand)):
        raise Http404("No such test buy")
    return buy


def referral_get(*, user, pk: int) -> Referral:
    referral = Referral.objects.select_related("seller", "brand", "package", "created_by").filter(pk=pk).first()
    if referral is None:
        raise Http404("No such referral")
    if is_reviewer(user):
        return referral
    if referral.brand_id is None or not brand_admin_of(user=user, brand=referral.brand):
        if user.is_authenticated:
            refusal_log(user=user, what="referral", target=referral)
        raise Http404("No such referral")
    return referral


def referrals_for(*, user) -> QuerySet[Referral]:
    referrals = Referral.objects.select_related("seller", "brand")
    if is_reviewer(user):
        return referrals
    return referrals.filter(brand__in=admin_brands(user=user))


def offences_open(*, user) -> QuerySet[OffenceNotification]:
    require_reviewer(user)
    return OffenceNotification.objects.filter(state=OffenceState.FLAGGED).select_related(
        "case__listing__seller", "flagged_by")


def seller_get_for_staff(*, user, pk: int) -> Seller:
    require_reviewer(user, "Only trust-and-safety staff see a seller's dossier.")
    seller = Seller.objects.filter(pk=pk).first()
    if seller is None:
        raise Http404("No such seller")
    return seller


def seller_cases(*, seller: Seller) -> QuerySet[Case]:
    return Case.objects.filter(listing__seller=seller).order_by("id")


def seller_packages_ready(*, seller: Seller) -> QuerySet[EvidencePackage]:
    return EvidencePackage.objects.filter(scope=PackageScope.SELLER, seller=seller, brand__isnull=True,
                                          status=PackageStatus.READY).order_by("-id")


def sellers_by_external_ids(text: str) -> tuple[list[Seller], list[str]]:
    """Sellers named by their marketplace ids (comma or space separated), and the ids unknown."""
    ids = [part for part in text.replace(",", " ").split() if part][:50]
    found = {s.external_id: s for s in Seller.objects.filter(external_id__in=ids)}
    return list(found.values()), [i for i in ids if i not in found]


def offence_get(*, user, pk: int) -> OffenceNotification:
    require_reviewer(user)
    flag = OffenceNotification.objects.select_related("case__listing__seller", "case__brand", "flagged_by",
                                                      "decided_by", "package").filter(pk=pk).first()
    if flag is None:
        raise Http404("No such notification")
    return flag


def offences_recent(*, user) -> QuerySet[OffenceNotification]:
    require_reviewer(user)
    return OffenceNotification.objects.select_related("case__listing__seller", "flagged_by").order_by("-id")


def case_for_staff(*, user, pk: int) -> Case:
    require_reviewer(user)
    case = Case.objects.select_related("listing__seller").filter(pk=pk).first()
    if case is None:
        raise Http404("No such case")
    return case
