"""Writes for certificates: registering a work (checked, deduplicated, appended to the log with a
signed tree head, all in one transaction)."""

import base64
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import require_reviewer
from audit.services import audit_append
from audit.transitions import transition
from evidence.content import Detected, Refused, detect
from evidence.models import EXTENSIONS, IMAGE_TYPES, EvidenceType
from registry.choices import RightKind, WorkType
from registry.models import IPRight, RightStatus
from registry.states import RIGHT_TRANSITIONS

from . import fingerprints as fp
from .canonical import canonical_json
from .log import log_append, log_lock, sth_sign
from .models import Certificate, CertificateDispute, DisputeState, FingerprintKind
from .selectors import Match, near_match
from .states import DISPUTE_TRANSITIONS

ENTRY_VERSION = 1
ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
# Markup and script in a title: refused outright rather than escaped, because the title goes into
# the signed entry for good and is shown by verifiers we do not write.
TITLE_MARKUP = re.compile(r"[<>]|javascript\s*:|\bon\w+\s*=", re.IGNORECASE)


class RegistrationRefused(Exception):
    """The work was not registered; nothing changed. `code` is the API's (`invalid`, `duplicate`,
    `near_duplicate`), `field` the form field the message belongs to."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None,
                 match: Match | None = None):
        super().__init__(message)
        self.message, self.code, self.field, self.match = message, code, field, match

    @property
    def is_near_duplicate(self) -> bool:
        """A near copy, which the applicant may dispute (an identical work may not)."""
        return self.code == "near_duplicate"


@dataclass(frozen=True)
class Fingerprinted:
    detected: Detected
    kind: str
    fingerprint: int
    text_sha256: str | None


def certificate_id_new() -> str:
    return "IPC-" + "".join(secrets.choice(ID_ALPHABET) for _ in range(12))


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def certificates_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "certificates"


def certificate_path(cert: Certificate) -> Path:
    return certificates_dir() / cert.storage_name


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise RegistrationRefused("Give the work a title.", field="title")
    if len(title) > 200:
        raise RegistrationRefused(f"The title is {len(title)} characters; at most 200.", field="title")
    if TITLE_MARKUP.search(title) or any(not c.isprintable() for c in title):
        raise RegistrationRefused("The title may not contain markup or script (<, >, javascript:, on…=) or "
                                  "control characters. Write it as plain text.", field="title")
    return title


def read_upload(upload: UploadedFile | None) -> bytes:
    if upload is None:
        raise RegistrationRefused("Attach the work's file.", field="file")
    limit = settings.CERTIFICATES_MAX_FILE_BYTES
    if upload.size is not None and upload.size > limit:
        raise RegistrationRefused(f"The file is {upload.size / 2**20:.1f} MB; a work may be at most "
                                  f"{limit / 2**20:.1f} MB.", field="file")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise RegistrationRefused(f"The file is larger than {limit / 2**20:.1f} MB, the most a work may be.",
                                  field="file")
    return data


def fingerprint(data: bytes, *, work_type: str) -> Fingerprinted:
    """Check the bytes by content (the evidence app's check), then fingerprint them; Refused says why."""
    detected = detect(data)
    if work_type == WorkType.IMAGE:
        if detected.content_type not in IMAGE_TYPES:
            raise Refused("an image work must be a PNG, JPEG or WebP image; this file is "
                          f"{EvidenceType(detected.content_type).label}.")
        return Fingerprinted(detected, FingerprintKind.PHASH, fp.image_phash(data), None)
    if work_type == WorkType.TEXT:
        if detected.content_type == EvidenceType.PDF:
            text = fp.pdf_text(data)
        elif detected.content_type == EvidenceType.TEXT:
            text = data.decode("utf-8")
        else:
            raise Refused("a text work must be plain text (UTF-8) or a PDF; this file is "
                          f"{EvidenceType(detected.content_type).label}.")
        words = fp.normalize_text(text)
        fp.text_check(words)
        return Fingerprinted(detected, FingerprintKind.SIMHASH, fp.simhash(words), fp.normalized_sha256(words))
    raise Refused("only images and texts can be certified so far.")


def certificate_register(*, brand, by, upload: UploadedFile | None, title: str, work_type: str,
                         author: str = "", first_published_on: date | None = None,
                         near_copy_of: Certificate | None = None) -> Certificate:
    """Register a work for `brand`: check it, refuse an exact or near duplicate of any registered
    work (naming its certificate), append its entry to the log, sign the new tree head and record
    the brand's copyright right, verified by the certificate, in one transaction. Raises
    RegistrationRefused; a refusal changes nothing."""
    title = clean_title(title)
    author = " ".join((author or "").split())[:200]
    if work_type not in (WorkType.IMAGE, WorkType.TEXT):
        raise RegistrationRefused("Choose the kind of work: image or text.", field="work_type")
    data = read_upload(upload)
    try:
        printed = fingerprint(data, work_type=work_type)
    except Refused as exc:
        raise RegistrationRefused(f"The file was not accepted: {exc}", field="file") from None
    sha256 = hashlib.sha256(data).hexdigest()
    name = ((upload.name if upload else "") or "work")[:255]
    storage_name = f"{uuid.uuid4().hex}.{EXTENSIONS[EvidenceType(printed.detected.content_type)]}"
    path = certificates_dir() / storage_name
    try:
        with transaction.atomic():
            head = log_lock()  # serializes registrations: the duplicate search below sees every earlier one
            _refuse_duplicates(brand=brand, sha256=sha256, printed=printed, near_copy_of=near_copy_of)
            now = timezone.now().replace(microsecond=0)
            public_id = certificate_id_new()
            entry = {
                "v": ENTRY_VERSION, "certificate_id": public_id, "work_sha256": sha256,
                "perceptual_hash": f"{printed.kind}:{printed.fingerprint:016x}",
                "work_type": work_type, "title": title, "owner": brand.name, "registered_at": rfc3339(now),
            }
            entry_bytes = canonical_json(entry)
            leaf_index, root = log_append(head=head, entry_bytes=entry_bytes)
            signed = fp.to_signed(printed.fingerprint)
            b0, b1, b2, b3 = fp.bands(signed)
            cert = Certificate.objects.create(
                public_id=public_id, brand=brand, registered_by=by, owner_name=brand.name, title=title,
                work_type=work_type, author=author, first_published_on=first_published_on,
                storage_name=storage_name, original_name=name, content_type=printed.detected.content_type,
                size=len(data), width=printed.detected.width, height=printed.detected.height, sha256=sha256,
                text_sha256=printed.text_sha256, fingerprint_kind=printed.kind, fingerprint=signed,
                band0=b0, band1=b1, band2=b2, band3=b3, entry=entry_bytes.decode("utf-8"),
                leaf_index=leaf_index, registered_at=now,
            )
            sth_sign(tree_size=leaf_index + 1, root_hash=root)
            cert.right = _certified_right(cert=cert, by=by)
            cert.save(update_fields=["right"])
            audit_append(actor=by, action="certificate.registered", target=cert,
                         data={"certificate_id": public_id, "sha256": sha256, "leaf_index": leaf_index,
                               "root_hash": base64.b64encode(root).decode()})
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as fh:
                fh.write(data)
    except IntegrityError:
        # Only where the lock is not a row lock (SQLite): the unique hash decided the race.
        path.unlink(missing_ok=True)
        _refuse_duplicates(brand=brand, sha256=sha256, printed=printed)
        raise
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return cert


def _certified_right(*, cert: Certificate, by) -> IPRight:
    """The brand's copyright right in the work, verified by the certificate itself: the log entry
    is the proof of who registered the work first, so no office code or document review is asked."""
    right = IPRight.objects.create(
        brand=cert.brand, kind=RightKind.COPYRIGHT, office="", registration_number=cert.public_id,
        name=cert.title, work_type=cert.work_type, author=cert.author, first_published_on=cert.first_published_on,
        registered=True, description=f"Certified work: IP Portal certificate {cert.public_id}, log index "
                                     f"{cert.leaf_index}.", submitted_by=by)
    return transition(obj=right, to=RightStatus.VERIFIED, actor=by, table=RIGHT_TRANSITIONS, field="status",
                      changes={"verified_at": cert.registered_at},
                      data={"certificate_id": cert.public_id, "leaf_index": cert.leaf_index})


def _refuse_duplicates(*, brand, sha256: str, printed: Fingerprinted,
                       near_copy_of: Certificate | None = None) -> None:
    """`near_copy_of`: a reviewer ruled (on a dispute) that the work is not a copy of that
    certificate although their fingerprints are close: near matches no longer refuse it."""
    from .selectors import exact_match

    match = exact_match(sha256=sha256, text_sha256=printed.text_sha256)
    if match is None and near_copy_of is None:
        limit = (settings.CERTIFICATES_IMAGE_NEAR_BITS if printed.kind == FingerprintKind.PHASH
                 else settings.CERTIFICATES_TEXT_NEAR_BITS)
        match = near_match(kind=printed.kind, fingerprint=fp.to_signed(printed.fingerprint), max_distance=limit)
    if match is None:
        return
    cert = match.certificate
    whose = "your brand already registered it" if cert.brand_id == brand.pk else "it is already registered"
    if match.distance == 0 and match.exact:
        message = f"This work is already certified: {whose} as certificate {cert.public_id}."
        code = "duplicate"
    else:
        message = (f"This work is a near copy of certificate {cert.public_id} ({match.distance} of 64 fingerprint "
                   f"bits differ): {whose}.")
        code = "near_duplicate"
    raise RegistrationRefused(message, code=code,
                              field="file", match=match)


# Disputes ------------------------------------------------------------------------------------

MIN_STATEMENT = 20


def disputes_dir() -> Path:
    return certificates_dir() / "disputes"


def dispute_path(dispute: CertificateDispute) -> Path:
    return disputes_dir() / dispute.storage_name


def dispute_open(*, brand, by, upload: UploadedFile | None, title: str, work_type: str, author: str = "",
                 statement: str) -> CertificateDispute:
    """Dispute a near-duplicate refusal: the work is checked again; only a near copy (not the same
    bytes or text) can be disputed. Keeps the file for the reviewer. Raises RegistrationRefused."""
    title = clean_title(title)
    statement = (statement or "").strip()
    if len(statement) < MIN_STATEMENT:
        raise RegistrationRefused("Say why your work is not a copy of the earlier one (a sentence or two).",
                                  field="statement")
    data = read_upload(upload)
    try:
        printed = fingerprint(data, work_type=work_type)
    except Refused as exc:
        raise RegistrationRefused(f"The file was not accepted: {exc}", field="file") from None
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        _refuse_duplicates(brand=brand, sha256=sha256, printed=printed)
    except RegistrationRefused as exc:
        if exc.code == "duplicate":
            raise RegistrationRefused(f"{exc.message} An identical work cannot be disputed here: the log shows who "
                                      "registered it first. If that was not its author, file a copyright report.",
                                      code="duplicate", field="file", match=exc.match) from None
        match = exc.match
    else:
        raise RegistrationRefused("This work is not refused: register it.", field="file")
    storage_name = f"{uuid.uuid4().hex}.{EXTENSIONS[EvidenceType(printed.detected.content_type)]}"
    path = disputes_dir() / storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as fh:
        fh.write(data)
    try:
        with transaction.atomic():
            dispute = CertificateDispute.objects.create(
                brand=brand, opened_by=by, earlier=match.certificate, distance=match.distance, title=title,
                work_type=work_type, author=" ".join((author or "").split())[:200], storage_name=storage_name,
                original_name=((upload.name if upload else "") or "work")[:255],
                content_type=printed.detected.content_type, sha256=sha256, statement=statement)
            audit_append(actor=by, action="certificate_dispute.opened", target=dispute,
                         data={"earlier": match.certificate.public_id, "distance": match.distance})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return dispute


def dispute_decide(*, dispute: CertificateDispute, reviewer, register: bool, reason: str) -> CertificateDispute:
    """A reviewer's ruling on a dispute: `register` issues the disputed work's certificate (near
    matches no longer refuse it; an exact duplicate registered since still does), else the refusal
    stands. One transaction; a ruling is final."""
    require_reviewer(reviewer, "Only reviewers decide certificate disputes.")
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationRefused("Give the reason for the ruling: the applicant reads it.", field="reason")
    with transaction.atomic():
        to = DisputeState.REGISTERED if register else DisputeState.REFUSED
        dispute = transition(obj=dispute, to=to, actor=reviewer, table=DISPUTE_TRANSITIONS,
                             changes={"decided_by": reviewer, "decided_at": timezone.now(), "reason": reason},
                             data={"earlier": dispute.earlier.public_id})
        if register:
            data = dispute_path(dispute).read_bytes()
            cert = certificate_register(
                brand=dispute.brand, by=dispute.opened_by, upload=SimpleUploadedFile(dispute.original_name, data),
                title=dispute.title, work_type=dispute.work_type, author=dispute.author,
                near_copy_of=dispute.earlier)
            dispute.certificate = cert
            dispute.save(update_fields=["certificate"])
    return dispute
