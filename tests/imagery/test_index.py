"""The near-neighbour index finds exactly what a full scan finds (the scan is the oracle), in
memory for references and in the database for listing pictures and titles."""

import random

import numpy as np
import pytest
from django.db import connection, transaction

from certificates import fingerprints as fp
from imagery.index import BinaryIndex, linear_search, words_from_ints
from imagery.matching import listings_near_image, near_owners_many, near_rows, near_rows_sql, title_simhash
from imagery.models import ListingImage, TitleFingerprint


def _near(rng, h: int, bits: int, flips: int) -> int:
    for b in rng.sample(range(bits), flips):
        h ^= 1 << b
    return h


@pytest.mark.parametrize(("words", "max_distance"), [(1, 10), (1, 7), (4, 31)])
def test_the_index_finds_what_a_full_scan_finds(words, max_distance):
    rng = random.Random(words * 100 + max_distance)
    bits = 64 * words
    stored = [rng.getrandbits(bits) for _ in range(3000)]
    # Plant copies at every distance around the threshold.
    queries = []
    for d in range(0, max_distance + 3):
        base = rng.randrange(len(stored))
        queries.append(_near(rng, stored[base], bits, d))
    queries += [rng.getrandbits(bits) for _ in range(20)]
    table = words_from_ints(stored, words)
    index = BinaryIndex(table)
    q = words_from_ints(queries, words)
    batch = index.search_many(q, max_distance)
    for i in range(len(queries)):
        expected = linear_search(table, q[i], max_distance)
        assert index.search(q[i], max_distance) == expected
        assert batch[i] == expected
    assert any(batch[i] for i in range(len(queries)))  # the planted copies within reach were found


def test_a_distance_the_pigeonhole_cannot_cover_is_refused():
    index = BinaryIndex(words_from_ints([1, 2, 3], 1))
    with pytest.raises(ValueError, match="at most 2"):
        index.search(np.array([1], dtype=np.uint64), 12)


def test_an_empty_index_finds_nothing():
    assert BinaryIndex(np.zeros((0, 1), dtype=np.uint64)).search(np.array([5], dtype=np.uint64), 10) == []


def _store_images(world, hashes):
    listing = world.listings_a[0]
    rows = []
    for i, h in enumerate(hashes):
        signed = fp.to_signed(h)
        b0, b1, b2, b3 = fp.bands(signed)
        rows.append(ListingImage(listing=world.listings_a[i % 3], position=i, origin="hash", status="ready",
                                 phash=signed, band0=b0, band1=b1, band2=b2, band3=b3))
    ListingImage.objects.bulk_create(rows)
    return listing


def _spread(rng, h: int, per_band: tuple[int, ...]) -> int:
    """`h` with per_band[i] bits flipped inside band i (band 0 the most significant 16 bits): the
    copies the pigeonhole is tightest on, e.g. 3, 3, 3, 2 at 11 bits is found through band 3 only."""
    for band, flips in enumerate(per_band):
        for b in rng.sample(range(16), flips):
            h ^= 1 << (16 * (3 - band) + b)
    return h


# Near copies of the targets: every distance up to 13, and at 6, 10 and 11 bits the flips spread
# so that a single band, probed at its own smaller radius, is the only one that can find them.
_SPREADS = [(1, 1, 1, 0), (2, 2, 1, 1), (2, 2, 2, 0), (3, 3, 3, 1), (1, 3, 3, 3), (3, 3, 3, 2), (3, 2, 3, 3),
            (3, 3, 3, 3)]


def _database_search_matches_a_scan(world):
    rng = random.Random(3)
    hashes = [rng.getrandbits(64) for _ in range(400)]
    targets = [hashes[17], hashes[90], hashes[301]]
    for target in targets:
        hashes += [_near(rng, target, 64, d) for d in range(14)]
        hashes += [_spread(rng, target, per_band) for per_band in _SPREADS]
    hashes += [hashes[17]]  # an exact duplicate
    _store_images(world, hashes)
    by_id = dict(ListingImage.objects.values_list("pk", "phash"))
    queries = targets + [_near(rng, targets[0], 64, 3), rng.getrandbits(64)]
    for max_distance in (0, 2, 3, 6, 7, 10, 11):
        for q in queries:
            found = near_rows(table=ListingImage._meta.db_table, column="phash", value=fp.to_signed(q),
                              max_distance=max_distance)
            expected = sorted(((pk, fp.hamming(h, q)) for pk, h in by_id.items()
                               if fp.hamming(h, q) <= max_distance), key=lambda t: (t[1], t[0]))
            assert found == expected, (max_distance, q)
    found = near_rows(table=ListingImage._meta.db_table, column="phash", value=fp.to_signed(targets[0]),
                      max_distance=11)
    assert len(found) >= 12 + 2 + len(_SPREADS) - 1  # 0..11 bits, the duplicate, the spreads within 11
    assert near_rows(table=ListingImage._meta.db_table, column="phash", value=fp.to_signed(targets[0]),
                     max_distance=11, limit=5) == found[:5]
    ranked = listings_near_image(phash=fp.to_signed(targets[0]), max_distance=10)
    assert ranked[0][1] == 0 and [d for _, d in ranked] == sorted(d for _, d in ranked)


def test_the_database_search_matches_a_scan(world):
    _database_search_matches_a_scan(world)


