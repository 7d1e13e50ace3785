"""Writes for legal action: packages and their downloads, test buys, referrals and share links,
Art. 18 notifications. Each function is one business operation in one transaction, with its audit
entry; refusals raise LegalError naming the field."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.permissions import is_reviewer
from audit.services import audit_append, audit_chain_pending
from audit.transitions import transition
from common.dispatch import enqueue_on_commit
from complaints.models import UNDECIDED_STATES, Case
from evidence.services import evidence_accept, evidence_delete

from . import packages
from .models import (
    EvidencePackage,
    PackageDownload,
    PackageScope,
    PackageStatus,
    PhotoKind,
    TestBuy,
    TestBuyPhoto,
    Verdict,
)
from .states import PACKAGE_TRANSITIONS

log = logging.getLogger("legal")
security_log = logging.getLogger("legal.security")

BUILD_TASK = "legal.tasks.build_package"



class LegalError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def refusal_log(*, user, what: str, target) -> None:
    """A request for another tenant's object: logged for security and audited on the object."""
    security_log.warning("refused: user=%s %s target=%s#%s", getattr(user, "pk", None), what,
                         type(target).__name__, target.pk)
    with transaction.atomic():
        audit_append(actor=user if getattr(user, "is_authenticated", False) else None,
                     action="legal.refused", target=target, data={"what": what})


# --- evidence packages -------------------------------------------------------------------------


def package_request(*, user, scope: str, subject, brand=None) -> EvidencePackage:
    """Queue a package of `subject` (a case, a report or a seller) for `user`, who the selector has
    checked may have it; `brand` set: only that brand's cases (a brand admin's package). The build
    task runs after commit."""
    with transaction.atomic():
        package = EvidencePackage.objects.create(
            scope=scope, requested_by=user, brand=brand,
            case=subject if scope == PackageScope.CASE else None,
            report=subject if scope == PackageScope.REPORT else None,
            seller=subject if scope == PackageScope.SELLER else None,
            cases_total=0)
        audit_append(actor=user, action="evidencepackage.requested", target=package,
                     data={"scope": scope, "subject": str(subject), "brand": brand.pk if brand else None})
        enqueue_on_commit(BUILD_TASK, package.pk)
    return package


def package_build(*, package_id: int) -> EvidencePackage:
    """Build a queued package (the task). Idempotent: a ready or failed package is left alone; one
    found building (a redelivered message after a lost worker) is built again from the start."""
    with transaction.atomic():
        package = EvidencePackage.objects.select_for_update().get(pk=package_id)
        if not package.is_running:
            return package
        total = packages.package_cases(package).count()
        package = transition(obj=package, to=PackageStatus.BUILDING, actor=None, table=PACKAGE_TRANSITIONS,
                             field="status", changes={"cases_total": total, "cases_done": 0})
    audit_chain_pending()  # every entry about the cases gets its place in the chain before it is copied

    def progress(done: int) -> None:
        EvidencePackage.objects.filter(pk=package.pk).update(cases_done=done)

    try:
        written = packages.package_write(package, progress)
    except Exception as exc:
        log.exception("package %s failed", package.reference)
        with transaction.atomic():
            return transition(obj=package, to=PackageStatus.FAILED, actor=None, table=PACKAGE_TRANSITIONS,
                              field="status", changes={"error": f"{type(exc).__name__}: {exc}"[:1000],
                                                       "finished_at": timezone.now()})
    now = timezone.now()
    with transaction.atomic():
        return transition(obj=package, to=PackageStatus.READY, actor=None, table=PACKAGE_TRANSITIONS,
                          field="status", changes={**written, "cases_done": total, "finished_at": now,
                                                   "expires_at": now + timedelta(
                                                       hours=settings.LEGAL_PACKAGE_LINK_HOURS)},
                          data={"sha256": written["sha256"], "manifest_sha256": written["manifest_sha256"]})


