"""Copyright certificates: fingerprint recall, near-duplicate search at 1M works, registration
rate, and proofs at a 1M-leaf log.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_certs .venv/bin/python bench/certificates_bench.py

1. recall (no database): --images pictures (random shapes over gradients, made here) and ten copies
   of each (resized 50%/25%/150%, JPEG q40, WebP q50, cropped 3% a side, brightness +10%, contrast
   -20%, a caption, greyscale): the share of copies within each pHash distance, and the closest pair
   of distinct pictures (false matches); the same for SimHash on texts with 1% and 5% of words changed.
2. near-duplicate lookup with --stored fingerprints in the certificates table (COPY): the portal's
   multi-index lookup (four 16-bit band indexes, certificates.selectors.near_match) at the image
   threshold, p50/p95 over --lookups probes; beside it, in the same run, the plain alternatives: a
   linear Hamming scan in SQL (bit_count over every row) and in memory (numpy over all fingerprints).
3. registration: --registrations real registrations (certificate_register: content check, pHash,
   exact + near search, log append, signed tree head, audit, file write) against that table and a
   log of --leaves leaves: p50/p95 and registrations/s (serialized by the log lock, one process).
4. proofs at that log size: inclusion and consistency proofs (certificates.log), p50/p95 and the
   queries each takes.
Uses a database named after DATABASE_URL's with "_bench" appended (dropped and re-created).
"""

import argparse
import base64
import hashlib
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _pg import bench_url, copy_rows, prepare_database  # noqa: E402  (bench/, beside this script)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def line(label, ms):
    return f"{label:<58} p50 {pct(ms, 50):8.2f} ms  p95 {pct(ms, 95):8.2f} ms  (n={len(ms)})"


# 1. recall --------------------------------------------------------------------------------------

def bench_recall(n_images: int, n_texts: int) -> None:
    from certificates import fingerprints as fp
    from tests.certificates.samples import edits, encode, picture, text

    thresholds = [4, 6, 8, 10, 12]
    by_edit: dict[str, list[int]] = {}
    hashes = []
    elapsed, n_hashed = 0.0, 0

    def phash(data: bytes) -> int:
        nonlocal elapsed, n_hashed
        t0 = time.perf_counter()
        h = fp.image_phash(data)
        elapsed += time.perf_counter() - t0
        n_hashed += 1
        return h

    for seed in range(n_images):
        img = picture(seed)
        h = phash(encode(img))
        hashes.append(h)
        for name, copy in edits(img).items():
            by_edit.setdefault(name, []).append(fp.hamming(h, phash(encode(copy.convert("RGB"), "PNG"))))
    print(f"pHash recall: {n_images} pictures x {len(by_edit)} edits; {n_hashed / elapsed:,.0f} images/s "
          "(decode PNG + blank check + hash)")
    for name, ds in by_edit.items():
        cells = "  ".join(f"<={t}: {sum(d <= t for d in ds) / len(ds):5.0%}" for t in thresholds)
        print(f"  {name:<15} max {max(ds):2d}  {cells}")
    every = [d for ds in by_edit.values() for d in ds]
    print("  all edits       " + "  ".join(f"<={t}: {sum(d <= t for d in every) / len(every):5.1%}"
                                           for t in thresholds))
    pairs = [fp.hamming(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1:]]
    if pairs:
        print(f"  distinct pictures: closest pair {min(pairs)} bits; pairs within 10 bits: "
              f"{sum(d <= 10 for d in pairs)} of {len(pairs)}")
    rng = random.Random(5)
    for share in (0.01, 0.05):
        ds, far = [], []
        for seed in range(n_texts):
            words = fp.normalize_text(text(seed, 400))
            h = fp.simhash(words)
            edited = list(words)
            for _ in range(max(1, int(len(words) * share))):
                edited[rng.randrange(len(words))] = rng.choice(["zebra", "quartz", "nimbus"])
            ds.append(fp.hamming(h, fp.simhash(edited)))
            far.append(fp.hamming(h, fp.simhash(fp.normalize_text(text(seed + 10_000, 400)))))
        print(f"SimHash, {share:.0%} of 400 words changed: within 7 bits {sum(d <= 7 for d in ds) / len(ds):.0%} "
              f"(max {max(ds)}); distinct texts: closest {min(far)} bits (n={n_texts})")


# 2-4. the database ---------------------------------------------------------------------------

