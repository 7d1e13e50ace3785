"""Evidence package build time for one seller with --cases cases (default 10,000), against the
plain alternative measured in the same run: zipping the very same member bytes with zipfile and
nothing else (no database reads, no JSON, no hashing, no PDF, no signature).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_legal .venv/bin/python bench/package_bench.py

Loads (COPY) one seller with --cases listings, one case each in reports of 10, a removal decision
per case, and the audit entries a real filing writes for them (case.open, decision.remove: with
macs, linked into the chain), then builds the seller's package as the task does
(legal.packages.package_write) and checks it with the shipped checker. Prints the build time, the
PDF's share of it, the resident memory during the build, the ZIP's size, the baseline and the ratio.
Uses a database named after DATABASE_URL's with "_bench" appended (dropped and re-created).
"""

import argparse
import os
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _pg import (  # noqa: E402  (bench/, beside this script)
    bench_url,
    copy_cases,
    copy_decisions,
    copy_listings,
    copy_reports,
    prepare_database,
    seed_people,
)

CASES_PER_REPORT = 10



def load(n: int):
    from django.db import connection, transaction

    from audit.services import AuditTarget, audit_append_many, audit_chain_pending
    from listings.models import Seller
    from registry.models import Brand, IPRight, RightKind, RightStatus

    t0 = time.perf_counter()
    reviewer, reporter = seed_people()
    brand = Brand.objects.create(name="Acme", owner_company="Acme Ltd", country="DE")
    right = IPRight.objects.create(brand=brand, kind=RightKind.TRADEMARK, name="ACME", office="EUIPO",
                                   registration_number="9000001", status=RightStatus.VERIFIED)
    seller = Seller.objects.create(name="Counterfeit Central", external_id="S-BENCH", country="CN")
    now = datetime.now(UTC)
    with connection.cursor() as cur:
        raw = cur.cursor
        first_listing = copy_listings(
            raw,
            ((f"L-{i:07d}", seller.pk, f"ACME replica product {i}", "A 1:1 copy of ACME goods.", "ACME", "CN",
              "9.99", "USD", "", "removed", (now - timedelta(days=60)).isoformat(), now.isoformat())
             for i in range(n)))
        n_reports = -(-n // CASES_PER_REPORT)
        first_report = copy_reports(
            raw,
            ((brand.pk, right.pk, reporter.pk, "trademark", "owner", "counterfeit", "Replica of our goods.",
              "legal@example.test", "t", "t", "t", "Bench", now.isoformat(), now.isoformat(),
              '{"where_on_listing": ["title"]}') for _ in range(n_reports)))
        snapshot = '{"title": "ACME replica product", "price": "9.99", "ships_from": "CN"}'
        first_case = copy_cases(
            raw,
            ((first_report + i // CASES_PER_REPORT, first_listing + i, right.pk, brand.pk, "trademark",
              "actioned", 1, "report", None, None, snapshot, now.isoformat(),
              (now + timedelta(hours=24)).isoformat(), now.isoformat(), "{}") for i in range(n)))
        statement = ("We removed your listing because it offers a counterfeit of the ACME trademark "
                     "(EUIPO 9000001). Facts: the title says replica 1:1. You can appeal within six months.")
        first_decision = copy_decisions(
            raw,
            ((first_case + i, "remove", "tm_counterfeit", statement, reviewer.pk, "f", None, now.isoformat())
              for i in range(n)))
    with transaction.atomic():
        entries = []
        for i in range(n):
            entries.append(("case.open", AuditTarget("complaints.case", first_case + i, f"C-{first_case + i}"),
                            {"listing": first_listing + i}))
            entries.append(("decision.remove", AuditTarget("complaints.decision", first_decision + i,
                                                           f"decision {first_decision + i}"),
                            {"case": first_case + i, "reason": "tm_counterfeit"}))
        audit_append_many(actor=reviewer, entries=entries)
    audit_chain_pending()
    from audit.models import AuditEntry

    linked = AuditEntry.objects.filter(seq__isnull=False).count()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"loaded {n:,} listings, cases, decisions and {linked:,} linked audit entries in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)
    return seller, reviewer


class RssSampler:
    """The process's resident memory (/proc/self/statm) sampled by a thread: what it was when the
    build started and the most it reached during it (ru_maxrss would count the loading too)."""

    def __init__(self):
        import threading

        self.stop, self.start, self.peak = threading.Event(), 0, 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _run(self) -> None:
        while not self.stop.wait(0.1):
            self.peak = max(self.peak, self.rss())

    def __enter__(self):
        import gc

        gc.collect()
        self.start = self.peak = self.rss()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.peak = max(self.peak, self.rss())


def bench(seller, reviewer, n: int) -> None:
    from django.conf import settings

    from legal import packages
    from legal.checker import package_verify
    from legal.models import EvidencePackage, PackageScope

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="package-bench-")
    package = EvidencePackage.objects.create(scope=PackageScope.SELLER, seller=seller, requested_by=reviewer)
    pdf_time = []
    original_pdf = packages.Builder._pdf

    def timed_pdf(self):
        t = time.perf_counter()
        try:
            return original_pdf(self)
        finally:
            pdf_time.append(time.perf_counter() - t)

    packages.Builder._pdf = timed_pdf
    import weasyprint  # noqa: F401  (imported before the clock starts, as a worker has it imported)

    sampler = RssSampler()
    t0 = time.perf_counter()
    with sampler:
        written = packages.package_write(package)
    build = time.perf_counter() - t0
    path = Path(settings.MEDIA_ROOT) / "packages" / written["storage_name"]
    with zipfile.ZipFile(path) as zf:
        members = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    print(f"package of a seller with {n:,} cases: {len(members)} files, {written['size'] / 2**20:.1f} MB")
    print(f"build (legal.packages.package_write: reads, JSON, hashes, ZIP, PDF, signature): {build:.2f} s "
          f"= {n / build:,.0f} cases/s")
    print(f"  of which the PDF summary (WeasyPrint, {settings.LEGAL_PDF_MAX_CASES} rows): {pdf_time[0]:.2f} s")
    print(f"  resident memory during the build (sampled every 0.1 s): {sampler.start / 2**20:.0f} MB at the start, "
          f"{sampler.peak / 2**20:.0f} MB at most")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with zipfile.ZipFile(Path(tmp) / "raw.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                zf.writestr(name, data)
        raw = time.perf_counter() - t0
    print(f"baseline (zipfile alone, the same {sum(len(d) for _, d in members) / 2**20:.1f} MB of member bytes, "
          f"deflated): {raw:.2f} s")
    print(f"ratio build / baseline: {build / raw:.1f}x; without the PDF (a constant: it is capped): "
          f"{(build - pdf_time[0]) / raw:.1f}x")
    t0 = time.perf_counter()
    problems, counts = package_verify(str(path))
    print(f"shipped checker: {len(problems)} problems, {counts['files']} files and {counts['audit_entries']:,} audit "
          f"entries checked in {time.perf_counter() - t0:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases of the seller")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded bench database")
    args = parser.parse_args()
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    url, admin_url, name = bench_url(os.environ.get("DATABASE_URL", ""), "package_bench")
    reused = prepare_database(admin_url, name, args.reuse)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipportal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import base64

    # A throwaway signing key (the bench database is not embedded mode, which would make one).
    os.environ.setdefault("CERTIFICATES_LOG_KEY", base64.b64encode(bytes(range(32))).decode())
    os.environ.setdefault("AUDIT_CHECKPOINT_FILE", "")
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from django.core.management import call_command

    print(f"Database {name}: {'reused' if reused else 'created'}")
    call_command("migrate", verbosity=0)
    if reused:
        from accounts.models import User
        from listings.models import Seller

        seller, reviewer = Seller.objects.get(external_id="S-BENCH"), User.objects.get(username="reviewer")
    else:
        seller, reviewer = load(args.cases)
    bench(seller, reviewer, args.cases)


if __name__ == "__main__":
    main()
