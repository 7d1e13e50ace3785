"""Reads that match pictures and titles: listing images against the references of verified
rights (in memory, per process), listing images near a photo (search by image, re-listings) and
listings whose title is near another's (re-listings), both from the band indexes in the database.
"""

import functools
import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max

from certificates import fingerprints as fp
from certificates.models import Certificate, FingerprintKind
from common.db import int_array
from registry.models import RightStatus

from .index import BinaryIndex, words_from_hex, words_from_ints
from .models import ImageStatus, ListingImage, ReferenceImage

REF_REFERENCE = "reference"
REF_CERTIFICATE = "certificate"


@dataclass(frozen=True)
class ImageMatch:
    listing_id: int
    listing_image_id: int
    right_id: int
    brand_id: int
    ref_kind: str  # REF_REFERENCE or REF_CERTIFICATE
    ref_id: int
    distance: int
    hash_kind: str  # "phash" or "pdq"

    def detection(self) -> dict:
        """What a case keeps of the pair (the reviewer's side-by-side view reads it)."""
        return {"listing_image": self.listing_image_id, "reference_kind": self.ref_kind, "reference": self.ref_id,
                "distance": self.distance, "hash": self.hash_kind,
                "bits": 64 if self.hash_kind == "phash" else 256}


# Views of a picture (imagery.hashes): the whole, without the bottom 15%, mirrored.
FULL, CROP, MIRROR = 0, 1, 2
# Which view of a listing picture is compared with which views of a reference.
COMPATIBLE = {FULL: (FULL, MIRROR), CROP: (CROP,)}


class ReferenceIndex:
    """Every reference picture (ReferenceImage rows and image certificates with a right) in three
    views, their pHashes in one multi-index table (64 bits) and the PDQ of each view beside them.

    A listing picture matches a reference when one of its views (whole, or without the bottom
    15%) is within IMAGERY_MATCH_BITS of a compatible view of the reference (the whole or its
    mirror; the cropped view) and, where both sides have a PDQ, the two PDQs are within
    IMAGERY_PDQ_VERIFY_BITS: pHash finds candidates fast, PDQ's 256 bits confirm them (simple logos
    share pHash bits by chance; their PDQs do not). Marketplace PDQ hashes use their own table.
    """

    def __init__(self, refs: list[tuple]):
        # refs: (ref kind, ref id, right id, brand id, [(view, signed pHash, pdq hex or ""), ...])
        self.refs = refs
        owners, views, hashes, pdqs = [], [], [], []
        for pos, ref in enumerate(refs):
            for view, phash, pdq in ref[4]:
                owners.append(pos)
                views.append(view)
                hashes.append(phash)
                pdqs.append(pdq)
        self.owner = np.array(owners, dtype=np.int64)
        self.view = np.array(views, dtype=np.int8)
        self.has_pdq = np.array([bool(p) for p in pdqs], dtype=bool)
        self.pdq_words = words_from_hex(pdqs, 4)
        self.words = words_from_ints(hashes, 1)
        # One table per side of COMPATIBLE, so a query reads only the views it may match: the whole
        # picture and its mirror for a whole listing picture, the cropped view for a cropped one.
        self.sides = {}
        for view, allowed in COMPATIBLE.items():
            entries = np.nonzero(np.isin(self.view, allowed))[0].astype(np.int64)
            self.sides[view] = (entries, BinaryIndex(self.words[entries]))
        full_pdq = [i for i, p in enumerate(pdqs) if p and views[i] == FULL]
        self.pdq_entries = full_pdq
        self.pdq = BinaryIndex(self.pdq_words[full_pdq] if full_pdq else np.zeros((0, 4), dtype=np.uint64))

    def match(self, *, phash: int | None, pdq: str, crop_phash: int | None = None,
              crop_pdq: str = "") -> list[tuple[int, int, str]]:
        """(ref position, pHash or PDQ distance, hash kind) of the references a listing picture
        matches, nearest first, one per reference."""
        return self.match_many([(phash, pdq, crop_phash, crop_pdq)])[0]

    def match_many(self, pictures: list[tuple]) -> list[list[tuple[int, int, str]]]:
        """`match` for many listing pictures ((phash, pdq, crop_phash, crop_pdq) each): one
        vectorized lookup for all their views."""
        out: list[list[tuple[int, int, str]]] = [[] for _ in pictures]
        queries = []  # (picture, view, phash, pdq)
        for i, (phash, pdq, crop_phash, crop_pdq) in enumerate(pictures):
            if phash is None:
                if pdq:
                    q = words_from_hex([pdq], 4)[0]
                    out[i] = [(int(self.owner[self.pdq_entries[pos]]), d, "pdq")
                              for pos, d in self.pdq.search(q, settings.IMAGERY_PDQ_MATCH_BITS)]
                continue
            queries.append((i, FULL, phash, pdq))
            if crop_phash is not None:
                queries.append((i, CROP, crop_phash, crop_pdq))
        if not queries or not len(self.words):
            return out
        found: list = [None] * len(queries)
        for view, (side_entries, side) in self.sides.items():
            mine = [qi for qi, q in enumerate(queries) if q[1] == view]
            if not mine:
                continue
            hits = side.search_many(words_from_ints([queries[qi][2] for qi in mine], 1), settings.IMAGERY_MATCH_BITS)
            for qi, h in zip(mine, hits, strict=True):
                found[qi] = [(int(side_entries[pos]), d) for pos, d in h]
        own_pdq = words_from_hex([q[3] for q in queries], 4)
        best: list[dict[int, int]] = [{} for _ in pictures]
        for qi, ((i, _, _, pdq), hits) in enumerate(zip(queries, found, strict=True)):
            if not hits:
                continue
            entries = np.fromiter((e for e, _ in hits), dtype=np.int64, count=len(hits))
            keep = np.ones(len(hits), dtype=bool)
            if pdq:
                pdq_d = np.bitwise_count(self.pdq_words[entries] ^ own_pdq[qi]).sum(axis=1)
                keep &= ~self.has_pdq[entries] | (pdq_d <= settings.IMAGERY_PDQ_VERIFY_BITS)
            for (entry, d), ok in zip(hits, keep.tolist(), strict=True):
                owner = int(self.owner[entry])
                if ok and d < best[i].get(owner, 65):
                    best[i][owner] = d
        for i, b in enumerate(best):
            if b:
                out[i] = sorted(((pos, d, "phash") for pos, d in b.items()), key=lambda t: (t[1], t[0]))
        return out


