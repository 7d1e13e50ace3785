"""The Merkle log in the database: appending a leaf, signing tree heads, reading proofs.

Every read of a proof or root fetches the O(log n) perfect-subtree rows it needs in one query.
"""

import base64
import time

from django.db import transaction

from . import merkle
from .canonical import canonical_json
from .logkey import public_key_raw, signing_key
from .models import LogHead, LogKey, LogNode, TreeHead


class ProofError(Exception):
    """A proof was asked for sizes or indexes the log cannot answer; the message says which."""


def nodes_fetch(keys) -> dict[tuple[int, int], bytes]:
    keys = set(keys)
    if not keys:
        return {}
    found: dict[tuple[int, int], bytes] = {}
    by_level: dict[int, list[int]] = {}
    for level, index in keys:
        by_level.setdefault(level, []).append(index)
    from django.db.models import Q

    q = Q()
    for level, indexes in by_level.items():
        q |= Q(level=level, index__in=indexes)
    for level, index, h in LogNode.objects.filter(q).values_list("level", "index", "hash"):
        found[(level, index)] = bytes(h)
    missing = keys - found.keys()
    if missing:
        raise RuntimeError(f"log nodes missing: {sorted(missing)[:5]}; run manage.py log_verify")
    return found


def _getter(nodes):
    return lambda level, index: nodes[(level, index)]


def log_lock() -> LogHead:
    """Lock the log's head row for this transaction: appends are serialized here, and so is the
    duplicate search that precedes them (two registrations of one work would otherwise both see
    none, then both append)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log_lock must run inside the append's transaction")
    LogHead.objects.bulk_create([LogHead(pk=1)], ignore_conflicts=True)
    return LogHead.objects.select_for_update().get(pk=1)


def log_append(*, head: LogHead, entry_bytes: bytes) -> tuple[int, bytes]:
    """Append one leaf under the lock; returns (leaf index, new root). The caller signs a head."""
    index = head.tree_size
    leaf = merkle.leaf_hash(entry_bytes)
    siblings = nodes_fetch(merkle.nodes_completed_by(index))
    rows = merkle.append_nodes(index, leaf, _getter(siblings))
    LogNode.objects.bulk_create([LogNode(level=lv, index=ix, hash=h) for lv, ix, h in rows])
    size = index + 1
    cover = {(lv, ix): h for lv, ix, h in rows}
    cover.update(nodes_fetch(set(merkle.perfect_cover(0, size)) - cover.keys()))
    root = merkle.range_hash(0, size, _getter(cover))
    head.tree_size = size
    head.save(update_fields=["tree_size"])
    return index, root


def sth_payload(*, tree_size: int, root_hash: bytes, timestamp: int) -> bytes:
    """What a tree head's signature covers: the canonical JSON of its other three fields."""
    return canonical_json({"tree_size": tree_size, "root_hash": base64.b64encode(root_hash).decode(),
                           "timestamp": timestamp})


def sth_sign(*, tree_size: int, root_hash: bytes) -> TreeHead:
    """Sign and store a tree head for `tree_size` (inside the append's transaction, or alone)."""
    key = signing_key()
    log_key, _ = LogKey.objects.get_or_create(public_key=public_key_raw())
    timestamp = int(time.time() * 1000)
    latest = TreeHead.objects.order_by("-tree_size").values_list("timestamp", flat=True).first()
    if latest is not None and timestamp < latest:
        timestamp = latest  # heads never go back in time, even if this machine's clock does
    signature = key.sign(sth_payload(tree_size=tree_size, root_hash=root_hash, timestamp=timestamp))
    return TreeHead.objects.create(tree_size=tree_size, root_hash=root_hash, timestamp=timestamp,
                                   signature=signature, key=log_key)


def root_at(size: int) -> bytes:
    nodes = nodes_fetch(merkle.perfect_cover(0, size))
    return merkle.range_hash(0, size, _getter(nodes))


def _hashes(ranges) -> list[bytes]:
    nodes = nodes_fetch(merkle.nodes_needed(ranges))
    return [merkle.range_hash(lo, hi, _getter(nodes)) for lo, hi in ranges]


def tree_size() -> int:
    return LogHead.objects.filter(pk=1).values_list("tree_size", flat=True).first() or 0


def inclusion_proof(*, leaf_index: int, size: int) -> list[bytes]:
    """RFC 9162 §2.1.3 inclusion proof of leaf `leaf_index` in the tree of `size` leaves."""
    current = tree_size()
    if size > current:
        raise ProofError(f"tree_size {size} is beyond the log, which has {current} entries.")
    if not 0 <= leaf_index < size:
        raise ProofError(f"leaf_index must be from 0 to {size - 1} for a tree of {size} entries.")
    return _hashes(merkle.inclusion_ranges(leaf_index, size))


def consistency_proof(*, first: int, second: int) -> list[bytes]:
    """RFC 9162 §2.1.4 consistency proof between the trees of `first` and `second` leaves."""
    current = tree_size()
    if second > current:
        raise ProofError(f"second ({second}) is beyond the log, which has {current} entries.")
    if not 0 < first <= second:
        raise ProofError("first must be at least 1 and at most second.")
    return _hashes(merkle.consistency_ranges(first, second))


def sth_latest() -> TreeHead | None:
    return TreeHead.objects.order_by("-tree_size").first()


def sth_publish() -> TreeHead | None:
    """Sign a head for the current size when the log has grown past the latest head; else None.

    Registration signs a head for each entry it appends (the receipt), so this is the safety net
    for entries appended otherwise, and what beat runs (certificates.tasks.publish_sth)."""
    with transaction.atomic():
        head = log_lock()
        latest = sth_latest()
        if head.tree_size == 0 or (latest is not None and latest.tree_size >= head.tree_size):
            return None
        return sth_sign(tree_size=head.tree_size, root_hash=root_at(head.tree_size))
