"""Writes for evidence files: accept uploads (checked by content), delete, purge the unattached."""

import hashlib
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from audit.services import audit_append

from .content import Refused, detect
from .models import EXTENSIONS, EvidenceFile, EvidenceType
from .selectors import evidence_unattached

log = logging.getLogger(__name__)


def evidence_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence"


def evidence_path(file: EvidenceFile) -> Path:
    return evidence_dir() / file.storage_name


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


@dataclass
class Accepted:
    """The outcome of one batch of uploads: what was stored, and one message per refused file."""

    stored: list[EvidenceFile] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    # Files picked again (same SHA-256 as one attached or earlier in the batch): attached once.
    duplicates: list[str] = field(default_factory=list)


def evidence_accept(*, uploaded_by, uploads: Iterable[UploadedFile], used_bytes: int = 0,
                    used_files: int = 0, attached: Iterable[EvidenceFile] = ()) -> Accepted:
    """Check each upload by content and store the acceptable ones; refuse the rest with a reason.

    `used_bytes`/`used_files` are what the owning record (a report) already holds: the per-owner
    limits EVIDENCE_MAX_OWNER_BYTES/FILES count them. Every refusal is logged; a refused file
    leaves nothing on disk or in the database. A file with the same content (SHA-256) as one in
    `attached` or earlier in the batch is not stored again: named in `duplicates`.
    """
    result = Accepted()
    loose_bytes, loose_files = _unattached_use(uploaded_by)
    seen = {f.sha256 for f in attached}
    for upload in uploads:
        name = (upload.name or "unnamed")[:255]
        try:
            data = _read_checked(upload, used_bytes=used_bytes, used_files=used_files)
            _check_quota(loose_bytes + len(data), loose_files + 1)
            detected = detect(data)
        except Refused as exc:
            log.warning("evidence refused: user=%s file=%r reason=%s", uploaded_by.pk, name, exc)
            result.refusals.append(f"“{name}” was not accepted: {exc}")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            result.duplicates.append(f"“{name}” is the same file as one already attached; it is attached once.")
            continue
        seen.add(digest)
        result.stored.append(_store(uploaded_by=uploaded_by, name=name, data=data,
                                    content_type=detected.content_type, width=detected.width,
                                    height=detected.height))
        used_bytes += len(data)
        used_files += 1
        loose_bytes += len(data)
        loose_files += 1
    return result


def _unattached_use(user) -> tuple[int, int]:
    """What the user holds in uploads no record took yet (forms in progress, abandoned ones)."""
    ids = evidence_unattached().filter(uploaded_by=user).values("pk")
    use = EvidenceFile.objects.filter(pk__in=ids).aggregate(bytes=Sum("size"), files=Count("pk"))
    return use["bytes"] or 0, use["files"] or 0


def _check_quota(loose_bytes: int, loose_files: int) -> None:
    """EVIDENCE_MAX_UNATTACHED_BYTES/FILES per user: uploads waiting for a record are bounded, so
    nobody fills the disk with files no report takes (they are purged after a day besides)."""
    if loose_bytes > settings.EVIDENCE_MAX_UNATTACHED_BYTES or loose_files > settings.EVIDENCE_MAX_UNATTACHED_FILES:
        raise Refused(f"you already have {megabytes(loose_bytes)} of uploads not yet filed with any report or "
                      f"appeal (at most {megabytes(settings.EVIDENCE_MAX_UNATTACHED_BYTES)} in "
                      f"{settings.EVIDENCE_MAX_UNATTACHED_FILES} files). File or delete a draft first; "
                      "unfiled uploads are deleted after a day.")


def _read_checked(upload: UploadedFile, *, used_bytes: int, used_files: int) -> bytes:
    max_file, max_total = settings.EVIDENCE_MAX_FILE_BYTES, settings.EVIDENCE_MAX_OWNER_BYTES
    # Refuse on the declared size before reading, then again on what was actually read.
    if upload.size is not None and upload.size > max_file:
        raise Refused(f"it is {megabytes(upload.size)}; each file may be at most {megabytes(max_file)}. "
                      "Compress it or split it.")
    data = upload.read(max_file + 1)
    if len(data) > max_file:
        raise Refused(f"it is larger than {megabytes(max_file)}, the most a file may be. Compress it or split it.")
    if used_files + 1 > settings.EVIDENCE_MAX_OWNER_FILES:
        raise Refused(f"a report takes at most {settings.EVIDENCE_MAX_OWNER_FILES} files. "
                      "Combine some into one PDF.")
    if used_bytes + len(data) > max_total:
        raise Refused(f"it would bring the evidence to {megabytes(used_bytes + len(data))}; a report takes "
                      f"at most {megabytes(max_total)} in all. Leave out a file or compress it.")
    return data


def _store(*, uploaded_by, name: str, data: bytes, content_type: str, width, height) -> EvidenceFile:
    storage_name = f"{uuid.uuid4().hex}.{EXTENSIONS[EvidenceType(content_type)]}"
    folder = evidence_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / storage_name
    with open(path, "xb") as fh:  # "x": never overwrite, whatever the odds of a uuid collision
        fh.write(data)
    try:
        with transaction.atomic():
            file = EvidenceFile.objects.create(
                storage_name=storage_name, original_name=name, content_type=content_type, size=len(data),
                sha256=hashlib.sha256(data).hexdigest(), width=width, height=height, uploaded_by=uploaded_by,
            )
            audit_append(actor=uploaded_by, action="evidence.uploaded", target=file,
                         data={"sha256": file.sha256, "size": file.size, "type": content_type})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return file


def evidence_delete(*, files: Iterable[EvidenceFile], actor) -> int:
    """Delete files no record links to any more (rows now, bytes once the transaction commits)."""
    files = list(files)
    with transaction.atomic():
        for file in files:
            audit_append(actor=actor, action="evidence.deleted", target=file, data={"sha256": file.sha256})
        paths = [evidence_path(f) for f in files]
        EvidenceFile.objects.filter(pk__in=[f.pk for f in files]).delete()
        transaction.on_commit(lambda: [p.unlink(missing_ok=True) for p in paths])
    return len(files)


def evidence_purge_unattached(*, older_than: timedelta = timedelta(hours=24)) -> int:
    """Delete uploads that no record ever took (a form abandoned after uploading)."""
    stale = evidence_unattached().filter(created_at__lt=timezone.now() - older_than)
    return evidence_delete(files=stale, actor=None)


class EvidenceLimitError(Exception):
    """Files that cannot be filed with a record (too many, too large, or filed elsewhere)."""


def evidence_check_filing(files, *, what: str) -> None:
    """The limits of a report's evidence for `what` ("An appeal", "A counter-notice"), and each
    file filed with one record only: EvidenceLimitError saying which."""
    if len(files) > settings.EVIDENCE_MAX_OWNER_FILES:
        raise EvidenceLimitError(f"{what} takes at most {settings.EVIDENCE_MAX_OWNER_FILES} evidence files.")
    if sum(f.size for f in files) > settings.EVIDENCE_MAX_OWNER_BYTES:
        raise EvidenceLimitError(f"{what} takes at most {settings.EVIDENCE_MAX_OWNER_BYTES // 2**20} MB of "
                                 "evidence in all. Remove a file.")
    free = set(evidence_unattached().filter(pk__in=[f.pk for f in files]).values_list("pk", flat=True))
    filed = [f.original_name for f in files if f.pk not in free]
    if filed:
        raise EvidenceLimitError(f"Already filed elsewhere: {', '.join(filed)}. Upload it again.")
