"""Listing changes end to end, through the bulk API and through the Redis Streams, beside their floors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_ingest INGEST_STREAM_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python bench/ingest_bench.py

PostgreSQL (a database named after DATABASE_URL's with "_bench" appended, made afresh) and Redis.
--brands brands protect 5 terms each with a suppress-mode authorized-countries rule; 5% of the
changes name a term and ship from elsewhere, so they open a case and are suppressed in the batch.
Prints, in one run:

1. floors: COPY of the same rows into a table of the listings' shape (rows/s); COPY + read back +
   match (monitoring's automaton, a batch at a time): the least any path that stores and checks
   the changes can cost;
2. the bulk API (ListingBulkIngestApi: NDJSON, gzip, --batch per call), in-process (no socket):
   N new listings, then the same with changed titles, then price-only changes, then the same
   payload again (unchanged), each in listings/s and as a ratio to the COPY + match floor (the
   target: within 3x, and >= 20,000/s; unchanged >= 50,000/s);
3. the streams: N new listings through `manage.py ingest_stream` with 1 and 2 consumer processes;
4. change to suppression: a producer offers violating and clean changes at a steady rate to one
   consumer, for each rate of --rates; p50/p99 from the change's XADD to its restriction's start,
   and the first rate whose p99 passes 5 s.
The machine is shared: read the figures beside the floors of the same run.
"""

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _pg import bench_url, copy_rows, prepare_database  # noqa: E402  (bench/, beside this script)

COUNTRIES = ["DE", "US", "FR", "IT", "GB", "JP", "CN", "VN", "TR", "IN"]
AUTHORIZED = COUNTRIES[:3]
WORDS = ("wireless headphones bluetooth speaker cable charger usb case cover leather bag shoe running shirt cotton "
         "watch steel ring silver lamp desk chair kitchen knife pan bottle water sport outdoor jacket winter warm "
         "soft original new best quality gift box set black white red blue green pro max mini classic").split()
SYLLABLES = ["ka", "lo", "mi", "zu", "ver", "tor", "bel", "qui", "nax", "dro", "sol", "ryn", "phe", "gar"]
VIOLATING = 0.05
SELLERS = 100


def make_terms(rng, brands: int) -> list[list[str]]:
    seen, out = set(), []
    for _ in range(brands):
        terms = []
        while len(terms) < 5:
            t = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))
            if t not in seen:
                seen.add(t)
                terms.append(t)
        out.append(terms)
    return out