def package_refusal(package: EvidencePackage, now=None) -> str | None:
    """Why the package cannot be downloaded now, or None."""
    now = now or timezone.now()
    if not package.is_ready:
        return "This package is not ready: it is still being built, or its build failed."
    if package.expires_at is None or package.expires_at <= now:
        return "This download link has expired. Request a new package: it will hold the case as it is now."
    return None


def package_download_record(*, package: EvidencePackage, user=None, share=None, ip=None,
                            user_agent: str = "") -> PackageDownload:
    """Log one download (who, or which share link; from where), with its audit entry."""
    with transaction.atomic():
        download = PackageDownload.objects.create(package=package, user=user, share=share, ip=ip,
                                                  user_agent=user_agent[:300])
        audit_append(actor=user, action="evidencepackage.downloaded", target=package,
                     data={"download": download.pk, "share": share.pk if share else None, "ip": ip})
    return download


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def staff(user) -> bool:
    return is_reviewer(user)


# --- test buys ---------------------------------------------------------------------------------


def _photos_accept(*, user, uploads, field: str, kind: str) -> list:
    """Store photos through the evidence content checks; images only (a photo of the item or its
    packaging). LegalError on `field` naming each refused file; nothing stays attached."""
    accepted = evidence_accept(uploaded_by=user, uploads=uploads)
    refusals = list(accepted.refusals)
    not_images = [f for f in accepted.stored if not f.is_image]
    refusals += [f"“{f.original_name}” is a {f.get_content_type_display()}, not a photo: upload a PNG, JPEG or "
                 "WebP image." for f in not_images]
    if refusals:
        evidence_delete(files=accepted.stored, actor=user)
        for message in refusals:
            security_log.info("test buy photo refused: user=%s %s", user.pk, message)
        raise LegalError(" ".join(refusals), field)
    return [(kind, f) for f in accepted.stored]


def test_buy_record(*, user, listing, brand, case, order_reference: str, purchased_on, price, currency: str,
                    delivered_to: str, verdict: str, examiner: str, custody_notes: str, item_photos=(),
                    packaging_photos=()) -> TestBuy:
    """Record a test buy of `listing` with its photos (checked by content, images only). A
    counterfeit verdict strengthens `case` or, without one, the listing's undecided case of the
    same brand: the test buy is linked to it and the case's timeline says so. Audited."""
    if case is not None and case.listing_id != listing.pk:
        raise LegalError(f"{case.reference} is about listing {case.listing.external_id}, not {listing.external_id}.",
                         "listing")
    if not item_photos:
        raise LegalError("Add at least one photo of the item as received.", "item_photos")
    photos = _photos_accept(user=user, uploads=item_photos, field="item_photos", kind=PhotoKind.ITEM)
    photos += _photos_accept(user=user, uploads=packaging_photos, field="packaging_photos",
                             kind=PhotoKind.PACKAGING) if packaging_photos else []
    with transaction.atomic():
        if case is None and verdict == Verdict.COUNTERFEIT:
            undecided = Case.objects.filter(listing=listing, state__in=UNDECIDED_STATES)
            if brand is not None:
                undecided = undecided.filter(brand=brand)
            case = undecided.order_by("id").first()
        buy = TestBuy.objects.create(
            listing=listing, seller_id=listing.seller_id, brand=brand, case=case, recorded_by=user,
            order_reference=order_reference, purchased_on=purchased_on, price=price, currency=currency,
            delivered_to=delivered_to, verdict=verdict, examiner=examiner, custody_notes=custody_notes)
        for kind, file in photos:
            TestBuyPhoto.objects.create(test_buy=buy, file=file, kind=kind)
        audit_append(actor=user, action="testbuy.recorded", target=buy, data={
            "listing": listing.external_id, "verdict": verdict, "case": case.pk if case else None,
            "photos": [{"kind": k, "sha256": f.sha256} for k, f in photos]})
        if case is not None:
            audit_append(actor=user, action="case.test_buy_added", target=case,
                         data={"test_buy": buy.pk, "verdict": verdict})
    return buy
