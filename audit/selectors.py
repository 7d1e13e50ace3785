from collections.abc import Iterable
from datetime import datetime

from django.db import models

from .models import AuditEntry
from .services import GENESIS, audit_label, entry_digest


def audit_entries_for(*, targets: Iterable[models.Model]) -> models.QuerySet[AuditEntry]:
    """The entries about the given objects, oldest first (a timeline)."""
    q = models.Q(pk__in=[])
    for t in targets:
        q |= models.Q(target_type=audit_label(t), target_id=t.pk)
    return AuditEntry.objects.filter(q).order_by("id")


def audit_chain_verify(*, chunk: int = 2000) -> tuple[int, AuditEntry | None]:
    """Walk the chain in its order (seq); return (entries checked, first broken entry or None).
    Entries not linked yet are not part of it (audit_unlinked counts them)."""
    prev = GENESIS
    checked = 0
    for e in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=chunk):
        expected = entry_digest(
            prev_hash=prev, created_at=e.created_at, actor_repr=e.actor_repr, action=e.action,
            target_type=e.target_type, target_id=e.target_id, target_repr=e.target_repr,
            data=e.data,
        )
        if e.seq != checked + 1 or e.prev_hash != prev or e.hash != expected:
            return checked, e
        prev = e.hash
        checked += 1
    return checked, None


def audit_unlinked() -> models.QuerySet[AuditEntry]:
    """Entries written but not linked into the chain yet (normally none older than a minute)."""
    return AuditEntry.objects.filter(seq__isnull=True)


def audit_link_backlog() -> tuple[int, datetime | None]:
    """How many entries wait to be linked, and when the oldest was written (None: none waits)."""
    waiting = audit_unlinked()
    oldest = waiting.order_by("id").values_list("created_at", flat=True).first()
    return (waiting.count() if oldest is not None else 0), oldest
