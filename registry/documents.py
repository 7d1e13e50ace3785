"""Writes for a right's registration documents and images (stored through the evidence app).

Which documents a right needs is checked when a reviewer verifies it (right_send_code, with
selectors.right_documents_missing), not when it is registered: a brand may register first and
upload the image a moment later.
"""

import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum

from audit.services import audit_append
from evidence.content import Refused, detect
from evidence.models import IMAGE_TYPES, EvidenceFile, EvidenceType
from evidence.services import evidence_accept

from .models import DocumentRole, IPRight, RightDocument, RightKind
from .selectors import require_brand_admin
from .services import RegistryError

# Which roles each kind of right takes; an image role takes PNG, JPEG or WebP only.
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    RightKind.TRADEMARK: (DocumentRole.REGISTRATION_EXTRACT, DocumentRole.CERTIFICATE, DocumentRole.MARK_IMAGE),
    RightKind.PATENT: (DocumentRole.REGISTRATION_EXTRACT, DocumentRole.CERTIFICATE),
    RightKind.DESIGN: (DocumentRole.REGISTRATION_EXTRACT, DocumentRole.CERTIFICATE, DocumentRole.DESIGN_IMAGE),
    RightKind.COPYRIGHT: (DocumentRole.CERTIFICATE, DocumentRole.REGISTRATION_EXTRACT),
}
IMAGE_ROLES = (DocumentRole.MARK_IMAGE, DocumentRole.DESIGN_IMAGE)

log = logging.getLogger(__name__)


def roles_for(right: IPRight) -> list[tuple[str, str]]:
    return [(r, DocumentRole(r).label) for r in ROLES_BY_KIND[right.kind]]


def _require_image(*, upload: UploadedFile, role: str, by) -> None:
    """Refuse, before anything is stored, an acceptable file that is not an image for an image role.

    Files the evidence app refuses outright (or too large to read here) are left to evidence_accept,
    which gives and logs its own reason.
    """
    if upload.size is None or upload.size > settings.EVIDENCE_MAX_FILE_BYTES:
        return
    data = upload.read(settings.EVIDENCE_MAX_FILE_BYTES + 1)
    upload.seek(0)
    try:
        detected = detect(data)
    except Refused:
        return
    if detected.content_type not in IMAGE_TYPES:
        name = (upload.name or "unnamed")[:255]
        log.warning("right document refused: user=%s file=%r role=%s type=%s", by.pk, name, role,
                    detected.content_type)
        raise RegistryError(f"“{name}” is a {EvidenceType(detected.content_type).label}; a "
                            f"{DocumentRole(role).label.lower()} must be a PNG, JPEG or WebP image. Upload the "
                            "image itself, or choose “registration extract” for a PDF.", field="file")


def right_file_accept(*, right: IPRight, by, upload: UploadedFile, field: str = "file") -> EvidenceFile:
    """Check `upload` by content (evidence app) within the right's file limits and store it; a refused
    file raises RegistryError on `field` and leaves nothing stored. The caller links it to the right."""
    held = RightDocument.objects.filter(right=right)
    used = held.aggregate(n=Sum("file__size"))["n"] or 0
    accepted = evidence_accept(uploaded_by=by, uploads=[upload], used_bytes=used, used_files=held.count())
    if accepted.refusals:
        raise RegistryError(accepted.refusals[0], field=field)
    return accepted.stored[0]


def right_document_add(*, right: IPRight, by, role: str, upload: UploadedFile) -> RightDocument:
    """Store one document of `right` in `role`: checked by content (evidence app), then linked and audited.

    A refused file leaves nothing stored; the evidence app logs the refusal.
    """
    require_brand_admin(user=by, brand=right.brand)
    if not right.registered:
        raise RegistryError(f"{right} is not registered, so it has no registration documents. Attach what "
                            "shows it (use, first disclosure, the original work) to the report as evidence.",
                            field="file")
    if role not in ROLES_BY_KIND[right.kind]:
        allowed = ", ".join(DocumentRole(r).label.lower() for r in ROLES_BY_KIND[right.kind])
        raise RegistryError(f"A {right.get_kind_display().lower()} takes: {allowed}.", field="role")
    if role in IMAGE_ROLES:
        _require_image(upload=upload, role=role, by=by)
    file = right_file_accept(right=right, by=by, upload=upload)
    with transaction.atomic():
        doc = RightDocument.objects.create(right=right, file=file, role=role, uploaded_by=by)
        audit_append(actor=by, action="ipright.document_added", target=right,
                     data={"role": role, "file": file.pk, "sha256": file.sha256})
    return doc

