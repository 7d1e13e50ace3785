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

from . import packages
from .models import EvidencePackage, PackageDownload, PackageScope, PackageStatus
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
