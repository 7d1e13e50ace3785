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

from accounts.permissions import is_reviewer, require_reviewer, require_senior
from audit.services import audit_append, audit_chain_pending
from audit.transitions import IllegalTransition, transition
from common import dates
from common.dispatch import enqueue, enqueue_on_commit
from complaints.models import UNDECIDED_STATES, Case
from evidence.services import evidence_accept, evidence_delete
from notifications.services import notify_on_commit

from . import packages
from .models import (
    EvidencePackage,
    OffenceNotification,
    OffenceState,
    PackageDownload,
    PackageScope,
    PackageStatus,
    PhotoKind,
    Referral,
    ReferralState,
    ShareLink,
    TestBuy,
    TestBuyPhoto,
    Verdict,
)
from .states import OFFENCE_TRANSITIONS, PACKAGE_TRANSITIONS, REFERRAL_TRANSITIONS

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
        EvidencePackage.objects.filter(pk=package.pk).update(cases_done=done, updated_at=timezone.now())

    try:
        written = packages.package_write(package, progress)
    except Exception as exc:
        log.exception("package %s failed", package.reference)
        with transaction.atomic():
            return transition(obj=package, to=PackageStatus.FAILED, actor=None, table=PACKAGE_TRANSITIONS,
                              field="status", changes={"error": f"{type(exc).__name__}: {exc}"[:1000],
                                                       "finished_at": timezone.now()})
    now = timezone.now()
    try:
        with transaction.atomic():
            return transition(obj=package, to=PackageStatus.READY, actor=None, table=PACKAGE_TRANSITIONS,
                              field="status", changes={**written, "cases_done": total, "finished_at": now,
                                                       "expires_at": now + timedelta(
                                                           hours=settings.LEGAL_PACKAGE_LINK_HOURS)},
                              data={"sha256": written["sha256"], "manifest_sha256": written["manifest_sha256"]})
    except IllegalTransition:
        # A second run (the sweep re-queued a slow build) finished first: keep its file, drop ours.
        (packages.packages_dir() / written["storage_name"]).unlink(missing_ok=True)
        package.refresh_from_db()
        return package