def _reference_rows() -> list[tuple]:
    rows = [(REF_REFERENCE, pk, right_id, brand_id, [(FULL, phash, pdq), (CROP, crop, crop_pdq),
                                                     (MIRROR, mirror, mirror_pdq)])
            for pk, right_id, brand_id, phash, pdq, crop, crop_pdq, mirror, mirror_pdq in
            ReferenceImage.objects.values_list("pk", "right_id", "right__brand_id", "phash", "pdq", "crop_phash",
                                               "crop_pdq", "mirror_phash", "mirror_pdq")]
    rows += [(REF_CERTIFICATE, pk, right_id, brand_id, [(FULL, h, "")]) for pk, right_id, brand_id, h in
             Certificate.objects.filter(fingerprint_kind=FingerprintKind.PHASH, right__isnull=False)
             .values_list("pk", "right_id", "right__brand_id", "fingerprint")]
    return rows


def _reference_version() -> tuple:
    """Changes whenever a reference is added or removed, or a certificate gets a right."""
    refs = ReferenceImage.objects.aggregate(n=Count("id"), m=Max("id"))
    certs = Certificate.objects.filter(fingerprint_kind=FingerprintKind.PHASH, right__isnull=False).aggregate(
        n=Count("id"), m=Max("id"))
    return (refs["n"], refs["m"], certs["n"], certs["m"])


_lock = threading.Lock()
_cached: tuple[tuple, ReferenceIndex] | None = None


def current_reference_index() -> ReferenceIndex:
    """This process's reference index, rebuilt when the references changed since it was built."""
    global _cached
    version = _reference_version()
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != version:
            _cached = (version, ReferenceIndex(_reference_rows()))
        return _cached[1]


def reference_index_forget() -> None:
    global _cached
    _cached = None


def image_matches(*, listing_ids: Iterable[int], brand_ids: set[int] | None = None) -> dict[int, list[ImageMatch]]:
    """For each listing, its current ready images near a reference of a verified right: the
    nearest pair per right. `brand_ids` limits it to those brands (a re-check)."""
    images = list(ListingImage.objects.filter(listing_id__any=listing_ids, current=True, status=ImageStatus.READY)
                  .values_list("pk", "listing_id", "phash", "pdq", "crop_phash", "crop_pdq"))
    if not images:
        return {}
    index = current_reference_index()
    if not index.refs:
        return {}
    found: dict[tuple[int, int], ImageMatch] = {}
    matched = index.match_many([row[2:] for row in images])  # (phash, pdq, crop_phash, crop_pdq)
    for (image_id, listing_id, *_), hits in zip(images, matched, strict=True):
        for pos, distance, hash_kind in hits:
            ref_kind, ref_id, right_id, brand_id, _ = index.refs[pos]
            if brand_ids is not None and brand_id not in brand_ids:
                continue
            best = found.get((listing_id, right_id))
            if best is None or distance < best.distance:
                found[(listing_id, right_id)] = ImageMatch(listing_id, image_id, right_id, brand_id, ref_kind, ref_id,
                                                           distance, hash_kind)
    if not found:
        return {}
    from registry.models import IPRight

    verified = set(IPRight.objects.filter(pk__in={m.right_id for m in found.values()}, status=RightStatus.VERIFIED)
                   .values_list("pk", flat=True))
    out: dict[int, list[ImageMatch]] = {}
    for match in found.values():
        if match.right_id in verified:
            out.setdefault(match.listing_id, []).append(match)
    return out


