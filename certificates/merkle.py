"""RFC 9162 §2.1 Merkle tree hashing, inclusion and consistency proofs.

The tree is stored as its *perfect* subtrees: node (level, index) is the hash of leaves
[index·2^level, (index+1)·2^level). Every subtree the RFC's recursive definitions name is a
run of such nodes along its right edge, so a proof needs O(log n) stored nodes, which the
caller fetches in one query (`nodes_needed`) before hashing (`range_hash`).

Proof shapes follow the RFC's recursive PATH and SUBPROOF definitions, expressed over leaf
ranges; the verifiers are the RFC's iterative algorithms (§2.1.3.2, §2.1.4.2).
"""

import hashlib
from collections.abc import Callable, Iterable

Range = tuple[int, int]  # leaves [lo, hi)
NodeKey = tuple[int, int]  # (level, index)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_cover(lo: int, hi: int) -> list[NodeKey]:
    """The perfect subtrees whose hashes make up MTH(D[lo:hi]) as the RFC splits it, left to right.

    Only ranges the RFC's recursion produces are asked for: lo is a multiple of the largest
    power of two not above hi - lo, so the left part is always one perfect subtree."""
    keys: list[NodeKey] = []
    while hi > lo:
        n = hi - lo
        if n & (n - 1) == 0:
            level = n.bit_length() - 1
            keys.append((level, lo >> level))
            break
        k = _split(n)
        level = k.bit_length() - 1
        keys.append((level, lo >> level))
        lo += k
    return keys


def range_hash(lo: int, hi: int, node: Callable[[int, int], bytes]) -> bytes:
    """MTH(D[lo:hi]) from perfect-subtree hashes: node(level, index)."""
    if hi == lo:
        return EMPTY_ROOT
    parts = [node(level, index) for level, index in perfect_cover(lo, hi)]
    acc = parts[-1]
    for part in reversed(parts[:-1]):
        acc = node_hash(part, acc)
    return acc


def inclusion_ranges(m: int, n: int) -> list[Range]:
    """The subtrees whose hashes are PATH(m, D[0:n]) (RFC 9162 §2.1.3.1), leaf to root."""
    if not 0 <= m < n:
        raise ValueError("leaf index must be below the tree size")
    out: list[Range] = []
    lo, hi = 0, n
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < lo + k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo = lo + k
    out.reverse()
    return out


def consistency_ranges(m: int, n: int) -> list[Range]:
    """The subtrees whose hashes are PROOF(m, D[0:n]) (RFC 9162 §2.1.4.1); empty when m == n."""
    if not 0 < m <= n:
        raise ValueError("sizes must satisfy 0 < first <= second")
    out: list[Range] = []
    lo, hi, b = 0, n, True
    while True:
        size = hi - lo
        if m == size:
            if not b:
                out.append((lo, hi))
            break
        k = _split(size)
        if m <= k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo, m, b = lo + k, m - k, False
    out.reverse()
    return out


def nodes_needed(ranges: Iterable[Range]) -> set[NodeKey]:
    keys: set[NodeKey] = set()
    for lo, hi in ranges:
        keys.update(perfect_cover(lo, hi))
    return keys


def nodes_completed_by(index: int) -> list[NodeKey]:
    """The left siblings to read when appending leaf `index`: one per perfect subtree it completes."""
    keys = []
    level = 0
    while (index >> level) & 1:
        keys.append((level, (index >> level) ^ 1))
        level += 1
    return keys


def append_nodes(index: int, leaf: bytes, node: Callable[[int, int], bytes]) -> list[tuple[int, int, bytes]]:
    """The new perfect-subtree rows (level, index, hash) once leaf `index` is appended."""
    rows = [(0, index, leaf)]
    level, idx, acc = 0, index, leaf
    while idx & 1:
        acc = node_hash(node(level, idx ^ 1), acc)
        level, idx = level + 1, idx >> 1
        rows.append((level, idx, acc))
    return rows


# Verification (RFC 9162 §2.1.3.2 and §2.1.4.2), as a client runs it -----------------------

def verify_inclusion(*, leaf_index: int, tree_size: int, leaf: bytes, proof: list[bytes], root: bytes) -> bool:
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(*, first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: list[bytes]) -> bool:
    if first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: first_root is itself a node of the path
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
