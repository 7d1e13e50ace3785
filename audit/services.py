import hashlib
import json
from typing import NamedTuple

from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def entry_digest(*, prev_hash: str, created_at, actor_repr: str, action: str, target_type: str,
                 target_id: int, target_repr: str, data: dict) -> str:
    payload = json.dumps(
        [prev_hash, created_at.isoformat(), actor_repr, action, target_type, int(target_id),
         target_repr, data],
        sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def audit_append(*, actor, action: str, target: models.Model, data: dict | None = None) -> AuditEntry:
    """Append one entry to the chain. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append must run inside the change's transaction")
    data = json.loads(json.dumps(data or {}, default=str))
    # Race: two transactions appending at once would both link to the same previous hash;
    # the head row lock makes the second wait for the first to commit.
    head, _ = AuditChainHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS})
    head = AuditChainHead.objects.select_for_update().get(id=1)
    created_at = timezone.now()
    actor_repr = actor.get_username() if actor is not None else "system"
    fields = dict(
        created_at=created_at, actor_repr=actor_repr, action=action,
        target_type=target._meta.label_lower, target_id=target.pk, target_repr=str(target)[:300],
        data=data,
    )
    digest = entry_digest(prev_hash=head.last_hash, **fields)
    entry = AuditEntry.objects.create(actor=actor, prev_hash=head.last_hash, hash=digest, **fields)
    AuditChainHead.objects.filter(id=1).update(last_hash=digest, count=models.F("count") + 1)
    return entry


class AuditTarget(NamedTuple):
    """A target named without loading it as a model (bulk paths): its label_lower, pk and a
    readable copy (what str() of the object would say)."""

    label: str
    pk: int
    repr: str


def _target_fields(target) -> tuple[str, int, str]:
    if isinstance(target, AuditTarget):
        return target.label, int(target.pk), target.repr[:300]
    return target._meta.label_lower, int(target.pk), str(target)[:300]


_COLUMNS = ("created_at", "actor_id", "actor_repr", "action", "target_type", "target_id", "target_repr", "data",
            "prev_hash", "hash")


def audit_append_many(*, actor, entries: list[tuple[str, "models.Model | AuditTarget", dict | None]]) -> int:
    """Append many entries (action, target, data) chained in order, under one lock of the head,
    with one multi-row INSERT per 1,000: the bulk variant of audit_append for chunked enforcement.
    Must run inside the transaction of the changes it records. Returns how many were appended."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append_many must run inside the change's transaction")
    if not entries:
        return 0
    AuditChainHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS})
    head = AuditChainHead.objects.select_for_update().get(id=1)  # same race as audit_append
    created_at = timezone.now()
    actor_repr = actor.get_username() if actor is not None else "system"
    actor_id = actor.pk if actor is not None else None
    prev, rows = head.last_hash, []
    for action, target, data in entries:
        target_type, target_id, target_repr = _target_fields(target)
        data = json.loads(json.dumps(data or {}, default=str))
        digest = entry_digest(prev_hash=prev, created_at=created_at, actor_repr=actor_repr, action=action,
                              target_type=target_type, target_id=target_id, target_repr=target_repr, data=data)
        rows.append((created_at, actor_id, actor_repr, action, target_type, target_id, target_repr,
                     json.dumps(data), prev, digest))
        prev = digest
    # Raw multi-row INSERT: building 1,000s of model instances cost more than the insert itself.
    # Rows get ascending ids in VALUES order, which is the chain's order (audit_chain_verify walks ids).
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 1000):
            page = rows[i:i + 1000]
            values = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(page))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", [v for row in page for v in row])
    AuditChainHead.objects.filter(id=1).update(last_hash=prev, count=models.F("count") + len(rows))
    return len(rows)