# --- database multi-index search ------------------------------------------------------------

def _band_probes(value: int, max_distance: int) -> list[tuple[int, list[int]]]:
    """(band number, the values its index is probed for) of the bands a lookup reads."""
    return [(i, fp.near_values(band, r)) for i, (band, r) in
            enumerate(zip(fp.bands(value), fp.band_radii(max_distance), strict=True)) if r >= 0]


def near_rows_sql(*, table: str, column: str, value: int, max_distance: int, extra_where: str = "",
                  limit: int = 200) -> tuple[str, list]:
    """near_rows' PostgreSQL statement and its parameters: one index scan per band, `band = ANY(the
    probed values)`, the Hamming test in the scan, the bands' rows merged by UNION. The values go as
    one array literal per band (common.db.int_array): as ARRAY[1, 2, …], PostgreSQL spent longer
    reading the 548 values of an 11-bit lookup than finding them."""
    probes = _band_probes(value, max_distance)
    sql = " UNION ".join(
        f"SELECT id, bit_count(({column} # %s)::bit(64)) AS d FROM {table} WHERE band{i} = ANY(%s::int[]) "
        f"AND bit_count(({column} # %s)::bit(64)) <= %s {extra_where}" for i, _ in probes)
    params: list = []
    for _, vs in probes:
        params += [value, int_array(vs), value, max_distance]
    return f"SELECT id, d FROM ({sql}) AS near ORDER BY d, id LIMIT %s", [*params, limit]


def near_rows(*, table: str, column: str, value: int, max_distance: int, extra_where: str = "",
              limit: int = 200) -> list[tuple[int, int]]:
    """(row id, distance) of rows of `table` whose 64-bit `column` is within `max_distance` bits of
    `value`, nearest first. Multi-index hashing over the table's band indexes on (band<i>, column,
    id): each band's candidates are read from its index alone (an index-only scan, the Hamming test
    on the index entries; an index without the id made PostgreSQL read a table page per candidate,
    about 2,000 per band at 1M rows), and only the matches leave the database. Each band is probed
    at its own pigeonhole radius (fp.band_radii). SQLite filters candidates in Python."""
    if connection.vendor == "postgresql":
        sql, params = near_rows_sql(table=table, column=column, value=value, max_distance=max_distance,
                                    extra_where=extra_where, limit=limit)
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return [(row[0], row[1]) for row in cur.fetchall()]
    probes = _band_probes(value, max_distance)
    placeholders = " OR ".join(f"band{i} IN ({','.join('%s' for _ in vs)})" for i, vs in probes)
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, {column} FROM {table} WHERE ({placeholders}) {extra_where}",
                    [v for _, vs in probes for v in vs])
        found = [(pk, fp.hamming(value, h)) for pk, h in cur.fetchall() if h is not None]
    return sorted((t for t in found if t[1] <= max_distance), key=lambda t: (t[1], t[0]))[:limit]


def listings_near_image(*, phash: int, max_distance: int, limit: int = 50) -> list[tuple[int, int]]:
    """(listing id, distance) of listings whose current image is within `max_distance` bits of
    `phash`, nearest first, one row per listing."""
    rows = near_rows(table=ListingImage._meta.db_table, column="phash", value=phash, max_distance=max_distance,
                     extra_where="AND phash IS NOT NULL", limit=limit * 4)
    current = dict(ListingImage.objects.filter(pk__in=[r[0] for r in rows], current=True)
                   .values_list("pk", "listing_id"))
    best: dict[int, int] = {}
    for pk, d in rows:
        lid = current.get(pk)
        if lid is not None and (lid not in best or d < best[lid]):
            best[lid] = d
    return sorted(best.items(), key=lambda t: (t[1], t[0]))[:limit]


def title_simhash(title: str) -> int:
    """64-bit SimHash (signed) of a title's normalized words and word pairs: titles are short, so
    single words count too. The same normalization as certificates' text fingerprints."""
    return title_simhashes([title])[0]


