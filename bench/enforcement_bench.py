"""10,000 takedowns decided at once, applied end to end through Celery + Redis + PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_strikes_bench \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/8 python bench/enforcement_bench.py [--n 10000]

Creates the database if missing and migrates it, starts a real `celery worker` subprocess (2
processes, as `make worker`) on a queue of its own, runs a warm-up of 1,000 takedowns (not timed;
then ANALYZE), bulk-creates N decided cases (one report, N listings, N decisions), and times the
decision's transaction (the N pending takedowns written as one bulk job, the chunk messages
published on its commit) and then, the figure, the takedowns applied end to end: from that commit
until every action is applied, with its listing changed, its webhook event and its chunk's audit entry
written. In the same run it times the floor: one plain SQL UPDATE of the same listings' status
(tables vacuumed before each, as before the real run). Prints wall times, listings/s, the ratios,
and the CPU time the workers, PostgreSQL and Redis spent while applying (from /proc): divided by
the cores, the shortest time any schedule of that work could take.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=None, help="actions per chunk task (default: the setting, 1000)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (prefork; make worker runs 2)")
    parser.add_argument("--warmup", type=int, default=1000, help="takedowns run first, not timed (0: none)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); see the docstring.")
    queue = f"bench-{uuid.uuid4().hex[:10]}"
    os.environ["CELERY_QUEUE"] = queue
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipportal.settings")
    _create_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings

    args.chunk = args.chunk or settings.ENFORCEMENT_CHUNK_SIZE
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    worker = _start_worker(queue, args.concurrency)
    try:
        _run(args, queue, worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        _drop_queue(queue)


def _create_database(url: str) -> None:
    import psycopg2

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def _start_worker(queue: str, concurrency: int) -> subprocess.Popen:
    from ipportal.celery import all_queues  # every lane's queue of this run (the takedowns: enforcement)

    log = open(REPO / "var" / f"{queue}.log", "wb") if (REPO / "var").is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ipportal", "worker", "--pool=prefork",
         f"--concurrency={concurrency}", "-Q", ",".join(all_queues(queue)), "-n", f"{queue}@%h", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=log, stderr=subprocess.STDOUT,
    )
    from ipportal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # ready when it answers a ping
        if app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5):
            return proc
        if proc.poll() is not None:
            sys.exit(f"worker exited with {proc.returncode}")
    sys.exit("worker not ready after 60 s")


def _drop_queue(queue: str) -> None:
    from kombu import Connection

    from ipportal.celery import all_queues

    with Connection(os.environ["CELERY_BROKER_URL"]) as conn:
        for name in all_queues(queue):  # the run's queue and its lanes'
            conn.default_channel.queue_delete(name)
            conn.default_channel.client.delete(f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


def _seed(n: int):
    """N active listings of one seller, one report, N decided cases and their decisions."""
    from django.utils import timezone

    from accounts.models import User
    from complaints.models import Case, CaseState, Decision, Outcome, Report
    from listings.models import Listing, Seller
    from registry.models import Brand, IPRight

    tag = uuid.uuid4().hex[:8]
    reviewer = User.objects.create(username=f"bench-rev-{tag}", role="reviewer")
    reporter = User.objects.create(username=f"bench-rh-{tag}", role="rights_holder")
    brand = Brand.objects.create(name=f"Bench {tag}")
    right = IPRight.objects.create(brand=brand, kind="trademark", name=f"BENCH{tag}", registration_number=tag,
                                   office="USPTO", status="verified")
    seller = Seller.objects.create(name=f"Bench seller {tag}", external_id=f"bench-{tag}", country="US")
    listings = Listing.objects.bulk_create([
        Listing(external_id=f"bench-{tag}-{i}", seller=seller, title=f"Bench item {i}", ships_from="US", price=9)
        for i in range(n)], batch_size=2000)
    now = timezone.now()
    report = Report.objects.create(
        brand=brand, right=right, reporter=reporter, kind="trademark", capacity="owner",
        infringement_type="counterfeit", explanation="bench", contact_email="bench@example.test",
        decl_good_faith=True, decl_accurate=True, decl_authority=True, signature="Bench", signed_at=now)
    cases = Case.objects.bulk_create([
        Case(report=report, listing=lst, right=right, brand=brand, kind=right.kind, state=CaseState.ACTIONED,
             listing_snapshot={}, due_at=now)
        for lst in listings], batch_size=2000)
    decisions = Decision.objects.bulk_create([
        Decision(case=c, outcome=Outcome.REMOVE, reason_code="tm_counterfeit", statement="Bench removal.",
                 decided_by=reviewer) for c in cases], batch_size=2000)
    return listings, decisions, reviewer


def _design_floor(ids: list[int], decisions, chunk: int) -> float:
    """What any implementation of this design must write per takedown, with nothing else: the
    listing's UPDATE, the action's INSERT (pending) and UPDATE (applied), the restriction it
    imposes, the webhook event with its statement, and the chunk's audit entry (each takedown in
    it), each as one
    set-based statement over all rows, in one transaction, rolled back (its commit and deferred
    foreign-key checks not counted). Serial, on one connection: the real run spreads the same
    work over two worker processes."""
    from django.db import connection, transaction

    statement = decisions[0].statement
    t0 = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("UPDATE listings_listing SET status = 'removed', updated_at = now() WHERE id = ANY(%s)", [ids])
            cur.execute("INSERT INTO enforcement_enforcementaction (listing_id, decision_id, case_id, kind, status, "
                        "idempotency_key, attempts, last_error, created_at, updated_at) SELECT l, d, c, 'remove', "
                        "'pending', 'floor:' || l, 0, '', now(), now() FROM unnest(%s::bigint[], %s::bigint[], "
                        "%s::bigint[]) AS t(l, d, c)",
                        [[d.case.listing_id for d in decisions], [d.pk for d in decisions],
                         [d.case_id for d in decisions]])
            cur.execute("UPDATE enforcement_enforcementaction SET status = 'applied', applied_at = now(), "
                        "attempts = 1 WHERE idempotency_key LIKE 'floor:%%'")
            cur.execute("INSERT INTO actions_restriction (listing_id, kind, source, case_id, decision_id, "
                        "imposed_by_id, started_at) SELECT a.listing_id, 'removed', 'decision', a.case_id, "
                        "a.decision_id, a.id, now() FROM enforcement_enforcementaction a "
                        "WHERE a.idempotency_key LIKE 'floor:%%'")
            cur.execute("INSERT INTO enforcement_webhookevent (event_id, type, action_id, payload, created_at) "
                        "SELECT 'evt_' || md5(a.id::text), 'listing.removed', a.id, jsonb_build_object("
                        "'id', 'evt_' || md5(a.id::text), 'type', 'listing.removed', 'data', jsonb_build_object("
                        "'listing_id', a.listing_id, 'statement_of_reasons', %s::text)), now() "
                        "FROM enforcement_enforcementaction a WHERE a.idempotency_key LIKE 'floor:%%'", [statement])
            cur.execute("INSERT INTO audit_auditentry (created_at, actor_repr, action, target_type, target_id, "
                        "target_repr, data, seq, prev_hash, hash) SELECT now(), 'system', 'bulkjob.chunk_applied', "
                        "'enforcement.bulkjob', 0, 'chunk', jsonb_build_object('applied', jsonb_agg(jsonb_build_array("
                        "a.id, a.listing_id, 'active', 'removed', 'evt_' || md5(a.id::text)) ORDER BY a.id)), NULL, "
                        "'', NULL FROM enforcement_enforcementaction a WHERE a.idempotency_key LIKE 'floor:%%' "
                        "GROUP BY a.id / %s", [chunk])
        elapsed = time.perf_counter() - t0
        transaction.set_rollback(True)
    return elapsed


def _decide_at_once(decisions, reviewer, chunk: int):
    """The decision's transaction: the N pending takedowns written as one bulk job; the chunk
    messages are published when it commits. Returns the job."""
    from django.db import transaction

    from actions.bulk import NewAction, bulk_job_create
    from actions.models import ActionKind, BulkJobKind

    with transaction.atomic():
        return bulk_job_create(kind=BulkJobKind.TAKEDOWNS, title=f"Bench {len(decisions)} takedowns", actor=reviewer,
                               chunk_size=chunk, actions=[
                                   NewAction(decision_id=d.pk, case_id=d.case_id, listing_id=d.case.listing_id,
                                             kind=ActionKind.REMOVE,
                                             idempotency_key=f"decision:{d.pk}:remove:{d.case.listing_id}")
                                   for d in decisions])


def _wait(job, t0: float) -> float:
    from actions.models import BulkJob, BulkJobStatus

    while BulkJob.objects.filter(pk=job.pk, status=BulkJobStatus.RUNNING).exists():
        time.sleep(0.02)
        if time.perf_counter() - t0 > 600:
            sys.exit("not finished after 600 s")
    return time.perf_counter() - t0


def _cpu_seconds(worker_pid: int) -> dict[str, float]:
    """CPU time (user + system) used so far by the Celery worker's processes, PostgreSQL's, Redis's
    and this script, from /proc (Linux; empty elsewhere). PostgreSQL and Redis run on this machine."""
    proc, tick = Path("/proc"), os.sysconf("SC_CLK_TCK")
    if not (proc / str(worker_pid)).exists():
        return {}
    totals = dict.fromkeys(("workers", "postgres", "redis", "bench"), 0.0)
    stats = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                raw = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            comm, rest = raw[raw.index("(") + 1:raw.rindex(")")], raw[raw.rindex(")") + 2:].split()
            # ppid; utime + stime, and for PostgreSQL's server also cutime + cstime: what its
            # backends that have exited used (a connection closed meanwhile still counts)
            used = int(rest[11]) + int(rest[12]) + (int(rest[13]) + int(rest[14]) if comm == "postgres" else 0)
            stats[int(entry.name)] = (comm, int(rest[1]), used / tick)
    workers = {worker_pid} | {pid for pid, (_, ppid, _) in stats.items() if ppid == worker_pid}
    for pid, (comm, _, seconds) in stats.items():
        name = ("workers" if pid in workers else "bench" if pid == os.getpid() else
                "postgres" if comm.startswith("postgres") else "redis" if comm.startswith("redis") else None)
        if name:
            totals[name] += seconds
    return totals


def _run(args, queue: str, worker_pid: int) -> None:
    from django.db import connection, transaction

    from listings.models import Listing

    # Warm-up, not timed: the worker processes connect and import, and the tables get statistics,
    # as in a running installation (on a fresh database the planner knows nothing of the rows).
    if args.warmup:
        _, decisions, reviewer = _seed(args.warmup)
        _wait(_decide_at_once(decisions, reviewer, args.chunk), time.perf_counter())
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print(f"warm-up: {args.warmup} takedowns through the same path (not timed); tables analyzed")

    listings, decisions, reviewer = _seed(args.n)
    ids = [lst.pk for lst in listings]
    print(f"seeded {args.n} listings, decided cases and decisions; queue {queue}, chunk {args.chunk}, "
          f"worker concurrency {args.concurrency}")

    # The floor: one plain UPDATE of the same rows, committed (then put back for the real run);
    # the median of three, as a single UPDATE's time varies by tens of ms on a shared machine.
    # Each on vacuumed tables, as the real run is: the row versions an UPDATE leaves behind would
    # slow whatever comes next (autovacuum clears them in a running installation).
    def vacuum() -> None:
        with connection.cursor() as cur:
            for table in ("listings_listing", "enforcement_enforcementaction", "enforcement_webhookevent",
                          "audit_auditentry"):
                cur.execute(f"VACUUM {table}")

    floors = []
    with connection.cursor() as cur:
        for _ in range(3):
            vacuum()
            t0 = time.perf_counter()
            with transaction.atomic():
                cur.execute("UPDATE listings_listing SET status = 'removed', updated_at = now() WHERE id = ANY(%s)",
                            [ids])
            floors.append(time.perf_counter() - t0)
            cur.execute("UPDATE listings_listing SET status = 'active' WHERE id = ANY(%s)", [ids])
    floor = statistics.median(floors)

    vacuum()
    design_floor = _design_floor(ids, decisions, args.chunk)
    vacuum()

    t0 = time.perf_counter()
    job = _decide_at_once(decisions, reviewer, args.chunk)
    created = time.perf_counter() - t0  # includes publishing the chunk messages on commit
    cpu_before = _cpu_seconds(worker_pid)
    wall = _wait(job, t0)
    applying = wall - created
    cpu = {name: _cpu_seconds(worker_pid)[name] - before for name, before in cpu_before.items()}
    job.refresh_from_db()
    removed = Listing.objects.filter(pk__in=ids, status="removed").count()
    assert job.done == args.n and removed == args.n, (job.done, job.failed, removed)
    print(f"the decision's transaction (pending actions written, chunk messages published on commit): {created:.2f} s")
    print(f"applied end to end through Celery + Redis + PostgreSQL (from the decision's commit to the last takedown "
          f"applied, its event and audit entry written): {applying:.2f} s = {args.n / applying:,.0f} listings/s")
    print(f"floor (one SQL UPDATE of the same rows): {floor * 1000:.1f} ms = {args.n / floor:,.0f} listings/s")
    print(f"ratio applied end to end / floor: {applying / floor:.1f}x")
    if cpu:
        cores = os.cpu_count()
        print(f"CPU time while applying: {sum(cpu.values()):.2f} s (Celery workers {cpu['workers']:.2f}, PostgreSQL "
              f"{cpu['postgres']:.2f}, Redis {cpu['redis']:.2f}, this script {cpu['bench']:.2f}) on {cores} cores: "
              f"no schedule could apply it in under {sum(cpu.values()) / cores:.2f} s")
    print(f"with the decision's transaction: {wall:.2f} s = {args.n / wall:,.0f} listings/s; ratio to the floor "
          f"{wall / floor:.1f}x")
    print(f"design floor (the rows this design writes per takedown, as plain SQL in one transaction): "
          f"{design_floor * 1000:.0f} ms = {design_floor / floor:.1f}x the floor")
    from audit.services import audit_chain_pending

    t0 = time.perf_counter()
    linked = audit_chain_pending()
    print(f"afterwards, beat's link run (not part of the takedowns' path): {linked:,} audit entries linked "
          f"into the hash chain in {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
