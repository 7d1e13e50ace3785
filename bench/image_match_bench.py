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
   band indexes on (band, hash, id), distance in SQL), p50/p95 and the plan of one lookup (index-only
   scans, heap fetches, buffers); beside it a linear SQL scan (bit_count over every row) that must
   return the same rows, and the ratio of the two.
   Uses a database named after DATABASE_URL's with "_bench" appended (dropped and re-created).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _rows(hashed: list, kind: str = "reference") -> list[tuple]:
    from imagery.matching import CROP, FULL, MIRROR

    return [(kind, i, 1, 1, [(FULL, h.phash, h.pdq), (CROP, h.crop_phash, h.crop_pdq), (MIRROR, h.mirror_phash,
                                                                                      h.mirror_pdq)])
            for i, h in enumerate(hashed)]


def _random_rows(n: int, start: int, rng: random.Random) -> list[tuple]:
    from certificates import fingerprints as fp
    from imagery.matching import CROP, FULL, MIRROR

    def one():
        return fp.to_signed(rng.getrandbits(64)), f"{rng.getrandbits(256):064x}"

    return [("random", start + i, 0, 0, [(v, *one()) for v in (FULL, CROP, MIRROR)]) for i in range(n)]


def _matches(index, h) -> list[int]:
    return [pos for pos, _, _ in index.match(phash=h.phash, pdq=h.pdq, crop_phash=h.crop_phash, crop_pdq=h.crop_pdq)]


def quality(n_pictures: int, n_unrelated: int, n_references: int, settings):
    from certificates import fingerprints as fp
    from imagery.hashes import image_hash, pdq_distance
    from imagery.matching import ReferenceIndex
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
            refs.append(h(base))
            for name, copy in copies(base).items():
                by_kind.setdefault(name, []).append((len(refs) - 1, h(copy)))
    unrelated = [h(logo(100_000 + s) if s % 2 else product(100_000 + s)) for s in range(n_unrelated)]
    bits, verify = settings.IMAGERY_MATCH_BITS, settings.IMAGERY_PDQ_VERIFY_BITS
    print(f"1. quality: {len(refs)} references ({n_pictures} logos, {n_pictures} product pictures) x "
          f"{len(by_kind)} copies, {n_unrelated} unrelated pictures; hashed {hashed:,} pictures at "
          f"{hashed / elapsed:,.1f} pictures/s (decode, checks, pHash and PDQ of three views, thumbnail)")
    print(f"   the portal's rule: a view's pHash within {bits} of 64 bits, confirmed by PDQ within {verify} of 256")
    index = ReferenceIndex(_rows(refs))
    print(f"   {'copy':<20} {'recall':>8}   {'whole-picture pHash: median':>28} {'max':>4}   {'PDQ median':>10}")
    for name, pairs in by_kind.items():
        found = sum(own in _matches(index, c) for own, c in pairs)
        ds = sorted(fp.hamming(refs[own].phash, c.phash) for own, c in pairs)
        qs = sorted(pdq_distance(refs[own].pdq, c.pdq) for own, c in pairs)
        print(f"   {name:<20} {found / len(pairs):>8.1%}   {ds[len(ds) // 2]:>28} {ds[-1]:>4}   {qs[len(qs) // 2]:>10}")
    fp_labelled = sum(bool(_matches(index, u)) for u in unrelated)
    raw = sum(any(fp.hamming(u.phash, r.phash) <= bits for r in refs) for u in unrelated)
    print(f"   false positives among the {len(refs)} labelled references: {fp_labelled} of {n_unrelated} "
          f"({fp_labelled / n_unrelated:.2%}); with the whole-picture pHash alone, no PDQ check: {raw} "
          f"({raw / n_unrelated:.2%})")
    t0 = time.perf_counter()
    big = ReferenceIndex(_rows(refs) + _random_rows(max(0, n_references - len(refs)), len(refs), random.Random(7)))
    print(f"   index of {len(big.refs):,} references ({len(big.words):,} views) built in "
          f"{time.perf_counter() - t0:.1f} s")
    fp_big = sum(bool(_matches(big, u)) for u in unrelated)
    recall_big = sum(own in _matches(big, c) for name in ("reencode_jpeg_q30", "resize_50pct", "caption_bar")
                     for own, c in by_kind[name])
    n_big = sum(len(by_kind[name]) for name in ("reencode_jpeg_q30", "resize_50pct", "caption_bar"))
    print(f"   among {len(big.refs):,} references (labelled + random fill): false positives {fp_big} of "
          f"{n_unrelated} ({fp_big / n_unrelated:.2%}); re-encode/resize/caption recall {recall_big / n_big:.1%}")
    return refs, by_kind, unrelated, big


