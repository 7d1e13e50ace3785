"""The near-neighbour index finds exactly what a full scan finds (the scan is the oracle), in
memory for references and in the database for listing pictures and titles."""

import random

import numpy as np
import pytest
from django.db import connection

from certificates import fingerprints as fp
from imagery.index import BinaryIndex, linear_search, words_from_ints
from imagery.matching import listings_near_image, near_rows, title_simhash
from imagery.models import ListingImage


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


def _database_search_matches_a_scan(world):
    rng = random.Random(3)
    hashes = [rng.getrandbits(64) for _ in range(400)]
    target = hashes[17]
    hashes += [_near(rng, target, 64, d) for d in (1, 4, 9, 10, 11, 12)]
    _store_images(world, hashes)
    found = near_rows(table=ListingImage._meta.db_table, column="phash", value=fp.to_signed(target),
                      max_distance=10)
    by_id = dict(ListingImage.objects.values_list("pk", "phash"))
    expected = sorted(((pk, fp.hamming(h, target)) for pk, h in by_id.items() if fp.hamming(h, target) <= 10),
                      key=lambda t: (t[1], t[0]))
    assert found == expected and len(found) >= 4
    ranked = listings_near_image(phash=fp.to_signed(target), max_distance=10)
    assert ranked[0][1] == 0 and [d for _, d in ranked] == sorted(d for _, d in ranked)


def test_the_database_search_matches_a_scan(world):
    _database_search_matches_a_scan(world)


@pytest.mark.postgres
def test_the_database_search_matches_a_scan_on_postgresql(require_postgres, world):
    assert connection.vendor == "postgresql"
    _database_search_matches_a_scan(world)


def test_titles_fingerprint_alike_when_reworded_slightly():
    a = title_simhash("ACME wireless earbuds with charging case, black")
    b = title_simhash("Acme Wireless Earbuds with charging case - BLACK")
    c = title_simhash("Garden hose 25 m, green, brass fittings")
    assert fp.hamming(a, b) == 0
    assert fp.hamming(a, c) > 12