def title_simhashes(titles: list[str]) -> list[int]:
    """title_simhash of each title, counted for the batch at once: every title's feature hashes in
    one array, unpacked to bits and summed per title (a sparse title-by-feature matrix times the
    bits), a bit set when more than half the title's features have it. A title without words
    hashes to 0."""
    from scipy import sparse

    feats_of = [_title_features(title) for title in titles]
    sizes = np.fromiter(map(len, feats_of), dtype=np.int64, count=len(titles))
    ends = np.cumsum(sizes)
    total = int(ends[-1]) if len(titles) else 0
    hashes = np.fromiter((_feature_hash(feat) for feats in feats_of for feat in feats), dtype="<u8", count=total)
    bits = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")  # bit b in column b
    owner = sparse.csr_matrix((np.ones(total, dtype=np.int32), np.arange(total), np.concatenate(([0], ends))),
                              shape=(len(titles), total))
    ones = owner @ bits.astype(np.int32)  # (titles, 64): how many of each title's features have the bit
    chosen = 2 * ones > sizes[:, None]
    out = np.packbits(chosen, axis=1, bitorder="little").view("<u8").ravel()
    return out.view("<i8").tolist()  # the signed BIGINT the database keeps (fp.to_signed)


def _title_features(title: str) -> set[str]:
    words = fp.normalize_text(title)
    return set(words) | {" ".join(words[i:i + 2]) for i in range(len(words) - 1)}


@functools.lru_cache(maxsize=65536)
def _feature_hash(feat: str) -> int:
    """A feature's 64-bit hash (cached: titles repeat their words)."""
    return int.from_bytes(hashlib.blake2b(feat.encode("utf-8"), digest_size=8).digest(), "big")


def near_owners_many(*, table: str, column: str, values: list[tuple[int, int]], max_distance: int,
                     extra_where: str = "", owners_in=None) -> dict[int, dict[int, int]]:
    """For each (owner, value) of `values`: {other owner: nearest distance} of the rows of `table`
    (an owner is a row's listing_id) whose 64-bit `column` is within `max_distance` bits of the
    value, the owner itself left out; `owners_in`, a values_list("listing_id", flat=True)
    queryset, keeps only those owners.

    One statement for all the values on PostgreSQL: per band, each value reads the band index at
    its band's flipped values (a lateral index-only scan, as near_rows: joined as a set, the
    planner chose to read the whole index), and only the matches are joined to the table for
    their owner. SQLite: near_rows per value."""
    out: dict[int, dict[int, int]] = {}
    if not values:
        return out
    if connection.vendor != "postgresql":
        allowed = set(owners_in) if owners_in is not None else None
        for owner, value in values:
            rows = near_rows(table=table, column=column, value=value, max_distance=max_distance,
                             extra_where=extra_where, limit=1_000_000)
            with connection.cursor() as cur:
                ids = ",".join(str(pk) for pk, _ in rows) or "NULL"
                cur.execute(f"SELECT id, listing_id FROM {table} WHERE id IN ({ids})")
                owners = dict(cur.fetchall())
            for pk, d in rows:
                other = owners[pk]
                if other != owner and (allowed is None or other in allowed):
                    near = out.setdefault(owner, {})
                    near[other] = min(d, near.get(other, d))
        return out
    radii = fp.band_radii(max_distance)
    selects, params = [], []
    qs = list(range(len(values)))
    hashes = [value for _, value in values]
    for i, r in enumerate(radii):
        if r < 0:
            continue
        selects.append(
            f"SELECT q.q, n.id, n.d FROM unnest(%s::int[], %s::bigint[], %s::int[]) AS q(q, h, b) "
            f"CROSS JOIN LATERAL (SELECT t.id, bit_count((t.{column} # q.h)::bit(64)) AS d FROM {table} t "
            f"WHERE t.band{i} = ANY(ARRAY(SELECT q.b # m FROM unnest(%s::int[]) AS m)) "
            f"AND bit_count((t.{column} # q.h)::bit(64)) <= %s {extra_where}) AS n")
        params += [int_array(qs), int_array(hashes), int_array(fp.bands(h)[i] for h in hashes),
                   int_array(fp.near_values(0, r)), max_distance]
    sql = (f"SELECT near.q, x.listing_id, near.d FROM ({' UNION '.join(selects)}) AS near "
           f"JOIN {table} x ON x.id = near.id")
    if owners_in is not None:
        owners_sql, owners_params = owners_in.query.sql_with_params()
        sql += f" WHERE x.listing_id IN ({owners_sql})"
        params += list(owners_params)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        found = cur.fetchall()
    for q, other, d in found:
        owner = values[q][0]
        if other != owner:
            near = out.setdefault(owner, {})
            near[other] = min(d, near.get(other, d))
    return out
