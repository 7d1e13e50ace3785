"""Image matching: quality on a labelled set made here, and speed against 1,000,000 references.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_images .venv/bin/python bench/image_match_bench.py

1. quality (no database): --pictures logos and --pictures product-like pictures are the references
   (tests/imagery/pictures.py: shapes and letters; shapes over gradients); eight copies of each
   (JPEG q30; resized 50% and 200%; a caption bar over the bottom 12%; that bar then JPEG q40;
   cropped 10%; mirrored; colour-shifted) and --unrelated pictures of other seeds. Printed per
   copy kind: recall (the copy within the threshold of its own reference) for pHash at
   IMAGERY_MATCH_BITS and PDQ at IMAGERY_PDQ_MATCH_BITS; then the false-positive rate (an
   unrelated picture within the threshold of any reference), among the labelled references and
   among --references (the labelled ones plus random fill).
2. matching speed, in memory, at --references entries: the portal's multi-index lookup
   (imagery.index.BinaryIndex, what imagery.matching uses per process), single and batched,
   p50/p95 per lookup and listing images/s; beside it, in the same run, the plain alternative: a
   vectorized NumPy scan of every reference (XOR + popcount), on --baseline-lookups lookups.
3. PostgreSQL at --pg-rows rows (skipped without a PostgreSQL DATABASE_URL or with --no-pg): the
   band-index lookup the portal runs for listing pictures (imagery.matching.near_rows: four 16-bit
   band indexes, distance in SQL), p50/p95; beside it a linear SQL scan (bit_count over every row).
   Uses a database named after DATABASE_URL's with "_bench" appended (dropped and re-created).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def quality(n_pictures: int, n_unrelated: int, n_references: int, phash_bits: int, pdq_bits: int):
    from certificates import fingerprints as fp
    from imagery.hashes import image_hash, pdq_distance
    from imagery.index import BinaryIndex, words_from_ints
    from tests.imagery.pictures import copies, jpeg, logo, product

    hashed, elapsed = 0, 0.0

    def h(img):
        nonlocal hashed, elapsed
        data = jpeg(img, 90)
        t = time.perf_counter()
        out = image_hash(data)
        elapsed += time.perf_counter() - t
        hashed += 1
        return out

    refs, by_kind = [], {}
    for seed in range(n_pictures):
        for base in (logo(seed), product(seed)):
            ref = h(base)
            refs.append(ref)
            for name, copy in copies(base).items():
                c = h(copy)
                by_kind.setdefault(name, []).append((fp.hamming(ref.phash, c.phash), pdq_distance(ref.pdq, c.pdq)))
    unrelated = [h(logo(100_000 + s) if s % 2 else product(100_000 + s)) for s in range(n_unrelated)]
    print(f"1. quality: {len(refs)} references ({n_pictures} logos, {n_pictures} product pictures) x "
          f"{len(by_kind)} copies, {n_unrelated} unrelated pictures; hashed {hashed:,} pictures at "
          f"{hashed / elapsed:,.0f} pictures/s (JPEG decode, checks, pHash, PDQ, thumbnail)")
    print(f"   {'copy':<20} {'pHash recall <=' + str(phash_bits):>18} {'median':>7} {'max':>4}   "
          f"{'PDQ recall <=' + str(pdq_bits):>16} {'median':>7}")
    for name, ds in by_kind.items():
        p = [d[0] for d in ds]
        q = [d[1] for d in ds]
        print(f"   {name:<20} {sum(d <= phash_bits for d in p) / len(p):>18.1%} {pct(p, 50):>7} {max(p):>4}   "
              f"{sum(d <= pdq_bits for d in q) / len(q):>16.1%} {pct(q, 50):>7}")
    ref_words = words_from_ints([r.phash for r in refs], 1)
    index = BinaryIndex(ref_words)
    fp_labelled = sum(bool(index.search(words_from_ints([u.phash], 1)[0], phash_bits)) for u in unrelated)
    pdq_index = BinaryIndex(words_from_ints([int(r.pdq, 16) for r in refs], 4))
    fp_pdq = sum(bool(pdq_index.search(words_from_ints([int(u.pdq, 16)], 4)[0], pdq_bits)) for u in unrelated)
    print(f"   false positives among the {len(refs)} labelled references: pHash {fp_labelled} of {n_unrelated} "
          f"({fp_labelled / n_unrelated:.2%}), PDQ {fp_pdq} of {n_unrelated} ({fp_pdq / n_unrelated:.2%})")
    rng = np.random.default_rng(11)
    fill = rng.integers(0, 2**63, size=(max(0, n_references - len(refs)), 1), dtype=np.uint64) * np.uint64(2) \
        + rng.integers(0, 2, size=(max(0, n_references - len(refs)), 1), dtype=np.uint64)
    big = BinaryIndex(np.concatenate([ref_words, fill]))
    fp_big = sum(bool(big.search(words_from_ints([u.phash], 1)[0], phash_bits)) for u in unrelated)
    print(f"   false positives among {big.size:,} references (labelled + uniformly random fill): pHash "
          f"{fp_big} of {n_unrelated} ({fp_big / n_unrelated:.2%})")
    pairs = [fp.hamming(a.phash, b.phash) for i, a in enumerate(refs) for b in refs[i + 1:]]
    print(f"   distinct references: closest pair {min(pairs)} bits; pairs within {phash_bits} bits: "
          f"{sum(d <= phash_bits for d in pairs)} of {len(pairs):,}")
    return refs, by_kind, unrelated, big


def speed(big, queries: np.ndarray, baseline_lookups: int, bits: int):
    from imagery.index import linear_search

    print(f"2. matching speed in memory against {big.size:,} references, {len(queries):,} listing images, "
          f"threshold {bits} bits")
    times = []
    t0 = time.perf_counter()
    single = []
    for q in queries:
        t = time.perf_counter()
        single.append(big.search(q, bits))
        times.append(time.perf_counter() - t)
    total = time.perf_counter() - t0
    print(f"   multi-index, one lookup at a time: {len(queries) / total:,.0f} listing images/s; "
          f"p50 {ms(pct(times, 50))}, p95 {ms(pct(times, 95))}, max {ms(max(times))}")
    for batch in (16, 64):
        t0 = time.perf_counter()
        batched = []
        for i in range(0, len(queries), batch):
            batched += big.search_many(queries[i:i + batch], bits)
        total = time.perf_counter() - t0
        assert batched == single, "batched and single lookups disagree"
        print(f"   multi-index, batches of {batch}: {len(queries) / total:,.0f} listing images/s")
    times = []
    sample = queries[:baseline_lookups]
    for i, q in enumerate(sample):
        t = time.perf_counter()
        found = linear_search(big.words, q, bits)
        times.append(time.perf_counter() - t)
        assert found == single[i], "the index missed what the scan found"
    rate = len(sample) / sum(times)
    print(f"   baseline, vectorized NumPy scan of every reference: {rate:,.0f} listing images/s; "
          f"p50 {ms(pct(times, 50))}, p95 {ms(pct(times, 95))} (n={len(sample)}; same answers as the index)")
    return single


def postgres(n_rows: int, lookups: int, planted: list[int], bits: int, loaded: bool, name: str) -> None:
    from _pg import copy_rows
    from django.db import connection

    from certificates import fingerprints as fp
    from imagery.matching import near_rows

    table = "bench_image_hash"
    rng = random.Random(5)
    with connection.cursor() as cur:
        if not loaded:
            cur.execute(f"CREATE TABLE {table} (id bigserial PRIMARY KEY, phash bigint NOT NULL, band0 int NOT NULL, "
                        "band1 int NOT NULL, band2 int NOT NULL, band3 int NOT NULL)")
            t0 = time.perf_counter()

            def rows():
                for h in planted:
                    yield (h, *fp.bands(h))
                for _ in range(n_rows - len(planted)):
                    h = fp.to_signed(rng.getrandbits(64))
                    yield (h, *fp.bands(h))

            copy_rows(cur, table, ["phash", "band0", "band1", "band2", "band3"], rows())
            for i in range(4):  # as ListingImage's img_band<i>: the hash rides in each band index
                cur.execute(f"CREATE INDEX {table}_b{i} ON {table} (band{i}, phash)")
            cur.execute(f"VACUUM ANALYZE {table}")
            print(f"3. PostgreSQL: {n_rows:,} rows loaded and indexed in {time.perf_counter() - t0:.1f} s ({name})")
        else:
            print(f"3. PostgreSQL: reusing {name}")
    probes = []
    for i in range(lookups):
        h = fp.to_unsigned(planted[i % len(planted)])
        for b in rng.sample(range(64), rng.randrange(0, 6)):
            h ^= 1 << b
        probes.append(fp.to_signed(h) if i % 2 == 0 else fp.to_signed(rng.getrandbits(64)))
    times, hits = [], 0
    for h in probes:
        t = time.perf_counter()
        hits += bool(near_rows(table=table, column="phash", value=h, max_distance=bits))
        times.append(time.perf_counter() - t)
    print(f"   band-index lookup (imagery.matching.near_rows, <= {bits} bits): p50 {ms(pct(times, 50))}, "
          f"p95 {ms(pct(times, 95))}, {lookups / sum(times):,.0f} lookups/s; {hits} of {lookups} probes matched")
    times = []
    with connection.cursor() as cur:
        for h in probes[:5]:
            t = time.perf_counter()
            cur.execute(f"SELECT id FROM {table} WHERE bit_count((phash # %s)::bit(64)) <= %s", [h, bits])
            cur.fetchall()
            times.append(time.perf_counter() - t)
    print(f"   baseline, linear SQL scan (bit_count over every row): p50 {ms(pct(times, 50))}, "
          f"max {ms(max(times))} (n={len(times)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pictures", type=int, default=100)
    parser.add_argument("--unrelated", type=int, default=1000)
    parser.add_argument("--references", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=5000)
    parser.add_argument("--baseline-lookups", type=int, default=200)
    parser.add_argument("--pg-rows", type=int, default=1_000_000)
    parser.add_argument("--pg-lookups", type=int, default=500)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the PostgreSQL table of an earlier run")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipportal.settings")
    url = os.environ.get("DATABASE_URL", "")
    use_pg = not args.no_pg and url.startswith(("postgres://", "postgresql://"))
    loaded, name = False, ""
    if use_pg:
        from _pg import bench_url, prepare_database

        bench, admin, name = bench_url(url, "image_match_bench")
        loaded = prepare_database(admin, name, args.reuse)
        os.environ["DATABASE_URL"] = bench
    import django

    django.setup()
    from django.conf import settings

    phash_bits, pdq_bits = settings.IMAGERY_MATCH_BITS, settings.IMAGERY_PDQ_MATCH_BITS
    refs, by_kind, unrelated, big = quality(args.pictures, args.unrelated, args.references, phash_bits, pdq_bits)
    from certificates import fingerprints as fp
    from imagery.index import words_from_ints

    rng = np.random.default_rng(3)
    # Listing images: copies of references (within a few bits) and unrelated pictures, half and half.
    qs = []
    for i in range(args.lookups):
        if i % 2 == 0:
            h = fp.to_unsigned(refs[i % len(refs)].phash)
            for b in rng.choice(64, size=int(rng.integers(0, 6)), replace=False):
                h ^= 1 << int(b)
            qs.append(h)
        else:
            qs.append(int(rng.integers(0, 2**63)) * 2 + int(rng.integers(0, 2)))
    speed(big, words_from_ints(qs, 1), args.baseline_lookups, phash_bits)
    if not use_pg:
        print("3. PostgreSQL: skipped (--no-pg, or DATABASE_URL is not PostgreSQL)")
        return
    postgres(args.pg_rows, args.pg_lookups, [r.phash for r in refs], phash_bits, loaded, name)


if __name__ == "__main__":
    main()
