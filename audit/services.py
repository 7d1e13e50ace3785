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


def audit_append(*, actor, action: str, target: "models.Model | AuditTarget", data: dict | None = None) -> None:
    """Append one entry to the chain. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append must run inside the change's transaction")
    audit_append_many(actor=actor, entries=[(action, target, data)])


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
    """Append many entries (action, target, data) chained in order, under one lock of the head.
    Must run inside the transaction of the changes it records. Returns how many were appended.

    Everything that can be prepared (targets' readable copies, JSON) is prepared before the head is
    locked: the lock is held from here to the commit by every audited write, so what runs under it
    is one locking read and one statement per 1,000 entries (the INSERT and the head's move together).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append_many must run inside the change's transaction")
    if not entries:
        return 0
    created_at = timezone.now()
    actor_repr = actor.get_username() if actor is not None else "system"
    actor_id = actor.pk if actor is not None else None
    prepared = []
    for action, target, data in entries:
        target_type, target_id, target_repr = _target_fields(target)
        prepared.append((action, target_type, target_id, target_repr, json.loads(json.dumps(data or {}, default=str))))
    # Race: two transactions appending at once would both link to the same previous hash;
    # the head row lock makes the second wait for the first to commit.
    prev = _lock_head()
    rows = []
    for action, target_type, target_id, target_repr, data in prepared:
        digest = entry_digest(prev_hash=prev, created_at=created_at, actor_repr=actor_repr, action=action,
                              target_type=target_type, target_id=target_id, target_repr=target_repr, data=data)
        rows.append((created_at, actor_id, actor_repr, action, target_type, target_id, target_repr,
                     json.dumps(data), prev, digest))
        prev = digest
    # Raw multi-row INSERT: building 1,000s of model instances cost more than the insert itself.
    # Rows get ascending ids in VALUES order, which is the chain's order (audit_chain_verify walks ids).
    # On PostgreSQL the last page's INSERT and the head's UPDATE go as one statement (one round trip).
    entry_table = connection.ops.quote_name(AuditEntry._meta.db_table)
    head_table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    row_sql = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 1000):
            page = rows[i:i + 1000]
            insert = f"INSERT INTO {entry_table} ({columns}) VALUES {', '.join([row_sql] * len(page))}"
            params = [v for row in page for v in row]
            if i + 1000 < len(rows) or connection.vendor != "postgresql":
                cursor.execute(insert, params)
            else:  # PostgreSQL runs a data-modifying WITH; SQLite cannot, and takes two statements
                cursor.execute(f"WITH appended AS ({insert} RETURNING 1) UPDATE {head_table} "
                               "SET last_hash = %s, count = count + %s WHERE id = 1", [*params, prev, len(rows)])
                return len(rows)
        cursor.execute(f"UPDATE {head_table} SET last_hash = %s, count = count + %s WHERE id = 1", [prev, len(rows)])
    return len(rows)


def _lock_head() -> str:
    """Lock the chain's head row and return the newest hash (creating the head on first use)."""
    lock = connection.ops.for_update_sql() if connection.features.has_select_for_update else ""
    for _ in range(2):
        with connection.cursor() as cursor:  # on every audited write: SQL, not the ORM's query building
            cursor.execute(f"SELECT last_hash FROM {connection.ops.quote_name(AuditChainHead._meta.db_table)} "
                           f"WHERE id = 1 {lock}")
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        AuditChainHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS})
    raise RuntimeError("the audit chain head could not be created")