def make_changes(rng, terms, n: int, prefix: str, version: int = 0) -> list[dict]:
    out = []
    for i in range(n):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9)))
        ships = rng.choice(COUNTRIES)
        if rng.random() < VIOLATING:
            title = f"{rng.choice(rng.choice(terms)).upper()} {title}"
            ships = rng.choice(COUNTRIES[3:])
        out.append({"external_id": f"{prefix}-{i:07d}", "seller_external_id": f"IS-{i % SELLERS}",
                    "title": f"{title} v{version}", "ships_from": ships, "price": f"{19 + version}.90",
                    "description": " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 30)))})
    return out


def setup(terms) -> object:
    from django.core.management import call_command

    from accounts.models import User
    from listings.models import Seller
    from monitoring.services import protection_version_bump
    from registry.models import Brand, IPRight, ProtectionRule, WatchedTerm

    call_command("migrate", verbosity=0)
    Brand.objects.bulk_create([Brand(name=f"Ingest brand {b}", owner_company="Bench", country="DE")
                               for b in range(len(terms))], batch_size=1000)
    ids = list(Brand.objects.order_by("id").values_list("id", flat=True))
    IPRight.objects.bulk_create([IPRight(brand_id=b, kind="trademark", office="EUIPO", name=ts[0],
                                         registration_number=f"I{i:08d}", status="verified")
                                 for i, (b, ts) in enumerate(zip(ids, terms, strict=True))], batch_size=1000)
    WatchedTerm.objects.bulk_create([WatchedTerm(brand_id=b, term=t, normalized=t, kind="extra")
                                     for b, ts in zip(ids, terms, strict=True) for t in ts[1:]], batch_size=2000)
    ProtectionRule.objects.bulk_create([ProtectionRule(brand_id=b, kind="ships_from", mode="suppress",
                                                       countries=AUTHORIZED) for b in ids], batch_size=1000)
    protection_version_bump()
    Seller.objects.bulk_create([Seller(name=f"Seller {i}", external_id=f"IS-{i}", country="CN")
                                for i in range(SELLERS)])
    return User.objects.create_user(username="ingest-market", password="x", role="marketplace")


# --- floors ---------------------------------------------------------------------------------------

def floors(changes: list[dict]) -> tuple[float, float]:
    from django.db import connection, transaction

    from listings.ingest import WrittenListing
    from listings.models import Seller
    from monitoring.matcher import current_matcher

    seller_ids = dict(Seller.objects.values_list("external_id", "id"))
    rows = [(c["external_id"], seller_ids[c["seller_external_id"]], c["title"], c["description"], "", c["ships_from"],
             c["price"], "USD", "", "x" * 32) for c in changes]
    columns = ["external_id", "seller_id", "title", "description", "brand_name", "ships_from", "price", "currency",
               "url", "content_hash"]
    matcher = current_matcher()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE floor_listing (external_id varchar(64), seller_id bigint, "
                       "title varchar(300), description text, brand_name varchar(200), ships_from varchar(2), "
                       "price numeric(12, 2), currency varchar(3), url varchar(200), content_hash varchar(32))")
        t0 = time.perf_counter()
        copy_rows(cursor.cursor, "floor_listing", columns, rows)
        copy = time.perf_counter() - t0
        cursor.execute("TRUNCATE floor_listing")
        t0 = time.perf_counter()
        copy_rows(cursor.cursor, "floor_listing", columns, rows)
        cursor.execute("SELECT 0, external_id, false, seller_id, title, description, brand_name, ships_from, price, "
                       "currency, url FROM floor_listing")
        back = [WrittenListing(*r) for r in cursor.fetchall()]
        hits = sum(1 for h in matcher.match_many(back) if h)
        copy_match = time.perf_counter() - t0
        transaction.set_rollback(True)
    n = len(changes)
    print(f"floor, COPY of {n:,} rows into a table of the listings' shape: {n / copy:,.0f} rows/s")
    print(f"floor, COPY + read back + match: {n / copy_match:,.0f} listings/s ({hits:,} hit a rule)")
    return n / copy, n / copy_match


# --- the bulk API -----------------------------------------------------------------------------------

def api_run(market, changes: list[dict], batch: int) -> tuple[float, dict]:
    from rest_framework.test import APIRequestFactory, force_authenticate

    from listings.api import ListingBulkIngestApi

    view = ListingBulkIngestApi.as_view()
    factory = APIRequestFactory()
    bodies = [gzip.compress("\n".join(json.dumps(c) for c in changes[i:i + batch]).encode(), 1)
              for i in range(0, len(changes), batch)]
    totals = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    t0 = time.perf_counter()
    for body in bodies:
        request = factory.generic("POST", "/api/v1/listings/bulk/", body, content_type="application/x-ndjson",
                                  HTTP_CONTENT_ENCODING="gzip")
        force_authenticate(request, user=market)
        response = view(request)
        assert response.status_code == 200, response.data
        for k in totals:
            totals[k] += response.data["listings"][k]
    return time.perf_counter() - t0, totals


# --- the streams ------------------------------------------------------------------------------------

def consumers_start(k: int, redis_url: str, prefix: str, partitions: int, idle_exit: float | None = None):
    env = {**os.environ, "CELERY_BROKER_URL": "", "PYTHONUNBUFFERED": "1"}
    procs, logs = [], []
    for i in range(k):
        args = [sys.executable, str(ROOT / "manage.py"), "ingest_stream", "--redis", redis_url, "--prefix", prefix,
                "--partitions", str(partitions), "--name", f"bench-{i}", "--batch", "2000", "--lease-ms", "3000"]
        if idle_exit:
            args += ["--idle-exit", str(idle_exit)]
        log = Path(f"/tmp/ingest_bench_{prefix.replace(':', '_')}_{i}.log")
        logs.append(log)
        procs.append(subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT))
    deadline = time.time() + 120
    while not all(log.exists() and "consumer bench-" in log.read_text(errors="replace") for log in logs):
        if time.time() > deadline or any(p.poll() is not None for p in procs):
            raise SystemExit("a consumer did not start: " + " ".join(str(log) for log in logs))
        time.sleep(0.05)
    return procs


def consumers_stop(procs) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()


def applied_total(prefix: str) -> int:
    from django.db.models import Sum

    from listings.models import IngestStreamOffset

    return IngestStreamOffset.objects.filter(stream__startswith=f"redis:{prefix}:").aggregate(
        n=Sum("applied"))["n"] or 0


def stream_run(client, redis_url: str, changes: list[dict], consumers: int, partitions: int) -> float:
    from listings.stream import stream_publish

    prefix = f"bench-ingest-{uuid.uuid4().hex[:8]}"
    for i in range(0, len(changes), 5000):
        stream_publish(client, changes[i:i + 5000], partitions=partitions, prefix=prefix)
    procs = consumers_start(consumers, redis_url, prefix, partitions)
    try:
        t0 = time.perf_counter()
        while applied_total(prefix) < len(changes):
            if any(p.poll() is not None for p in procs):
                raise SystemExit("a consumer exited")
            time.sleep(0.05)
        elapsed = time.perf_counter() - t0
    finally:
        consumers_stop(procs)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    return elapsed


def latency_run(client, redis_url: str, rng, terms, rate: int, seconds: float, partitions: int) -> list[float]:
    """Offer `rate` changes/s for `seconds` to one consumer; the latency of each violating change
    from its XADD to the start of its restriction."""
    from actions.models import Restriction
    from listings.stream import stream_publish

    prefix = f"bench-latency-{uuid.uuid4().hex[:8]}"
    procs = consumers_start(1, redis_url, prefix, partitions)
    tag = uuid.uuid4().hex[:6]
    sent: dict[str, float] = {}
    try:
        tick, start, i = 0.02, time.time(), 0
        while time.time() - start < seconds:
            due = int((time.time() - start) * rate)
            if due > i:
                batch = make_changes(rng, terms, due - i, f"L{tag}-{i}")
                now = time.time()
                stream_publish(client, batch, partitions=partitions, prefix=prefix)
                sent.update({c["external_id"]: now for c in batch if c["ships_from"] not in AUTHORIZED
                             and c["title"].split()[0].lower() in TERM_SET})
                i = due
            time.sleep(tick)
        deadline = time.time() + 120
        while applied_total(prefix) < i and time.time() < deadline:
            time.sleep(0.1)
    finally:
        consumers_stop(procs)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    started = dict(Restriction.objects.filter(listing__external_id__startswith=f"L{tag}-")
                   .values_list("listing__external_id", "started_at"))
    return sorted(started[e].timestamp() - t if e in started else float("inf") for e, t in sent.items())


TERM_SET: set[str] = set()


def pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=50_000, help="N listing changes per mix")
    parser.add_argument("--batch", type=int, default=10_000, help="changes per API call (at most 10,000)")
    parser.add_argument("--brands", type=int, default=2_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--rates", default="500,1000,2000,5000", help="offered changes/s for the latency runs")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each latency run")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    bench, admin, name = bench_url(url, "ingest_bench")
    prepare_database(admin, name, reuse=False)
    os.environ["DATABASE_URL"] = bench
    redis_url = os.environ.get("INGEST_STREAM_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/1"
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks in-process: everything the batch causes is timed
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipportal.settings")
    import django

    django.setup()
    import redis

    client = redis.Redis.from_url(redis_url)
    rng = random.Random(2026)
    terms = make_terms(rng, args.brands)
    TERM_SET.update(t for ts in terms for t in ts)
    market = setup(terms)
    n = args.changes
    print(f"ingest bench on postgresql ({name}), Redis {redis_url}: {n:,} changes per mix, {args.batch:,} per API "
          f"call, {args.brands:,} brands x 5 terms, {VIOLATING:.0%} violating")
    new = make_changes(rng, terms, n, "IA")
    copy_rate, floor = floors(new)
    from complaints.models import Case

    api_run(market, make_changes(rng, terms, min(n, 200), "WARM"), args.batch)  # the automaton built: not timed
    results = {}
    changed = make_changes(rng, terms, n, "IA", version=1)
    price_only = [dict(c, price="99.00") for c in changed]
    mixes = [("new listings", new), ("changed titles", changed), ("price-only changes", price_only),
             ("unchanged (the same payload again)", price_only)]
    for label, changes in mixes:
        cases_before = Case.objects.count()
        elapsed, totals = api_run(market, changes, args.batch)
        rate = len(changes) / elapsed
        results[label] = rate
        print(f"bulk API, {label}: {len(changes):,} in {elapsed:.2f} s = {rate:,.0f} listings/s "
              f"(created {totals['created']:,}, updated {totals['updated']:,}, unchanged {totals['unchanged']:,}, "
              f"failed {totals['failed']:,}; {Case.objects.count() - cases_before:,} cases opened); "
              f"the COPY + match floor is {floor / rate:.1f}x this")
    for k in (1, 2):
        changes = make_changes(rng, terms, n, f"S{k}")
        elapsed = stream_run(client, redis_url, changes, k, args.partitions)
        rate = n / elapsed
        results[f"stream {k}"] = rate
        print(f"stream, {k} consumer{'s' if k > 1 else ''}, new listings: {n:,} in {elapsed:.2f} s = {rate:,.0f} "
              f"listings/s; the COPY + match floor is {floor / rate:.1f}x this")
    crossed = None
    for rate in [int(r) for r in args.rates.split(",") if r]:
        latencies = latency_run(client, redis_url, rng, terms, rate, args.seconds, args.partitions)
        p50, p99 = pct(latencies, 0.50), pct(latencies, 0.99)
        print(f"change to suppression at {rate:,} changes/s offered for {args.seconds:.0f} s, one consumer: "
              f"{len(latencies):,} violating changes, p50 {p50:.2f} s, p99 {p99:.2f} s")
        if crossed is None and p99 > 5:
            crossed = rate
    print("p99 passes 5 s at: " + (f"{crossed:,} changes/s" if crossed else "none of the rates offered"))
    e2e, same = results["new listings"], results["unchanged (the same payload again)"]
    print(f"targets: end to end >= 20,000/s: {'met' if e2e >= 20_000 else 'NOT met'} ({e2e:,.0f}); within 3x of "
          f"the COPY + match floor: {'met' if floor / e2e <= 3 else 'NOT met'} ({floor / e2e:.1f}x); unchanged "
          f">= 50,000/s: {'met' if same >= 50_000 else 'NOT met'} ({same:,.0f}); COPY alone {copy_rate:,.0f} rows/s")


if __name__ == "__main__":
    main()