@pytest.mark.postgres
def test_the_database_search_matches_a_scan_on_postgresql(require_postgres, world):
    assert connection.vendor == "postgresql"
    _database_search_matches_a_scan(world)


def _scan_nodes(plan: dict) -> list[dict]:
    found = [plan] if plan["Node Type"].endswith("Scan") else []
    for child in plan.get("Plans", []):
        found += _scan_nodes(child)
    return found


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction
@pytest.mark.parametrize(("table", "column", "where", "index"), [
    ("imagery_listingimage", "phash", "AND phash IS NOT NULL", "img_band{}_cover"),
    ("imagery_titlefingerprint", "simhash", "", "title_band{}_cover"),
])
def test_a_database_lookup_reads_the_band_indexes_only(require_postgres, world, table, column, where, index):
    # The id and the hash ride in each band index: once vacuumed, PostgreSQL answers from the
    # indexes without reading a table page per candidate. (Scans other than by index are turned
    # off so that the plan of a tiny test table shows what the indexes can do.)
    rng = random.Random(5)
    _store_images(world, [rng.getrandbits(64) for _ in range(200)])
    for listing in world.listings_a + world.listings_b:
        h = fp.to_signed(rng.getrandbits(64))
        b0, b1, b2, b3 = fp.bands(h)
        TitleFingerprint.objects.create(listing=listing, simhash=h, band0=b0, band1=b1, band2=b2, band3=b3)
    with connection.cursor() as cur:
        cur.execute(f"VACUUM ANALYZE {table}")
        with transaction.atomic():
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("SET LOCAL enable_bitmapscan = off")
            # 3 bits: one probe value per band (fp.band_radii(3) == [0, 0, 0, 0]), all four bands
            # probed. At 11 bits each band probes 548 values, and on a table this small the planner
            # rightly prefers walking one whole index to 548 probes; at 1M rows it probes
            # (bench/image_match_bench.py prints that plan).
            assert fp.band_radii(3) == [0, 0, 0, 0]
            sql, params = near_rows_sql(table=table, column=column, value=fp.to_signed(12345), max_distance=3,
                                        extra_where=where)
            cur.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cur.fetchone()[0][0]["Plan"]
    scans = _scan_nodes(plan)
    assert sorted((n["Node Type"], n["Index Name"]) for n in scans) == [
        ("Index Only Scan", index.format(i)) for i in range(4)]


def test_each_band_is_probed_at_the_smallest_radius_the_pigeonhole_allows():
    # Hashes within d bits agree on some band i within r_i bits when sum(r_i + 1) > d: the radii
    # add up to exactly that, and -1 leaves a band out.
    assert fp.band_radii(11) == [2, 2, 2, 2]
    assert fp.band_radii(10) == [2, 2, 2, 1]
    assert fp.band_radii(7) == [1, 1, 1, 1]
    assert fp.band_radii(6) == [1, 1, 1, 0]
    assert fp.band_radii(2) == [0, 0, 0, -1]
    assert fp.band_radii(0) == [0, -1, -1, -1]
    for d in range(12):
        assert sum(r + 1 for r in fp.band_radii(d)) == d + 1
    with pytest.raises(ValueError, match="at most 2"):
        fp.band_radii(12)
    with pytest.raises(ValueError, match="at most 2"):
        near_rows(table=ListingImage._meta.db_table, column="phash", value=0, max_distance=12)


def test_titles_fingerprint_alike_when_reworded_slightly():
    a = title_simhash("ACME wireless earbuds with charging case, black")
    b = title_simhash("Acme Wireless Earbuds with charging case - BLACK")
    c = title_simhash("Garden hose 25 m, green, brass fittings")
    assert fp.hamming(a, b) == 0
    assert fp.hamming(a, c) > 12


def test_a_batch_search_finds_per_owner_what_a_full_scan_finds(world):
    # near_owners_many: many values in one statement; per value's owner, the other owners with a
    # row within reach and their nearest distance (the owner's own rows left out).
    rng = random.Random(11)
    hashes = [rng.getrandbits(64) for _ in range(300)]
    for target in hashes[:3]:
        hashes += [_near(rng, target, 64, d) for d in range(13)]
        hashes += [_spread(rng, target, per_band) for per_band in _SPREADS]
    _store_images(world, hashes)
    rows = list(ListingImage.objects.values_list("pk", "listing_id", "phash"))
    values = [(owner, h) for _, owner, h in rows[:3]] + [(world.listings_b[0].pk, fp.to_signed(hashes[1]))]
    removed = {world.listings_a[1].pk}
    for max_distance in (6, 10, 11):
        expected: dict[int, dict[int, int]] = {}
        for owner, h in values:
            for _, other, stored in rows:
                d = fp.hamming(h, stored)
                if other != owner and d <= max_distance:
                    near = expected.setdefault(owner, {})
                    near[other] = min(d, near.get(other, d))
        found = near_owners_many(table=ListingImage._meta.db_table, column="phash", values=values,
                                 max_distance=max_distance, extra_where="AND phash IS NOT NULL")
        assert found == expected and found
        only = near_owners_many(table=ListingImage._meta.db_table, column="phash", values=values,
                                max_distance=max_distance, extra_where="AND phash IS NOT NULL",
                                owners_in=ListingImage.objects.filter(listing_id__in=removed)
                                .values_list("listing_id", flat=True))
        assert only == {o: {k: d for k, d in near.items() if k in removed}
                        for o, near in expected.items() if removed & set(near)}