def _database(url: str | None) -> str:
    if not url:
        sys.exit("Set DATABASE_URL to a PostgreSQL database: this bench measures PostgreSQL's indexes.")
    bench, admin, name = bench_url(url, "certificates_bench")
    prepare_database(admin, name, reuse=False)
    print(f"Database {name}: created")
    return bench



def load(stored: int, leaves: int, rng: random.Random):
    """`stored` certificates with random fingerprints, and a log of `leaves` leaves (its nodes)."""
    from django.db import connection

    from accounts.models import Role, User
    from certificates import fingerprints as fp
    from certificates import merkle
    from certificates.log import sth_sign
    from certificates.models import LogHead
    from registry.models import Brand, BrandMember

    user = User.objects.create(username="bench", role=Role.RIGHTS_HOLDER)
    brand = Brand.objects.create(name="Bench brand", owner_company="Bench", country="DE")
    BrandMember.objects.create(brand=brand, user=user, role="admin")
    t0 = time.perf_counter()
    fingerprints = [rng.getrandbits(64) for _ in range(stored)]
    cols = ["public_id", "brand_id", "registered_by_id", "owner_name", "title", "work_type", "author",
            "storage_name", "original_name", "content_type", "size", "sha256", "fingerprint_kind", "fingerprint",
            "band0", "band1", "band2", "band3", "entry", "leaf_index", "registered_at"]

    def rows():
        for i, h in enumerate(fingerprints):
            s = fp.to_signed(h)
            yield (f"IPC-B{i:011d}", brand.pk, user.pk, "Bench brand", f"Work {i}", "image", "", f"b{i}.png",
                   "w.png", "image/png", 1000, f"{i:064x}", "phash", s, *fp.bands(s), "{}", i,
                   "2026-01-01 00:00:00+00")

    with connection.cursor() as cur:
        copy_rows(cur.cursor, "certificates_certificate", cols, rows())
    print(f"loaded {stored:,} fingerprints in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    nodes: dict = {}
    out = []
    for i in range(leaves):
        leaf = merkle.leaf_hash(f"bench entry {i}".encode())
        for lv, ix, h in merkle.append_nodes(i, leaf, lambda lv, ix, nodes=nodes: nodes[(lv, ix)]):
            nodes[(lv, ix)] = h
            out.append((lv, ix, "\\\\x" + h.hex()))
        # keep only what later appends read: the right edge
        if i % 4096 == 4095:
            edge = set(merkle.perfect_cover(0, i + 1))
            nodes = {k: v for k, v in nodes.items() if k in edge}
    with connection.cursor() as cur:
        copy_rows(cur.cursor, "certificates_lognode", ["level", "index", "hash"], out)
    with connection.cursor() as cur:  # outside a transaction: VACUUM sets the visibility map for index-only scans
        cur.execute("VACUUM ANALYZE certificates_certificate")
        cur.execute("ANALYZE")
    from django.db import transaction

    with transaction.atomic():
        LogHead.objects.update_or_create(pk=1, defaults={"tree_size": leaves})
        if leaves:
            from certificates.log import root_at

            sth_sign(tree_size=leaves, root_hash=root_at(leaves))
    print(f"log of {leaves:,} leaves ({len(out):,} nodes) built and loaded in {time.perf_counter() - t0:.1f} s")
    return user, brand, fingerprints


def bench_lookup(fingerprints: list[int], lookups: int, rng: random.Random) -> None:
    import numpy as np
    from django.conf import settings
    from django.db import connection

    from certificates import fingerprints as fp
    from certificates.selectors import near_match

    limit = settings.CERTIFICATES_IMAGE_NEAR_BITS
    probes = []
    for i in range(lookups):  # half near copies of stored works (a few bits flipped), half new works
        if i % 2 == 0:
            h = rng.choice(fingerprints)
            for b in rng.sample(range(64), rng.randrange(0, limit + 1)):
                h ^= 1 << b
        else:
            h = rng.getrandbits(64)
        probes.append(fp.to_signed(h))
    mih, hits = [], 0
    for q in probes:
        t0 = time.perf_counter()
        hits += near_match(kind="phash", fingerprint=q, max_distance=limit) is not None
        mih.append((time.perf_counter() - t0) * 1000)
    print(f"near-duplicate lookup, {len(fingerprints):,} stored fingerprints, threshold {limit} bits "
          f"(band radius {fp.band_radius(limit)}):")
    print("  " + line("multi-index (4 band indexes) + exact Hamming", mih) + f"; {hits} found")
    sql = ("SELECT id FROM certificates_certificate WHERE fingerprint_kind = 'phash' "
           "AND bit_count((fingerprint # %s)::bit(64)) <= %s ORDER BY leaf_index LIMIT 1")
    scan, scan_hits = [], 0
    sample = probes[: max(2, min(len(probes), 40))]
    with connection.cursor() as cur:
        for q in sample:
            t0 = time.perf_counter()
            cur.execute(sql, [q, limit])
            scan_hits += cur.fetchone() is not None
            scan.append((time.perf_counter() - t0) * 1000)
    print("  " + line("baseline: linear scan in SQL (bit_count of XOR, every row)", scan)
          + f"; {scan_hits} found of {len(sample)}")
    arr = np.array([h & 0xFFFFFFFFFFFFFFFF for h in fingerprints], dtype=np.uint64)
    mem = []
    for q in probes:
        t0 = time.perf_counter()
        d = np.bitwise_count(arr ^ np.uint64(q & 0xFFFFFFFFFFFFFFFF))
        _ = bool((d <= limit).any())
        mem.append((time.perf_counter() - t0) * 1000)
    print("  " + line("baseline: linear scan in memory (numpy XOR + popcount)", mem))
    agree = sum((near_match(kind="phash", fingerprint=q, max_distance=limit) is not None) for q in sample)
    print(f"  multi-index and SQL scan agree on the sample: {agree == scan_hits}")


def bench_register(user, brand, n: int, rng: random.Random) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from certificates.services import RegistrationRefused, certificate_register
    from tests.certificates.samples import png

    files = [png(100_000 + i, size=(256, 192)) for i in range(n)]
    times, refused = [], 0
    t_all = time.perf_counter()
    for i, data in enumerate(files):
        t0 = time.perf_counter()
        try:
            certificate_register(brand=brand, by=user, upload=SimpleUploadedFile(f"w{i}.png", data),
                                 title=f"Bench work {i}", work_type="image")
        except RegistrationRefused:
            refused += 1
        times.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - t_all
    print(f"registration against {connection.vendor} (content check, pHash, exact + near search, log append, "
          "signed head, audit, file):")
    print("  " + line("certificate_register", times) + f"; {n / total:,.1f} registrations/s; {refused} refused")


def bench_proofs(n: int, rng: random.Random) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certificates.log import consistency_proof, inclusion_proof, tree_size

    size = tree_size()
    inc, con, queries = [], [], []
    for _ in range(n):
        leaf = rng.randrange(size)
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            proof = inclusion_proof(leaf_index=leaf, size=size)
            inc.append((time.perf_counter() - t0) * 1000)
        queries.append(len(ctx.captured_queries))
        first = rng.randrange(1, size + 1)
        t0 = time.perf_counter()
        consistency_proof(first=first, second=size)
        con.append((time.perf_counter() - t0) * 1000)
    print(f"proofs at a log of {size:,} leaves ({len(proof)} hashes in the last inclusion proof):")
    print("  " + line("inclusion proof", inc) + f"; {max(queries)} queries each")
    print("  " + line("consistency proof", con))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=60)
    parser.add_argument("--texts", type=int, default=60)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=1_000)
    parser.add_argument("--registrations", type=int, default=200)
    parser.add_argument("--proofs", type=int, default=500)
    parser.add_argument("--recall-only", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipportal.settings")
    if not args.recall_only:
        os.environ["DATABASE_URL"] = _database(os.environ.get("DATABASE_URL"))
    os.environ.pop("CELERY_BROKER_URL", None)
    # A fixed throwaway key: never one of a real log.
    os.environ.setdefault("CERTIFICATES_LOG_KEY", base64.b64encode(hashlib.sha256(b"bench").digest()).decode())
    os.environ.setdefault("MEDIA_ROOT", "/tmp/certificates_bench_media")
    import django

    django.setup()
    bench_recall(args.images, args.texts)
    if args.recall_only:
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    # The stored certificates are the log's first leaves (their leaf_index is unique).
    user, brand, fingerprints = load(args.stored, max(args.leaves, args.stored), rng)
    bench_lookup(fingerprints, args.lookups, rng)
    bench_register(user, brand, args.registrations, rng)
    bench_proofs(args.proofs, rng)


if __name__ == "__main__":
    main()
