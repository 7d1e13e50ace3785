from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import models

from . import signing
from .models import AuditChainHead, AuditEntry
from .services import (
    GENESIS,
    HASH_VERSION,
    REFUSED,
    audit_label,
    entry_digest,
    entry_digest_v2,
    entry_mac_valid,
)


def audit_entries_for(*, targets: Iterable[models.Model]) -> models.QuerySet[AuditEntry]:
    """The entries about the given objects, oldest first (a timeline)."""
    q = models.Q(pk__in=[])
    for t in targets:
        q |= models.Q(target_type=audit_label(t), target_id=t.pk)
    return AuditEntry.objects.filter(q).order_by("id")


def audit_entry_latest(*, target: models.Model, action: str) -> AuditEntry:
    """The newest entry of `action` about `target` (a step keyed by the entry that records it)."""
    return AuditEntry.objects.filter(target_type=audit_label(target), target_id=target.pk,
                                     action=action).latest("id")


@dataclass(frozen=True)
class Finding:
    """One sign of tampering: `kind` is edited, deleted, inserted, reordered or actor changed."""

    kind: str
    message: str
    entry: AuditEntry | None = None


EDITED, DELETED, INSERTED, REORDERED, ACTOR_CHANGED = "edited", "deleted", "inserted", "reordered", "actor changed"


def _fields(e: AuditEntry) -> dict:
    return {"created_at": e.created_at, "actor_id": e.actor_id, "actor_repr": e.actor_repr, "action": e.action,
            "target_type": e.target_type, "target_id": e.target_id, "target_repr": e.target_repr, "data": e.data}


def _content_finding(e: AuditEntry) -> Finding | None:
    """Is this entry as it was written? Version 2: its mac (every field, the actor included);
    version 1: its own hash, the old way (it never covered the actor)."""
    if e.hash_version == HASH_VERSION:
        if entry_mac_valid(**_fields(e), mac=e.mac):
            return None
        if not e.mac:
            return Finding(INSERTED, f"Entry #{e.pk} (seq {e.seq}) has no signature: it was not written by the "
                                     "portal.", e)
        # The username is kept as text too: if the mac holds with that user's id, only the actor changed.
        user_ids = {None} if e.actor_repr == "system" else set(
            get_user_model().objects.filter(username=e.actor_repr).values_list("pk", flat=True))
        for original in user_ids - {e.actor_id}:
            if entry_mac_valid(**{**_fields(e), "actor_id": original}, mac=e.mac):
                return Finding(ACTOR_CHANGED, f"Entry #{e.pk} (seq {e.seq}): its actor was changed from "
                                              f"{original or 'none'} to {e.actor_id or 'none'}.", e)
        return Finding(EDITED, f"Entry #{e.pk} (seq {e.seq}) was edited after it was written.", e)
    expected = entry_digest(prev_hash=e.prev_hash, created_at=e.created_at, actor_repr=e.actor_repr, action=e.action,
                            target_type=e.target_type, target_id=e.target_id, target_repr=e.target_repr,
                            data=e.data)
    if e.hash != expected:
        return Finding(EDITED, f"Entry #{e.pk} (seq {e.seq}, an entry of the first format) was edited.", e)
    return None


