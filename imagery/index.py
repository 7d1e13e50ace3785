"""Near-neighbour search over binary hashes without scanning everything: multi-index hashing.

Split each hash into m 16-bit chunks. Two hashes within d bits agree on some chunk to within
r = d // m bits (pigeonhole: m · (r + 1) > d), so the candidates are the entries whose chunk equals
one of the query chunk's values within r bits (1 + 16 + 120 values for r = 2), and only they are
compared bit by bit. pHash (64 bits, m = 4, d = 7, r = 1; search by photo d = 11, r = 2) and PDQ
(256 bits, m = 16, d = 31, r = 1) use the same code.

Why this and not a BK-tree: a BK-tree's lookup at radius 10 of 64 visits a large part of the tree
in Python, one node at a time; here a lookup is a few array slices in NumPy, the same layout
PostgreSQL uses with four B-tree indexes (imagery.matching.near_rows), and it builds from
arrays in seconds at 1M entries. `bench/image_match_bench.py` measures it beside a
vectorized linear scan.

`BinaryIndex` keeps the entries in memory, per process (the references: imagery.matching); the
listing images, far more numerous and changing all the time, are searched in the database.
"""

from itertools import combinations

import numpy as np

CHUNK_BITS = 16
_VALUES = 1 << CHUNK_BITS


def _flip_masks(radius: int) -> np.ndarray:
    masks = [0]
    for r in range(1, radius + 1):
        for bits in combinations(range(CHUNK_BITS), r):
            masks.append(sum(1 << b for b in bits))
    return np.array(masks, dtype=np.int64)


_MASKS = {r: _flip_masks(r) for r in range(3)}


def words_from_ints(values: list[int], words: int) -> np.ndarray:
    """Python ints (signed or unsigned, `64 * words` bits) as an (n, words) uint64 array, most
    significant word first."""
    if words == 1:  # signed or unsigned 64-bit: reinterpret, no Python loop
        arr = np.array([v - (1 << 64) if v >= 1 << 63 else v for v in values], dtype=np.int64)
        return arr.view(np.uint64).reshape(-1, 1)
    mask = (1 << (64 * words)) - 1
    raw = b"".join((v & mask).to_bytes(8 * words, "big") for v in values)
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, words)


def words_from_hex(values: list[str], words: int) -> np.ndarray:
    """Hex strings of `64 * words` bits ("" for none: zeros) as an (n, words) uint64 array."""
    raw = b"".join(bytes.fromhex(v) if v else bytes(8 * words) for v in values)
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, words)


def _chunks(words: np.ndarray) -> np.ndarray:
    """(n, words) uint64 -> (n, 4 * words) 16-bit chunks as int64, most significant first."""
    parts = [((words[:, w] >> np.uint64(48 - 16 * k)) & np.uint64(0xFFFF)).astype(np.int64)
             for w in range(words.shape[1]) for k in range(4)]
    return np.stack(parts, axis=1)


class BinaryIndex:
    def __init__(self, words: np.ndarray):
        self.words = np.ascontiguousarray(words, dtype=np.uint64)
        self.size = len(self.words)
        chunks = _chunks(self.words) if self.size else np.zeros((0, 4 * self.words.shape[1]), dtype=np.int64)
        self.m = chunks.shape[1]
        # One CSR table for all chunks: chunk c's value v is row c * 65536 + v; `order` lists the
        # entries by (chunk, value) and `offsets` says where each row's run starts.
        keys = (chunks + (np.arange(self.m, dtype=np.int64) * _VALUES)[None, :]).T.reshape(-1)
        self.order = (np.argsort(keys, kind="stable") % max(self.size, 1)).astype(np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=self.m * _VALUES))])

    def radius(self, max_distance: int) -> int:
        r = max_distance // self.m
        if r > 2:
            raise ValueError(f"max_distance {max_distance} needs chunks within {r} bits; at most 2 are supported")
        return r

    def search_many(self, queries: np.ndarray, max_distance: int, batch: int = 32) -> list[list[tuple[int, int]]]:
        """For each query ((q, words) uint64), (position, distance) of every entry within
        `max_distance` bits, nearest first. Vectorized over slices of `batch` queries."""
        queries = np.ascontiguousarray(queries, dtype=np.uint64).reshape(-1, self.words.shape[1])
        if len(queries) > batch:
            out: list[list[tuple[int, int]]] = []
            for i in range(0, len(queries), batch):
                out += self.search_many(queries[i:i + batch], max_distance, batch)
            return out
        results: list[list[tuple[int, int]]] = [[] for _ in range(len(queries))]
        if not self.size or not len(queries):
            return results
        masks = _MASKS[self.radius(max_distance)]
        qchunks = _chunks(queries)  # (q, m)
        rows = ((qchunks + (np.arange(self.m, dtype=np.int64) * _VALUES)[None, :])[:, :, None]
                ^ masks[None, None, :]).reshape(len(queries), -1)  # the xor stays inside its chunk's row block
        starts = self.offsets[rows].reshape(-1)
        lengths = self.offsets[rows + 1].reshape(-1) - starts
        owner = np.repeat(np.arange(len(queries)), rows.shape[1])
        nonzero = lengths > 0
        starts, lengths, owner = starts[nonzero], lengths[nonzero], owner[nonzero]
        total = int(lengths.sum())
        if not total:
            return results
        # Concatenate the runs [start, start + length) without a Python loop.
        run_start = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        positions = np.repeat(starts - run_start, lengths) + np.arange(total)
        cand = self.order[positions]
        qid = np.repeat(owner, lengths)
        dist = np.bitwise_count(self.words[cand] ^ queries[qid]).sum(axis=1)
        keep = dist <= max_distance
        for q, pos, d in sorted(set(zip(qid[keep].tolist(), cand[keep].tolist(), dist[keep].tolist(),
                                        strict=True)), key=lambda t: (t[0], t[2], t[1])):
            results[q].append((pos, d))
        return results

    def search(self, query: np.ndarray, max_distance: int) -> list[tuple[int, int]]:
        return self.search_many(query.reshape(1, -1), max_distance)[0]


def linear_search(words: np.ndarray, query: np.ndarray, max_distance: int) -> list[tuple[int, int]]:
    """The plain alternative, vectorized: every entry compared (bench baseline and tests' oracle)."""
    dist = np.bitwise_count(words ^ query.reshape(1, -1)).sum(axis=1)
    hits = np.nonzero(dist <= max_distance)[0]
    return sorted(((int(p), int(dist[p])) for p in hits), key=lambda t: (t[1], t[0]))
