import hashlib
import json
from typing import NamedTuple

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from common.db import insert_rows

from . import signing
from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64
HASH_VERSION = 2  # what the linker writes now; 1 is verified the old way (entry_digest_v1)
REFUSED = 0  # hash_version of an unlinked entry the linker refused (no valid mac)


def entry_digest(*, prev_hash: str, created_at, actor_repr: str, action: str, target_type: str,
                 target_id: int, target_repr: str, data: dict) -> str:
    """Version 1: entries linked before the actor and the place were hashed."""
    payload = json.dumps(
        [prev_hash, created_at.isoformat(), actor_repr, action, target_type, int(target_id),
         target_repr, data],
        sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def entry_digest_v2(*, seq: int, prev_hash: str, created_at, actor_id, actor_repr: str, action: str,
                    target_type: str, target_id: int, target_repr: str, data: dict, mac: str) -> str:
    """Version 2: every field, the actor and the entry's place (seq) included."""
    payload = json.dumps(
        [2, int(seq), prev_hash, created_at.isoformat(), actor_id, actor_repr, action, target_type, int(target_id),
         target_repr, data, mac],
        sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def audit_append(*, actor, action: str, target: "models.Model | AuditTarget", data: dict | None = None) -> None:
    """Append one entry. Must run inside the transaction of the change it records.

    Written unlinked, without touching the chain's head: concurrent transactions (claims,
    decisions) never wait on each other here. audit_chain_pending links what is waiting, in
    commit order: with workers, the beat task every AUDIT_LINK_SECONDS (linking after every
    commit instead doubled claim-next's p95 with 8 claimers, bench/queue_bench.py); tasks
    in-process (no beat), right after the transaction commits (AUDIT_LINK_AFTER_COMMIT)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append must run inside the change's transaction")
    audit_schedule_link()
    _insert(_prepare(actor, [(action, target, data)]))


def audit_schedule_link() -> None:
    """Tasks in-process (no beat): link after this transaction commits, once however many entries it wrote.
    For code that writes entries in its own SQL (claim-next's one statement)."""
    if settings.AUDIT_LINK_AFTER_COMMIT and not any(
            callback[1] is _link_after_commit for callback in connection.run_on_commit):
        transaction.on_commit(_link_after_commit, robust=True)


def audit_sign_written(*, entries: list[dict]) -> None:
    """Give their mac to entries written in SQL of their own (claim-next's one statement), which
    cannot compute an HMAC: one UPDATE, in the same transaction. `entries` describe them with
    every field (as audit_append would take them), all about one target at one time."""
    if not entries:
        return
    first = entries[0]
    assert all((e["target_type"], e["target_id"], e["created_at"]) ==
               (first["target_type"], first["target_id"], first["created_at"]) for e in entries)
    cases, params = [], []
    for e in entries:
        cases.append("WHEN %s THEN %s")
        params += [e["action"], signing.entry_mac(**{**e, "data": json.loads(json.dumps(e["data"], default=str))})]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    actions = ", ".join(["%s"] * len(entries))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET mac = CASE action {' '.join(cases)} END WHERE seq IS NULL AND mac = '' "
                       f"AND target_type = %s AND target_id = %s AND created_at = %s AND action IN ({actions})",
                       [*params, first["target_type"], first["target_id"], first["created_at"],
                        *[e["action"] for e in entries]])


def _link_after_commit() -> None:
    audit_chain_pending(wait=False)


class AuditTarget(NamedTuple):
    """A target named without loading it as a model (bulk paths): its audit_label, pk and a
    readable copy (what str() of the object would say)."""

    label: str
    pk: int
    repr: str


def audit_label(target) -> str:
    """The name a model's entries are filed under: its `audit_label` if it sets one (a model that
    moved to another app keeps the name its history was written under, which each entry's hash
    covers), else app_label.model_name."""
    return getattr(target, "audit_label", None) or target._meta.label_lower


def _target_fields(target) -> tuple[str, int, str]:
    if isinstance(target, AuditTarget):
        return target.label, int(target.pk), target.repr[:300]
    return audit_label(target), int(target.pk), str(target)[:300]


_COLUMNS = ("created_at", "actor_id", "actor_repr", "action", "target_type", "target_id", "target_repr", "data",
            "seq", "prev_hash", "hash", "mac")


def audit_append_many(*, actor, entries: list[tuple[str, "models.Model | AuditTarget", dict | None]]) -> int:
    """Append many entries (action, target, data) in one bulk insert (common.db.insert_rows: COPY
    on PostgreSQL), unlinked like audit_append's (their ids ascend in order, and the linker links
    them in that order): for a report's cases, opened or linked together. Must run inside the
    transaction of the changes it records. Returns how many."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append_many must run inside the change's transaction")
    if not entries:
        return 0
    audit_schedule_link()
    return _insert(_prepare(actor, entries))


# json.dumps(data, default=str), with one encoder for every entry (json.dumps builds one per call).
_STORED = json.JSONEncoder(default=str)


def _prepare(actor, entries) -> list[tuple]:
    """Rows in _COLUMNS order, unlinked (seq and hash null, prev_hash empty)."""
    created_at = timezone.now()
    actor_repr = actor.get_username() if actor is not None else "system"
    actor_id = actor.pk if actor is not None else None
    stored = [_STORED.encode(data or {}) for _, _, data in entries]
    # Each entry's data as it reads back, which its mac covers: decoded in one call for all (a call
    # per entry cost more than the parsing, on a bulk path's thousand entries).
    decoded = json.loads("[" + ",".join(stored) + "]")
    named = [(action, *_target_fields(target)) for action, target, _ in entries]
    macs = signing.entry_macs(created_at=created_at, actor_id=actor_id, actor_repr=actor_repr,
                              entries=[(*fields, data) for fields, data in zip(named, decoded, strict=True)])
    return [(created_at, actor_id, actor_repr, action, target_type, target_id, target_repr, text, None, "", None, mac)
            for (action, target_type, target_id, target_repr), text, mac in zip(named, stored, macs, strict=True)]


def entry_mac_valid(*, created_at, actor_id, actor_repr, action, target_type, target_id, target_repr, data,
                    mac) -> bool:
    return signing.valid(signing.entry_mac(created_at=created_at, actor_id=actor_id, actor_repr=actor_repr,
                                           action=action, target_type=target_type, target_id=target_id,
                                           target_repr=target_repr, data=data), mac)


def _insert(rows: list[tuple]) -> int:
    insert_rows(AuditEntry._meta.db_table, _COLUMNS, rows)
    return len(rows)


_PENDING_FIELDS = ("created_at", "actor_id", "actor_repr", "action", "target_type", "target_id", "target_repr",
                   "data", "mac")


def audit_chain_pending(*, wait: bool = True, batch: int = 5000) -> int:
    """Link the entries still waiting, oldest id first, under the head's lock; returns how many.

    `wait=False` (after each commit): if another process is linking right now (a session advisory
    lock: one round trip to find out; or the head is held by the beat's run), return at once;
    what it leaves, the next run links. Safe to run anywhere, any number of times: an entry is
    linked once (its seq is set under the head's lock).
    """
    if not wait and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LINKER_LOCK])
            if not cursor.fetchone()[0]:
                return 0
        try:
            return _link_all(wait=False, batch=batch)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LINKER_LOCK])
    return _link_all(wait=wait, batch=batch)


def _link_all(*, wait: bool, batch: int) -> int:
    linked = 0
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    while True:
        result = _link_batch(table=table, wait=wait, batch=batch)
        if result is None:  # the head is held (another link run): it or the next run links these
            return linked
        values, handled = result
        linked += len(values)
        if handled < batch:
            return linked


# Key of the session advisory lock one after-commit linker holds at a time (an arbitrary constant).
LINKER_LOCK = 0x417564_1743


def _link_batch(*, table: str, wait: bool, batch: int) -> tuple[list[tuple], int] | None:
    """Link up to `batch` waiting entries in one transaction; returns ((id, seq, prev, hash) of
    each linked, how many were looked at), or None when `wait` is False and the head is held.
    An entry without a valid mac is not linked: it is marked refused (hash_version 0), and
    audit_verify reports it as inserted."""
    with transaction.atomic():
        head = _lock_head(wait=wait)
        if head is None:
            return None
        prev, count = head
        pending = list(AuditEntry.objects.filter(seq__isnull=True, hash_version__isnull=True).order_by("id")
                       .values_list("id", *_PENDING_FIELDS)[:batch])
        values, refused = [], []
        seq = count
        for pk, *row in pending:
            fields = dict(zip(_PENDING_FIELDS, row, strict=True))
            if not entry_mac_valid(**fields):
                refused.append(pk)  # not written by the portal (or edited since): never linked
                continue
            seq += 1
            digest = entry_digest_v2(seq=seq, prev_hash=prev, **fields)
            values.append((pk, seq, prev, digest))
            prev = digest
        if refused:
            AuditEntry.objects.filter(pk__in=refused).update(hash_version=REFUSED)
        if not values:
            return values, len(pending)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                rows_sql = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(values))
                cursor.execute(f"UPDATE {table} e SET seq = v.seq, prev_hash = v.prev, hash = v.hash, "
                               f"hash_version = {HASH_VERSION} "
                               f"FROM (VALUES {rows_sql}) AS v(id, seq, prev, hash) WHERE e.id = v.id",
                               [x for v in values for x in v])
            else:
                cursor.executemany(f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s, hash_version = "
                                   f"{HASH_VERSION} WHERE id = %s", [(seq, p, h, pk) for pk, seq, p, h in values])
            new_count = count + len(values)
            cursor.execute(f"UPDATE {connection.ops.quote_name(AuditChainHead._meta.db_table)} "
                           "SET last_hash = %s, count = %s, signature = %s WHERE id = 1",
                           [prev, new_count, signing.head_signature(count=new_count, last_hash=prev)])
        _publish_on_commit(new_count, prev)
        return values, len(pending)


def _publish_on_commit(count: int, last_hash: str) -> None:
    """After commit, publish the signed head outside the database (audit.signing), filed under
    the chain's first hash so each database's chain has its own record."""
    def publish():
        first = AuditEntry.objects.filter(seq=1).values_list("hash", flat=True).first()
        if first:
            signing.checkpoint_publish(chain=first, count=count, last_hash=last_hash)

    transaction.on_commit(publish, robust=True)


def _lock_head(*, wait: bool = True) -> tuple[str, int] | None:
    """Lock the chain's head row; return (newest hash, entries linked), or None when `wait` is
    False and another transaction holds it (another link run). Creates the head on first use."""
    ops = connection.ops
    lock = ops.for_update_sql(skip_locked=not wait) if connection.features.has_select_for_update else ""
    for _ in range(2):
        with connection.cursor() as cursor:  # on every linking: SQL, not the ORM's query building
            cursor.execute(f"SELECT last_hash, count FROM {ops.quote_name(AuditChainHead._meta.db_table)} "
                           f"WHERE id = 1 {lock}")
            row = cursor.fetchone()
        if row is not None:
            return row[0], row[1]
        created = AuditChainHead.objects.get_or_create(id=1, defaults={"last_hash": GENESIS})[1]
        if not created and not wait:
            return None  # it exists, so the locking read skipped it: held
    raise RuntimeError("the audit chain head could not be created")