def speed(big, listing_pictures: list, baseline_lookups: int, bits: int):
    from imagery.index import linear_search, words_from_ints

    n = len(listing_pictures)
    print(f"2. matching speed in memory against {len(big.refs):,} references ({len(big.words):,} views), {n:,} "
          f"listing pictures (two views each, PDQ check), threshold {bits} bits")
    times, answers = [], []
    t0 = time.perf_counter()
    for h in listing_pictures:
        t = time.perf_counter()
        answers.append(_matches(big, h))
        times.append(time.perf_counter() - t)
    total = time.perf_counter() - t0
    print(f"   multi-index (imagery.matching.ReferenceIndex.match): {n / total:,.0f} listing pictures/s; "
          f"p50 {ms(pct(times, 50))}, p95 {ms(pct(times, 95))}, max {ms(max(times))}")
    rows = [(h.phash, h.pdq, h.crop_phash, h.crop_pdq) for h in listing_pictures]
    t0 = time.perf_counter()
    batched = []
    for i in range(0, n, 500):  # as monitoring checks listings: 500 per task
        batched += big.match_many(rows[i:i + 500])
    total = time.perf_counter() - t0
    assert [[pos for pos, _, _ in hits] for hits in batched] == answers, "batched and single matches disagree"
    print(f"   multi-index, batches of 500 (ReferenceIndex.match_many, as a check task runs): "
          f"{n / total:,.0f} listing pictures/s")
    times = []
    for h in listing_pictures[:baseline_lookups]:
        t = time.perf_counter()
        for value in (h.phash, h.crop_phash):
            linear_search(big.words, words_from_ints([value], 1)[0], bits)
        times.append(time.perf_counter() - t)
    print(f"   baseline, vectorized NumPy scan of every view (the same two pHash queries, no PDQ check): "
          f"{len(times) / sum(times):,.0f} listing pictures/s; p50 {ms(pct(times, 50))}, p95 {ms(pct(times, 95))} "
          f"(n={len(times)})")
    return answers


def postgres(n_rows: int, lookups: int, planted: list[int], bits: int, loaded: bool, name: str) -> None:
    from _pg import copy_rows
    from django.db import connection

    from certificates import fingerprints as fp
    from imagery.matching import near_rows, near_rows_sql

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
        else:
            t0 = time.perf_counter()
        for i in range(4):  # as ListingImage's img_band<i>_cover: the hash and the id ride in each band index
            cur.execute(f"DROP INDEX IF EXISTS {table}_b{i}")  # an earlier run's (band, phash): not index-only
            cur.execute(f"CREATE INDEX IF NOT EXISTS {table}_b{i}_cover ON {table} (band{i}, phash, id)")
        cur.execute(f"VACUUM ANALYZE {table}")
        print(f"3. PostgreSQL: {n_rows:,} rows {'reused' if loaded else 'loaded'} and indexed in "
              f"{time.perf_counter() - t0:.1f} s ({name})")
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
    indexed = times
    print(f"   band-index lookup (imagery.matching.near_rows, <= {bits} bits): p50 {ms(pct(times, 50))}, "
          f"p95 {ms(pct(times, 95))}, {lookups / sum(times):,.0f} lookups/s; {hits} of {lookups} probes matched")
    with connection.cursor() as cur:
        sql, params = near_rows_sql(table=table, column="phash", value=probes[-1], max_distance=bits)
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        plan = cur.fetchone()[0][0]["Plan"]
    scans = _plan_nodes(plan)
    print(f"   its plan: {', '.join(sorted({n['Node Type'] for n in scans}))} on "
          f"{', '.join(sorted({n.get('Index Name', n.get('Relation Name', '?')) for n in scans}))}; heap fetches "
          f"{sum(n.get('Heap Fetches', 0) for n in scans)}, {plan['Shared Hit Blocks'] + plan['Shared Read Blocks']:,} "
          f"buffers read for one lookup")
    times = []
    with connection.cursor() as cur:
        for h in probes[:5]:
            t = time.perf_counter()
            cur.execute(f"SELECT id, bit_count((phash # %s)::bit(64)) AS d FROM {table} "
                        f"WHERE bit_count((phash # %s)::bit(64)) <= %s ORDER BY d, id", [h, h, bits])
            scanned = cur.fetchall()
            times.append(time.perf_counter() - t)
            assert scanned == near_rows(table=table, column="phash", value=h, max_distance=bits, limit=10_000), \
                "the band-index lookup and the linear scan disagree"
    print(f"   baseline, linear SQL scan (bit_count over every row): p50 {ms(pct(times, 50))}, "
          f"max {ms(max(times))} (n={len(times)}); the same rows as the band-index lookup")
    print(f"   ratio: the band-index lookup is {pct(times, 50) / pct(indexed, 50):,.1f}x faster than the linear "
          f"scan at p50 ({ms(pct(indexed, 50))} vs {ms(pct(times, 50))})")


def _plan_nodes(plan: dict) -> list[dict]:
    """The scan nodes of an EXPLAIN (FORMAT JSON) plan."""
    found = [plan] if plan["Node Type"].endswith("Scan") else []
    for child in plan.get("Plans", []):
        found += _plan_nodes(child)
    return found


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

    refs, by_kind, unrelated, big = quality(args.pictures, args.unrelated, args.references, settings)
    # Listing pictures: copies of references and unrelated pictures, half and half, cycled.
    pool = [c for pairs in by_kind.values() for _, c in pairs]
    pictures = [pool[i % len(pool)] if i % 2 == 0 else unrelated[i % len(unrelated)] for i in range(args.lookups)]
    speed(big, pictures, args.baseline_lookups, settings.IMAGERY_MATCH_BITS)
    if not use_pg:
        print("3. PostgreSQL: skipped (--no-pg, or DATABASE_URL is not PostgreSQL)")
        return
    postgres(args.pg_rows, args.pg_lookups, [r.phash for r in refs], settings.IMAGERY_SEARCH_BITS, loaded, name)


if __name__ == "__main__":
    main()
