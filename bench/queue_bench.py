"""Review queue at a million cases: page time, query count, claim-next latency under 8 claimers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_claims .venv/bin/python bench/queue_bench.py

Loads into a dedicated database named after DATABASE_URL's with "_bench" appended (dropped and
re-created; --reuse keeps an already loaded one), with COPY: 100 rights of 50 brands, 100,000
listings, 100,000 reports, CASES cases created over the last 14 days (90% open, most of them
overdue, as in a backlog that big). Then prints the figures. Options: --cases N, --reuse; for a
smoke run, smaller sizes: --listings N, --repeats N (requests per page scenario), --claims N (per
claimer process), --paced N and --pace S (the paced mode: N requests, one every S seconds).

The counts: the page never counts the backlog; beat does, into the shared cache. So the page is
measured cold (no counts cached: the page says they are updating and queues a refresh) and paced
(a request every 5 s while a thread recounts every REVIEW_QUEUE_COUNTS_SECONDS, as beat and the
housekeeping worker do), beside the floor: the recount a request used to pay.
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _pg import bench_url, copy_rows, prepare_database  # noqa: E402  (bench/, beside this script)

N_BRANDS, N_RIGHTS, CASES_PER_REPORT = 50, 100, 10
CLAIMERS = 8





def load(n_cases: int, n_listings: int) -> None:
    from django.conf import settings
    from django.db import connection

    from accounts.models import Role, User
    from listings.models import Seller
    from registry.models import Brand, IPRight, RightKind, RightStatus

    rng = random.Random(2026)
    t0 = time.perf_counter()
    users = [User(username=f"reviewer{i}", role=Role.REVIEWER) for i in range(40)]
    users += [User(username="senior", role=Role.SENIOR_REVIEWER), User(username="reporter", role=Role.RIGHTS_HOLDER)]
    User.objects.bulk_create(users)
    reporter = User.objects.get(username="reporter")
    holders = list(User.objects.filter(username__startswith="reviewer").order_by("id").values_list("id", flat=True))
    brands = Brand.objects.bulk_create(
        Brand(name=f"Brand {i:02d}", owner_company=f"Brand {i:02d} Ltd", country="DE", trusted_flagger=i < 5)
        for i in range(N_BRANDS))
    kinds = [RightKind.TRADEMARK] * 6 + [RightKind.COPYRIGHT] * 2 + [RightKind.DESIGN, RightKind.PATENT]
    rights = IPRight.objects.bulk_create(
        IPRight(brand=brands[i % N_BRANDS], kind=kinds[i % len(kinds)], name=f"MARK {i}",
                status=RightStatus.VERIFIED if i % 5 else RightStatus.PENDING)
        for i in range(N_RIGHTS))
    sellers = Seller.objects.bulk_create(Seller(name=f"Seller {i}", external_id=f"S-{i:05d}", country="CN")
                                         for i in range(1000))
    now = datetime.now(UTC)
    sla = settings.REVIEW_SLA_HOURS
    with connection.cursor() as cur:
        raw = cur.cursor
        copy_rows(raw, "listings_listing",
              ["external_id", "seller_id", "title", "description", "brand_name", "ships_from", "price", "currency",
               "url", "status", "created_at", "updated_at"],
              ((f"L-{i:07d}", sellers[i % 1000].pk, f"Replica product {i}", "A copy.", "", "CN", "9.99", "USD",
                "", "active", now.isoformat(), now.isoformat()) for i in range(n_listings)))
        cur.execute("SELECT min(id) FROM listings_listing")
        first_listing = cur.fetchone()[0]
        n_reports = -(-n_cases // CASES_PER_REPORT)
        report_right = [rights[(j * N_RIGHTS) // n_reports] for j in range(n_reports)]
        copy_rows(raw, "complaints_report",
              ["brand_id", "right_id", "reporter_id", "kind", "capacity", "infringement_type", "explanation",
               "contact_email", "decl_good_faith", "decl_accurate", "decl_authority", "signature", "signed_at",
               "created_at", "details"],
              ((r.brand_id, r.pk, reporter.pk, r.kind, "owner", "counterfeit", "Replica of our goods.",
                "legal@example.test", "t", "t", "t", "Bench", now.isoformat(), now.isoformat(), "{}")
               for r in report_right))
        cur.execute("SELECT min(id) FROM complaints_report")
        first_report = cur.fetchone()[0]
        print(f"  loaded users, {N_RIGHTS} rights, {n_listings:,} listings, {n_reports:,} reports "
              f"in {time.perf_counter() - t0:.1f} s", flush=True)

        def case_rows():
            per_right: dict[int, int] = {}
            for i in range(n_cases):
                j = i // CASES_PER_REPORT
                right = report_right[j]
                m = per_right.get(right.pk, 0)  # m-th case of this right: its own listing
                per_right[right.pk] = m + 1
                listing = first_listing + m % n_listings
                roll = rng.random()
                state = ("open" if roll < .90 else "in_review" if roll < .93 else "needs_info" if roll < .95
                         else "actioned" if roll < .98 else "rejected")
                trusted = brands[(right.brand_id - brands[0].pk)].trusted_flagger
                priority = 0 if trusted and right.status == "verified" else 1 if right.status == "verified" else 2
                source = "trusted_flagger" if trusted else ("automatic" if rng.random() < .1 else "report")
                created = now - timedelta(seconds=rng.random() * 14 * 86400)
                holder, expires = None, None
                if state == "in_review":
                    holder = holders[i % len(holders)]
                    expires = (now + timedelta(minutes=30) if rng.random() < .8
                               else now - timedelta(seconds=rng.random() * 3600))
                yield (first_report + j, listing, right.pk, right.brand_id, right.kind, state, priority, source, holder,
                       expires.isoformat() if expires else None, '{"title": "Replica"}', created.isoformat(),
                       (created + timedelta(hours=sla[priority])).isoformat(), created.isoformat(), "{}")

        columns = ["report_id", "listing_id", "right_id", "brand_id", "kind", "state", "priority", "source",
                   "claimed_by_id", "claim_expires_at", "listing_snapshot", "created_at", "due_at", "updated_at",
                   "detection"]
        rows = case_rows()
        done = 0
        while done < n_cases:  # COPY in chunks of 200,000 to bound the buffer
            chunk = [next(rows) for _ in range(min(200_000, n_cases - done))]
            copy_rows(raw, "complaints_case", columns, chunk)
            done += len(chunk)
            print(f"  {done:,} cases ({time.perf_counter() - t0:.0f} s)", flush=True)
    # Production never holds a backlog of lapsed claims: the beat task releases them every minute.
    from review.claims import claims_release_expired

    t1 = time.perf_counter()
    released = claims_release_expired(batch_size=1000)
    print(f"  released {released:,} lapsed claims as the beat's sweep does "
          f"({time.perf_counter() - t1:.1f} s)", flush=True)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"  load done in {time.perf_counter() - t0:.1f} s", flush=True)


def _stats(samples: list[float]) -> str:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    return f"median {statistics.median(s) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   (n={len(s)})"


def bench_queue_page(repeats: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from registry.models import IPRight

    reviewer = User.objects.get(username="senior")
    client = Client()
    client.force_login(reviewer)
    right = IPRight.objects.order_by("id")[11]
    scenarios = {
        "default (overdue first, lane, age)": {},
        "filtered: lane+kind+brand+age": {"lane": 1, "kind": right.kind, "brand": right.brand_id, "age": "1_3d"},
        "filtered: source=automatic": {"source": "automatic"},
        "sort=oldest, page 20": {"sort": "oldest", "page": 20},
        "assigned to me": {"mine": 1},
        "100 rows per page": {"size": 100},
    }
    from review.queue import queue_counts_refresh

    queue_counts_refresh()  # what beat keeps doing (bench_cold_and_paced measures without it)
    print("\nQueue page (GET /review/ through the test Client, logged in; counts cache warm):")
    for label, params in scenarios.items():
        client.get("/review/", params)  # warm
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            response = client.get("/review/", params)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, response.status_code
        print(f"  {label:38s} {_stats(times)}")


    print("\nQueries per queue page:")
    for size in (25, 100):
        for label, params in (("default", {}), ("filtered", scenarios["filtered: lane+kind+brand+age"])):
            client.get("/review/", {**params, "size": size})
            with CaptureQueriesContext(connection) as ctx:
                response = client.get("/review/", {**params, "size": size})
            rows = response.content.decode().count("data-case=")
            print(f"  {label:8s} size {size:3d}: {len(ctx.captured_queries)} queries, {rows} rows listed")

    with connection.cursor() as cur:
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            cur.execute("SELECT * FROM complaints_case WHERE state = 'open' ORDER BY priority, due_at, id LIMIT 25")
            cur.fetchall()
            times.append(time.perf_counter() - t)
    print(f"\nBaseline: plain indexed SELECT of 25 open cases   {_stats(times)}")


def bench_cold_and_paced(requests: int, pace: float) -> None:
    """The page as reviewers meet it: cold (no counts in the cache: a fresh start, an eviction) and
    paced like real use (one request every `pace` seconds while beat recounts every
    REVIEW_QUEUE_COUNTS_SECONDS in a thread of this process, as the housekeeping worker does).
    Queuing the refresh is recorded, not published: the bench has no worker."""
    import threading
    from unittest import mock

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from review import queue as review_queue

    client = Client()
    client.force_login(User.objects.get(username="senior"))
    queued: list[str] = []
    interval = max(settings.REVIEW_QUEUE_COUNTS_SECONDS, 1)
    with mock.patch.object(review_queue, "enqueue", side_effect=queued.append):
        t = time.perf_counter()
        groups = review_queue.queue_counts_refresh()
        recount = time.perf_counter() - t
        print(f"\nFloor: the recount itself (one grouped query over the backlog, {groups} groups), which a "
              f"request used to pay when the counts were missing: {recount * 1000:.0f} ms")
        client.get("/review/")  # the process warm (URLs, templates), as a serving process is
        times = []
        for _ in range(8):
            cache.delete_many([review_queue._FACET_CACHE_KEY, review_queue._FACET_STAMP_KEY,
                               review_queue._REFRESH_QUEUED_KEY])
            t = time.perf_counter()
            response = client.get("/review/")
            times.append(time.perf_counter() - t)
            assert response.status_code == 200 and b"Counts updating" in response.content
        print(f"  {'cold: no counts in the cache':38s} {_stats(times)}; refreshes queued: {len(queued)}")

        stop = threading.Event()

        def beat() -> None:
            try:
                while True:
                    review_queue.queue_counts_refresh()
                    if stop.wait(interval):
                        return
            finally:
                connection.close()

        thread = threading.Thread(target=beat, daemon=True)
        cache.delete_many([review_queue._FACET_CACHE_KEY, review_queue._FACET_STAMP_KEY])
        thread.start()
        while cache.get(review_queue._FACET_CACHE_KEY) is None:  # beat's first run: the steady state
            time.sleep(0.05)
        times, updating = [], 0
        start = time.perf_counter()
        for i in range(requests):
            time.sleep(max(0.0, start + i * pace - time.perf_counter()))
            t = time.perf_counter()
            response = client.get("/review/")
            times.append(time.perf_counter() - t)
            assert response.status_code == 200
            updating += b"Counts updating" in response.content
        stop.set()
        thread.join()
        print(f"  {f'paced: one request every {pace:g} s':38s} {_stats(times)}; beat recounting every "
              f"{interval} s; pages with counts updating: {updating}")


def _claimer_process(kind: str, index: int, claims: int, tag: str, barrier, out) -> None:
    """One claimer in its own process, as gunicorn workers are (threads would share one GIL)."""
    from django.db import connection

    from accounts.models import User
    from review.claims import case_claim_next

    reviewer = User.objects.get(username=f"claimer{index}-{tag}") if kind == "claim" else None
    samples, claimed = [], []
    barrier.wait(timeout=120)  # a claimer that failed to start must not hang the others
    for _ in range(claims):
        t = time.perf_counter()
        if kind == "claim":
            claimed.append(case_claim_next(reviewer=reviewer).pk)
        else:
            with connection.cursor() as cur:
                cur.execute("SELECT id FROM complaints_case WHERE state = 'open' "
                            "ORDER BY priority, due_at, id LIMIT 1")
                cur.fetchone()
        samples.append(time.perf_counter() - t)
    connection.close()
    out.put((samples, claimed))


def _run_concurrently(kind: str, claims: int, tag: str = "") -> tuple[list[float], list[int], float]:
    import multiprocessing

    from django.db import connections

    connections.close_all()  # children must not share the parent's connection
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(CLAIMERS + 1), ctx.Queue()
    procs = [ctx.Process(target=_claimer_process, args=(kind, i, claims, tag, barrier, out)) for i in range(CLAIMERS)]
    for p in procs:
        p.start()
    barrier.wait(timeout=120)
    start = time.perf_counter()
    results = [out.get() for _ in procs]
    wall = time.perf_counter() - start
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"a claimer process failed (exit {p.exitcode})")
    return [s for r in results for s in r[0]], [c for r in results for c in r[1]], wall


def bench_claims(claims: int) -> None:
    from django.conf import settings
    from django.db import connection

    from accounts.models import Role, User
    from complaints.models import Case

    settings.REVIEW_MAX_OPEN_CLAIMS = 10_000  # measure the claim itself, not the per-reviewer cap
    # As in production with workers: the claims' audit entries are linked into the chain by the beat
    # task every AUDIT_LINK_SECONDS, not after each commit (timed below, once, after the claims).
    settings.AUDIT_LINK_AFTER_COMMIT = False
    # From a vacuumed table, as autovacuum keeps it: without, each run starts behind the dead index
    # entries of the previous run's claims (the front of case_queue_idx).
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE complaints_case")
    # Claimers of their own: the loaded backlog's claims belong to reviewer0..39, 750 each, far above
    # any real cap; a claimer starts, as a reviewer on shift does, holding none.
    # New ones each run (a --reuse run must not start holding the previous run's claims).
    tag = uuid.uuid4().hex[:6]
    User.objects.bulk_create(User(username=f"claimer{i}-{tag}", role=Role.REVIEWER) for i in range(CLAIMERS))
    open_cases = Case.objects.filter(state="open").count()
    if open_cases < CLAIMERS * claims:
        sys.exit(f"only {open_cases:,} open cases for {CLAIMERS} x {claims} claims: load more with --cases")
    samples, claimed, wall = _run_concurrently("claim", claims, tag)
    print(f"\nclaim-next, {CLAIMERS} concurrent claimer processes x {claims}:  {_stats(samples)}")
    print(f"  {len(samples) / wall:,.0f} claims/s; distinct cases {len(set(claimed)):,} of {len(claimed):,} claims")
    from audit.services import audit_chain_pending

    t = time.perf_counter()
    linked = audit_chain_pending()
    print(f"  then the beat's link run: {linked:,} audit entries linked into the chain in "
          f"{(time.perf_counter() - t) * 1000:.0f} ms")
    base, _, _ = _run_concurrently("baseline", claims)
    print(f"Baseline: plain indexed SELECT of the next open case, {CLAIMERS} processes:  {_stats(base)}")
    ratio = statistics.median(samples) / statistics.median(base)
    print(f"  claim-next median / baseline median = {ratio:.0f}x")
    print(f"\nBacklog: {Case.objects.count():,} cases")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=40, help="timed requests per queue page scenario")
    parser.add_argument("--claims", type=int, default=150, help="claims per claimer process")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded bench database")
    parser.add_argument("--claims-only", action="store_true", help="skip the queue page measurements")
    parser.add_argument("--paced", type=int, default=24, help="requests in the paced mode (one every --pace s)")
    parser.add_argument("--pace", type=float, default=5.0, help="seconds between paced requests")
    args = parser.parse_args()
    if min(args.cases, args.listings, args.repeats, args.claims) < 1:
        parser.error("--cases, --listings, --repeats and --claims must be at least 1")
    # A right's m-th case is on the m-th listing: a right must not have more cases than there are listings.
    n_reports = -(-args.cases // CASES_PER_REPORT)
    per_right = -(-n_reports // N_RIGHTS) * CASES_PER_REPORT
    if args.listings < per_right:
        parser.error(f"--listings must be at least {per_right} for {args.cases:,} cases")
    url, admin_url, name = bench_url(os.environ.get("DATABASE_URL", ""), "queue_bench")
    reused = prepare_database(admin_url, name, args.reuse)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipportal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.DEBUG = False
    settings.OTP_REQUIRED_FOR_STAFF = False  # the bench measures the pages, not the second factor
    print(f"Database {name}: {'reused' if reused else 'created'}")
    call_command("migrate", verbosity=0)
    if not reused:
        print(f"Loading {args.cases:,} cases with COPY ...", flush=True)
        load(args.cases, args.listings)
    if not args.claims_only:
        bench_cold_and_paced(args.paced, args.pace)
        bench_queue_page(args.repeats)
    bench_claims(args.claims)


if __name__ == "__main__":
    main()