def packages_requeue_stale() -> int:
    """Queue again the packages queued or building with no progress for LEGAL_PACKAGE_STALE_SECONDS
    (a lost message or a worker that died mid-build); the build starts over. Returns how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.LEGAL_PACKAGE_STALE_SECONDS)
    ids = list(EvidencePackage.objects.filter(status__in=(PackageStatus.QUEUED, PackageStatus.BUILDING),
                                              updated_at__lt=cutoff).values_list("id", flat=True)[:100])
    for package_id in ids:
        enqueue(BUILD_TASK, package_id)
    return len(ids)


def packages_delete_expired(*, now=None, batch: int = 100) -> int:
    """Housekeeping: delete the ZIP of each ready package whose link expired and mark it expired.
    The row, its ZIP and manifest digests and its downloads stay (audit). Idempotent: the file is
    unlinked (missing is fine) before the move, so a crash in between is finished by the next run.
    Returns how many packages expired."""
    now = now or timezone.now()
    ids = list(EvidencePackage.objects.filter(status=PackageStatus.READY, expires_at__lte=now)
               .order_by("id").values_list("id", flat=True)[:batch])
    expired = 0
    for package_id in ids:
        with transaction.atomic():
            # SKIP LOCKED: a package another run holds is that run's to expire.
            package = (EvidencePackage.objects.select_for_update(skip_locked=True)
                       .filter(pk=package_id, status=PackageStatus.READY, expires_at__lte=now).first())
            if package is None:
                continue
            if package.storage_name:
                packages.package_path(package).unlink(missing_ok=True)
            transition(obj=package, to=PackageStatus.EXPIRED, actor=None, table=PACKAGE_TRANSITIONS, field="status",
                       data={"sha256": package.sha256, "manifest_sha256": package.manifest_sha256,
                             "expired_at": package.expires_at.isoformat()})
            expired += 1
    return expired


def package_refusal(package: EvidencePackage, now=None) -> str | None:
    """Why the package cannot be downloaded now, or None."""
    now = now or timezone.now()
    if package.is_expired:
        return ("This package expired and its files were deleted. Build it again: the new package holds the "
                "case as it is now.")
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


# --- referrals and share links -------------------------------------------------------------------


def referral_request(*, user, case, agency: str, agency_name: str, contact: str, notes: str = "") -> Referral:
    """A brand admin asks staff to refer the seller of one of its cases (the selector checked the
    case is the brand's). Staff accept it into a draft or refuse it."""
    with transaction.atomic():
        referral = Referral.objects.create(seller_id=case.listing.seller_id, brand=case.brand, agency=agency,
                                           agency_name=agency_name, contact=contact, notes=notes,
                                           state=ReferralState.REQUESTED, created_by=user)
        referral.cases.add(case)
        audit_append(actor=user, action="referral.requested", target=referral,
                     data={"case": case.pk, "agency": agency, "agency_name": agency_name})
    return referral


def referral_create(*, user, seller, cases=(), linked_sellers=(), agency: str, agency_name: str, contact: str,
                    notes: str = "") -> Referral:
    """Staff refer a seller (with linked sellers and cases): a draft, to send with a package."""
    require_reviewer(user, "Only trust-and-safety staff refer a seller.")
    with transaction.atomic():
        referral = Referral.objects.create(seller=seller, agency=agency, agency_name=agency_name, contact=contact,
                                           notes=notes, state=ReferralState.DRAFT, created_by=user)
        referral.cases.set(cases)
        referral.linked_sellers.set([s for s in linked_sellers if s.pk != seller.pk])
        audit_append(actor=user, action="referral.created", target=referral, data={
            "seller": seller.pk, "cases": [c.pk for c in cases], "linked_sellers": [s.pk for s in linked_sellers],
            "agency": agency, "agency_name": agency_name})
    return referral


def referral_attach_package(*, referral: Referral, package: EvidencePackage, actor) -> Referral:
    """The package that goes out with the referral (a seller package of its seller)."""
    require_reviewer(actor, "Only trust-and-safety staff attach a package to a referral.")
    if package.scope != PackageScope.SELLER or package.seller_id != referral.seller_id or package.brand_id:
        raise LegalError(f"{package.reference} is not a package of {referral.seller}'s whole history.", "package")
    with transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(package=package, updated_at=timezone.now())
        audit_append(actor=actor, action="referral.package_attached", target=referral, data={"package": package.pk})
    referral.package = package
    return referral


def referral_move(*, referral: Referral, to: str, actor, note: str = "") -> Referral:
    """Move a referral along REFERRAL_TRANSITIONS (staff only), audited with the note. Sending
    needs a ready package."""
    require_reviewer(actor, "Only trust-and-safety staff move a referral.")
    if to == ReferralState.SENT:
        package = EvidencePackage.objects.filter(pk=referral.package_id).first()
        if package is None or not package.is_ready:
            raise LegalError("Attach a ready evidence package before marking the referral sent.", "package")
    changes = {}
    if note.strip():
        changes["notes"] = (referral.notes + "\n" if referral.notes else "") + \
            f"[{dates.day(timezone.now())} {actor.get_username()}] {note.strip()}"
    with transaction.atomic():
        return transition(obj=referral, to=to, actor=actor, table=REFERRAL_TRANSITIONS, changes=changes,
                          data={"note": note.strip()} if note.strip() else None)


class LinkRefused(Exception):
    """An unknown, used or expired share link: the message is all the visitor sees."""


def share_link_create(*, referral: Referral, recipient: str, actor) -> tuple[ShareLink, str]:
    """An expiring, single-use link to the referral's package for `recipient`; returns the row and
    the token, which is shown once (only its SHA-256 is stored)."""
    require_reviewer(actor, "Only trust-and-safety staff share a referral's package.")
    if not referral.may_share:
        raise LegalError("A package is shared once the referral is sent with a package, and until the agency "
                         "has answered.", "recipient")
    if not recipient.strip():
        raise LegalError("Say who the link is for (name and e-mail).", "recipient")
    token = new_token()
    with transaction.atomic():
        link = ShareLink.objects.create(referral=referral, package_id=referral.package_id, token_hash=token_hash(token),
                                        recipient=recipient.strip()[:300], created_by=actor,
                                        expires_at=timezone.now() + timedelta(hours=settings.LEGAL_SHARE_LINK_HOURS))
        audit_append(actor=actor, action="referral.shared", target=referral,
                     data={"share": link.pk, "recipient": link.recipient, "expires_at": link.expires_at.isoformat()})
    return link, token


def share_link_use(*, token: str, ip=None, user_agent: str = "") -> tuple[EvidencePackage, ShareLink]:
    """Spend a share link: the one conditional UPDATE that marks it used succeeds for one request
    only, even if two arrive at once. LinkRefused (logged) for an unknown, used or expired link."""
    now = timezone.now()
    digest = token_hash(token)
    with transaction.atomic():
        claimed = ShareLink.objects.filter(token_hash=digest, used_at__isnull=True, expires_at__gt=now) \
            .update(used_at=now)
        link = ShareLink.objects.select_related("package", "referral").filter(token_hash=digest).first()
        if not claimed:
            reason = ("unknown" if link is None else "used" if link.used_at is not None else "expired")
            security_log.warning("share link refused (%s): ip=%s link=%s", reason, ip, link.pk if link else None)
            if link is not None:
                audit_append(actor=None, action="referral.share_refused", target=link.referral,
                             data={"share": link.pk, "reason": reason, "ip": ip})
        if not claimed:
            refused_message = {
                "unknown": "This link is not valid. Ask the sender for a new one.",
                "used": "This link has already been used: each link downloads the package once. Ask the sender "
                        "for a new one.",
                "expired": "This link has expired. Ask the sender for a new one.",
            }[reason]
        else:
            package_download_record(package=link.package, share=link, ip=ip, user_agent=user_agent)
    if not claimed:
        raise LinkRefused(refused_message)
    return link.package, link


# --- DSA Art. 18: suspected criminal offences ----------------------------------------------------


def offence_flag(*, case, reviewer, threat: str, suspicion: str) -> OffenceNotification:
    """A reviewer flags a suspected offence threatening life or safety on a case: recorded at once,
    shown to every senior on every page until one notifies or dismisses it, and e-mailed to every
    senior reviewer after commit. One open flag per case."""
    require_reviewer(reviewer, "Only reviewers flag a suspected criminal offence.")
    if not suspicion.strip():
        raise LegalError("Say what you suspect and why: the authority reads it.", "suspicion")
    with transaction.atomic():
        if OffenceNotification.objects.select_for_update().filter(case=case, state=OffenceState.FLAGGED).exists():
            raise LegalError(f"{case.reference} is already flagged; a senior will act on it.", "threat")
        flag = OffenceNotification.objects.create(case=case, threat=threat, suspicion=suspicion.strip(),
                                                  flagged_by=reviewer)
        audit_append(actor=reviewer, action="offencenotification.flagged", target=flag,
                     data={"case": case.pk, "threat": threat})
        # Art. 18 asks for prompt notification: every senior hears of the flag, not only one who
        # happens to open a page.
        notify_on_commit("offence_flagged", flag.pk)
    security_log.warning("Art. 18 flag %s on %s by %s", flag.reference, case.reference, reviewer.get_username())
    return flag


def offence_notify(*, flag: OffenceNotification, senior, authority: str) -> OffenceNotification:
    """A senior notifies the authority: the case's evidence package is built and attached, and the
    flag moves to notified (the notification page is what is sent, with the package)."""
    require_senior(senior, "Only senior reviewers notify the authorities.")
    if not authority.strip():
        raise LegalError("Name the member state authority notified (and how).", "authority")
    with transaction.atomic():
        package = package_request(user=senior, scope=PackageScope.CASE, subject=flag.case)
        return transition(obj=flag, to=OffenceState.NOTIFIED, actor=senior, table=OFFENCE_TRANSITIONS,
                          changes={"authority": authority.strip()[:300], "package": package,
                                   "decided_by": senior, "decided_at": timezone.now()},
                          data={"authority": authority.strip()[:300], "package": package.pk})


def offence_dismiss(*, flag: OffenceNotification, senior, reason: str) -> OffenceNotification:
    require_senior(senior, "Only senior reviewers dismiss a flag.")
    if not reason.strip():
        raise LegalError("Say why the suspicion does not hold.", "reason")
    with transaction.atomic():
        return transition(obj=flag, to=OffenceState.DISMISSED, actor=senior, table=OFFENCE_TRANSITIONS,
                          changes={"decided_by": senior, "decided_at": timezone.now()}, data={"reason": reason.strip()})