def audit_chain_findings(*, chunk: int = 2000, limit: int = 100) -> tuple[int, list[Finding]]:
    """Walk the chain in its order (seq) and compare it with the signed head and the checkpoint
    published outside the database; return (entries in the chain, what was found, at most
    `limit`). Each entry's content is checked on its own, and each link to the one before, so
    the walk goes on after a break and reports every kind of tampering it meets."""
    findings: list[Finding] = []
    prev, expected_seq, checked, newest_version, last = GENESIS, 1, 0, 1, None
    first_hash = None
    for e in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=chunk):
        if len(findings) >= limit:
            break
        content = _content_finding(e)
        if content:
            findings.append(content)
        if e.hash_version != HASH_VERSION and newest_version == HASH_VERSION and not content:
            findings.append(Finding(INSERTED, f"Entry #{e.pk} (seq {e.seq}) claims the first format after "
                                              "entries of the second: it was put there later.", e))
        newest_version = max(newest_version, e.hash_version or 1)
        if e.seq != expected_seq:
            findings.append(Finding(DELETED, f"Entries with seq {expected_seq}–{e.seq - 1} are missing (deleted) "
                                             f"before entry #{e.pk}.", e))
        elif e.prev_hash != prev:
            moved = AuditEntry.objects.filter(hash=e.prev_hash).exclude(pk=e.pk).values_list("seq", flat=True).first()
            if moved is not None:
                findings.append(Finding(REORDERED, f"Entry #{e.pk} (seq {e.seq}) follows the entry now at seq "
                                                   f"{moved}: entries were reordered.", e))
            elif not content:
                findings.append(Finding(DELETED, f"The entry before entry #{e.pk} (seq {e.seq}) is missing: it "
                                                 "was deleted (and the places renumbered).", e))
        elif e.hash_version == HASH_VERSION and not content and e.hash != entry_digest_v2(
                seq=e.seq, prev_hash=e.prev_hash, **_fields(e), mac=e.mac):
            findings.append(Finding(REORDERED, f"Entry #{e.pk}'s place (seq {e.seq}) or links were changed.", e))
        prev, expected_seq, checked, last = e.hash, e.seq + 1, checked + 1, e
        if e.seq == 1:
            first_hash = e.hash
    findings += _head_findings(checked=checked, last=last, first_hash=first_hash)
    for e in AuditEntry.objects.filter(seq__isnull=True, hash_version=REFUSED).order_by("id")[:limit]:
        findings.append(Finding(INSERTED, f"Entry #{e.pk} was not written by the portal (no valid signature); the "
                                          "linker refused it.", e))
    return checked, findings[:limit]


def _head_findings(*, checked: int, last: AuditEntry | None, first_hash: str | None) -> list[Finding]:
    """The chain's end against the signed head, and against the checkpoint published outside
    the database (which catches an older signed head put back with a truncated chain)."""
    findings = []
    head = AuditChainHead.objects.filter(id=1).first()
    length = last.seq if last is not None else 0
    end_hash = last.hash if last is not None else GENESIS
    if head is not None and (head.count or head.signature):
        if not signing.valid(signing.head_signature(count=head.count, last_hash=head.last_hash), head.signature):
            findings.append(Finding(EDITED, "The chain's head is not signed by the portal's key: it was rewritten "
                                            "(a forged or truncated tail).", last))
        elif head.count > length:
            findings.append(Finding(DELETED, f"The signed head counts {head.count} entries; the chain ends at "
                                             f"{length}: the newest entries were deleted.", last))
        elif head.count < length:
            findings.append(Finding(INSERTED, f"The chain has {length - head.count} entries after the signed "
                                              "head: they were added outside the portal.", last))
        elif head.last_hash != end_hash:
            findings.append(Finding(EDITED, "The chain's newest hash is not the signed head's: its tail was "
                                            "rewritten.", last))
    published = signing.checkpoints_read().get(first_hash or "")
    if published:
        signed = signing.valid(signing.head_signature(count=published["count"], last_hash=published["last_hash"]),
                               published.get("signature", ""))
        if signed and published["count"] > length:
            findings.append(Finding(DELETED, f"The checkpoint published outside the database counts "
                                             f"{published['count']} entries; the chain ends at {length}: the "
                                             "newest entries were deleted.", last))
        elif signed:
            at = AuditEntry.objects.filter(seq=published["count"]).values_list("hash", flat=True).first()
            if at != published["last_hash"]:
                findings.append(Finding(EDITED, f"Entry seq {published['count']} is not the one the published "
                                                "checkpoint names: the chain was rewritten.", last))
    return findings


def audit_chain_verify(*, chunk: int = 2000) -> tuple[int, AuditEntry | None]:
    """(entries checked before the first finding, the entry it is about or None when intact).
    For the callers that only ask "intact?"; audit_chain_findings says what was found."""
    checked, findings = audit_chain_findings(chunk=chunk, limit=1)
    if not findings:
        return checked, None
    first = findings[0]
    entry = first.entry or AuditEntry()
    good = AuditEntry.objects.filter(seq__lt=entry.seq).count() if entry.seq else checked
    return good, entry


def audit_unlinked() -> models.QuerySet[AuditEntry]:
    """Entries written but not linked into the chain yet (normally none older than a minute)."""
    return AuditEntry.objects.filter(seq__isnull=True, hash_version__isnull=True)


def audit_link_backlog() -> tuple[int, datetime | None]:
    """How many entries wait to be linked, and when the oldest was written (None: none waits)."""
    waiting = audit_unlinked()
    oldest = waiting.order_by("id").values_list("created_at", flat=True).first()
    return (waiting.count() if oldest is not None else 0), oldest
