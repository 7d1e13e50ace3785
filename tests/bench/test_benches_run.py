"""Every script in bench/ still runs and prints its figures.

The benchmarks load their data with bulk inserts and COPY, past the services' defaults, so a new
NOT NULL column breaks them without any other test noticing. Each test runs one script as its own
process, at the smallest sizes its arguments allow, against a PostgreSQL database of its own
(test_<name>_smoke_<bench>, never a real bench database), and checks it exits 0 and prints every
figure line. The figures themselves are not asserted: a benchmark inside a test measures nothing.
"""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.base.creation import TEST_DATABASE_PREFIX

from ..conftest import redis_reachable, require_service

REPO = Path(__file__).resolve().parents[2]
BENCH_TIMEOUT = 240  # seconds; a bound, not a pace: each script takes about 5-10 s here (SQLite's migrations ~15-45 s)

pytestmark = pytest.mark.bench


def _admin_connection():
    db = connection.settings_dict
    conn = psycopg2.connect(dbname="postgres", user=db["USER"] or "postgres", password=db["PASSWORD"] or None,
                            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
    conn.autocommit = True
    return conn


def database_exists(name: str) -> bool:
    conn = _admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cur.fetchone() is not None
    finally:
        conn.close()


def drop_databases(*names: str) -> None:
    conn = _admin_connection()
    try:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


class SmokeDatabase:
    """The DATABASE_URL a bench process gets, and the databases it may leave behind."""

    def __init__(self, bench: str):
        db = connection.settings_dict
        # pytest-django's test database name, whether or not this session has created it yet.
        base = db["NAME"] if db["NAME"].startswith(TEST_DATABASE_PREFIX) else TEST_DATABASE_PREFIX + db["NAME"]
        self.name = f"{base}_smoke_{bench}"
        auth = quote(db["USER"] or "postgres")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"])
        self.url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{self.name}"
        # The scripts use the name itself, name + "_bench", or Django's test_<name>.
        self.created = [self.name, f"{self.name}_bench", TEST_DATABASE_PREFIX + self.name]


@pytest.fixture
def smoke_database(require_postgres):
    """smoke_database("queue"): the databases of one bench run, dropped before (a killed run's
    leftovers) and after the test."""
    made: list[SmokeDatabase] = []

    def make(bench: str) -> SmokeDatabase:
        db = SmokeDatabase(bench)
        drop_databases(*db.created)
        made.append(db)
        return db

    yield make
    for db in made:
        drop_databases(*db.created)


def run_bench(script: str, *args: str, env: dict[str, str]) -> str:
    """Run bench/<script> to completion and return its stdout; fail with its output unless it exits 0.

    It runs in a session of its own so that a timeout also stops the Celery worker it may have started.
    """
    proc = subprocess.Popen([sys.executable, str(REPO / "bench" / script), *args], cwd=REPO,
                            env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=BENCH_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        pytest.fail(f"bench/{script} {' '.join(args)} did not finish in {BENCH_TIMEOUT} s\n"
                    f"--- stdout ---\n{stdout[-3000:]}\n--- stderr ---\n{stderr[-3000:]}")
    if proc.returncode != 0:
        pytest.fail(f"bench/{script} {' '.join(args)} exited with {proc.returncode}\n"
                    f"--- stdout ---\n{stdout[-3000:]}\n--- stderr ---\n{stderr[-5000:]}")
    return stdout


def figure(stdout: str, pattern: str) -> re.Match:
    """The line of stdout matching `pattern`; fails naming the figure line that is missing."""
    match = re.search(pattern, stdout, re.MULTILINE)
    if match is None:
        pytest.fail(f"no line matching {pattern!r} in the bench's output:\n{stdout}")
    return match


def bench_env(db: SmokeDatabase, *, broker: str | None = None) -> dict[str, str]:
    """The test process's environment, pointed at the smoke database. Without a broker the bench runs
    its tasks in-process, as its docstring says; with one, tasks go to that broker."""
    env = {**os.environ, "DATABASE_URL": db.url}
    env.pop("CELERY_BROKER_URL", None)
    if broker:
        env["CELERY_BROKER_URL"] = broker
    return env


def test_queue_bench_prints_page_and_claim_figures(smoke_database):
    db = smoke_database("queue")
    out = run_bench("queue_bench.py", "--cases", "200", "--listings", "100", "--repeats", "2", "--claims", "5",
                    "--paced", "2", "--pace", "0.2", env=bench_env(db))

    figure(out, rf"^Database {db.name}_bench: created$")
    for label in ("default (overdue first, lane, age)", "filtered: lane+kind+brand+age", "filtered: source=automatic",
                  "sort=oldest, page 20", "assigned to me", "100 rows per page"):
        figure(out, rf"^  {re.escape(label)}\s+median\s+[\d.]+ ms\s+p95\s+[\d.]+ ms\s+\(n=\d+\)$")
    # The counts: never recounted by a request; cold pages say so and queue one refresh.
    figure(out, r"^Floor: the recount itself \(one grouped query over the backlog, \d+ groups\), which a request "
                r"used to pay when the counts were missing: \d+ ms$")
    figure(out, r"^  cold: no counts in the cache\s+median\s+[\d.]+ ms\s+p95\s+[\d.]+ ms\s+\(n=8\); "
                r"refreshes queued: 8$")
    figure(out, r"^  paced: one request every 0.2 s\s+median\s+[\d.]+ ms\s+p95\s+[\d.]+ ms\s+\(n=2\); "
                r"beat recounting every \d+ s; pages with counts updating: \d$")
    # 180-odd of the 200 cases are open: a default page lists a full page of them.
    figure(out, r"^  default  size  25: \d+ queries, 25 rows listed$")
    figure(out, r"^  default  size 100: \d+ queries, 100 rows listed$")
    figure(out, r"^Baseline: plain indexed SELECT of 25 open cases\s+median\s+[\d.]+ ms\s+p95")
    figure(out, r"^claim-next, 8 concurrent claimer processes x 5:\s+median\s+[\d.]+ ms\s+p95\s+[\d.]+ ms\s+\(n=40\)$")
    claims = figure(out, r"^  [\d,]+ claims/s; distinct cases (\d+) of (\d+) claims$")
    assert claims.group(1) == claims.group(2) == "40", "two claimers were given the same case"
    linked = figure(out, r"^  then the beat's link run: ([\d,]+) audit entries linked into the chain in \d+ ms$")
    assert int(linked.group(1).replace(",", "")) >= 40, "the claims' audit entries were not written"
    figure(out, r"^Baseline: plain indexed SELECT of the next open case, 8 processes:\s+median\s+[\d.]+ ms\s+p95")
    figure(out, r"^  claim-next median / baseline median = [\d,]+x$")
    figure(out, r"^Backlog: 200 cases$")


def test_report_api_bench_prints_api_and_baseline_medians(smoke_database):
    db = smoke_database("report")
    out = run_bench("report_api_bench.py", "--runs", "1", "--listings", "3", env=bench_env(db))

    figure(out, r"^runs: 1 \(after one warm-up\), 3 listings each, PostgreSQL \d+$")
    figure(out, r"^API POST /api/v1/reports/ with 3 listings: median \d+ ms \(min \d+, max \d+\)$")
    figure(out, r"^baseline bare bulk insert of 3 cases:\s+median \d+ ms$")
    figure(out, r"^ratio API / baseline: [\d.]+x$")
    # It promises to leave nothing behind: its throwaway test_<name> database is gone.
    assert not database_exists(TEST_DATABASE_PREFIX + db.name)


def test_report_decide_bench_prints_the_request_and_background_times(smoke_database):
    db = smoke_database("decide")
    out = run_bench("report_decide_bench.py", "--runs", "1", "--cases", "5", env=bench_env(db))

    figure(out, r"^runs: 1, 5 cases per report, PostgreSQL \d+, no broker: publishing is a counting no-op$")
    figure(out, r"^run 1: request [\d,]+ ms, redirected to /review/enforcement/jobs/\d+/; 1 of 5 cases decided "
                r"when the response was sent$")
    figure(out, r"^  background \(in-process\): 4 cases decided in [\d.]+ s \([\d,]+ cases/s\); their 4 of 4 "
                r"takedowns applied in [\d.]+ s \(decided and applied: [\d,]+ cases/s; Finished\)$")
    figure(out, r"^  audit chain \(the beat's link task\): \d+ entries linked in [\d.]+ s \([\d,]+ entries/s\); "
                r"decided with the linking inline: [\d,]+ cases/s$")
    figure(out, r"^  floor: one UPDATE of 5 cases and one INSERT each of their decisions and actions \(no audit, "
                r"strikes, e-mails, restrictions\): [\d,]+ cases/s; decided at [\d.]+x the floor's time$")
    figure(out, r"^request median: [\d,]+ ms \(min [\d,]+, max [\d,]+\)$")
    figure(out, r"^background median: decided [\d,]+ cases/s, decided and applied [\d,]+ cases/s, decided with the "
                r"audit linking inline [\d,]+ cases/s; floor [\d,]+ cases/s \(ratio [\d.]+x\)$")
    # The walk, its takedown's task and the one e-mail task of the reviewer's own decision.
    figure(out, r"^messages published \(counted\): 3$")
    assert not database_exists(TEST_DATABASE_PREFIX + db.name)


def test_protection_bench_prints_rule_stage_regex_and_end_to_end_rates(smoke_database):
    db = smoke_database("protection")
    out = run_bench("protection_bench.py", "--listings", "200", "--regex-sample", "50", "--e2e", "200",
                    env=bench_env(db))

    figure(out, r"^automaton: 10,000 terms of 2,000 brands built in \d+ ms$")
    figure(out, r"^rule stage, listing by listing \(Matcher.match\): 200 listings in [\d.]+ s = [\d,]+ listings/s; "
                r"\d+ listings hit$")
    figure(out, r"^rule stage, 1,000 at a time \(Matcher.match_many\): 200 listings in [\d.]+ s = [\d,]+ listings/s; "
                r"the same hits as listing by listing: True$")
    figure(out, r"^floor \(normalize \+ automaton scan, nothing per match, listing by listing\): [\d,]+ listings/s")
    figure(out, r"^baseline \(trie regex of 10,000 terms, .*\): 200 listings in [\d.]+ s = [\d,]+ listings/s; "
                r"every trie-regex hit found by the automaton too: True$")
    figure(out, r"^second baseline \(plain regex alternation of 10,000 terms, .*\): 50 listings in [\d.]+ s = "
                r"[\d,]+ listings/s.*every regex hit found by the automaton too: True;")
    figure(out, r"^ratio: the automaton \(best of the two\) checks [\d.]+x as many listings per second as the trie "
                r"regex \(target 2x: (met|NOT met)\), [\d,]+x the plain alternation; [\d.]+x the listing-by-listing "
                r"floor; [\d,]+ listings/s against the 92,600/s target: (met|NOT met)$")
    figure(out, rf"^end to end on postgresql \({db.name}_bench\)$")
    e2e = figure(out, r"^end to end \(bulk ingest API.*\): 190 listings in [\d.]+ s = [\d,]+ listings/s "
                      r"\(sample of 200, not 200,000\); (\d+) cases opened, (\d+) listings suppressed$")
    # The sample holds listings naming a watched term and shipped from outside the brand's countries.
    assert int(e2e.group(1)) > 0 and int(e2e.group(2)) > 0, e2e.group(0)


@pytest.mark.worker
def test_enforcement_bench_prints_end_to_end_and_floor(smoke_database):
    broker = settings.CELERY_BROKER_URL
    require_service(bool(broker) and redis_reachable(broker),
                    f"needs a reachable Redis broker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/5 (got {broker!r})")
    db = smoke_database("enforcement")
    out = run_bench("enforcement_bench.py", "--n", "20", "--chunk", "10", "--warmup", "10",
                    env=bench_env(db, broker=broker))

    figure(out, r"^warm-up: 10 takedowns through the same path \(not timed\); tables analyzed$")
    queue = figure(out, r"^seeded 20 listings, decided cases and decisions; queue (bench-[0-9a-f]+), chunk 10, "
                        r"worker concurrency 2$").group(1)
    (REPO / "var" / f"{queue}.log").unlink(missing_ok=True)  # the worker's log, kept only when var/ exists
    figure(out, r"^the decision's transaction \(pending actions written, chunk messages published on commit\): "
                r"[\d.]+ s$")
    figure(out, r"^applied end to end through Celery \+ Redis \+ PostgreSQL \(from the decision's commit to the last "
                r"takedown applied, its event and audit entry written\): [\d.]+ s = [\d,]+ listings/s$")
    figure(out, r"^floor \(one SQL UPDATE of the same rows\): [\d.]+ ms = [\d,]+ listings/s$")
    figure(out, r"^ratio applied end to end / floor: [\d.]+x$")
    figure(out, r"^CPU time while applying: [\d.]+ s \(Celery workers [\d.]+, PostgreSQL [\d.]+, Redis [\d.]+, this "
                r"script [\d.]+\) on \d+ cores: no schedule could apply it in under [\d.]+ s$")
    figure(out, r"^with the decision's transaction: [\d.]+ s = [\d,]+ listings/s; ratio to the floor [\d.]+x$")
    figure(out, r"^design floor \(the rows this design writes per takedown, as plain SQL in one transaction\): "
                r"\d+ ms = [\d.]+x the floor$")
    figure(out, r"^afterwards, beat's link run \(not part of the takedowns' path\): [\d,]+ audit entries linked")


def test_sqlite_concurrency_bench_prints_both_settings_5xx_counts(tmp_path):
    """SQLite only: it migrates a temporary file database of its own, whatever the tests use."""
    env = {**os.environ}
    env.pop("CELERY_BROKER_URL", None)
    out = run_bench("sqlite_concurrency.py", "--reviewers", "3", "--runs", "1", env=env)

    figure(out, r"^3 reviewers in parallel threads, 1 runs; each run: 3 claim-next POSTs at once, then 3 decision "
                r"POSTs at once$")
    figure(out, r"^  journal_mode=delete, transaction_mode=DEFERRED, timeout=5 s$")
    figure(out, r"^  journal_mode=wal, transaction_mode=IMMEDIATE, timeout=[\d.]+ s$")
    runs = re.findall(r"^  run 1: claim-next (\d+) of 3 answered 5xx \([\d.]+ s\), decide (\d+) of 3 \([\d.]+ s\)$",
                      out, re.MULTILINE)
    assert len(runs) == 2, out
    total = figure(out, r"^5xx answers: baseline (\d+)/6 -> project settings (\d+)/6$")
    assert total.group(2) == "0", "a request failed with the project's SQLite settings"


def test_transparency_bench_prints_export_baseline_and_snapshot_figures(smoke_database):
    db = smoke_database("transparency")
    out = run_bench("transparency_bench.py", "--n", "50", env=bench_env(db))
    figure(out, rf"^Database {db.name}_bench: created$")
    figure(out, r"^Recording 50 statement records \(puids\): [\d.]+ s$")
    figure(out, r"^Export \(sor_export path\) of 50 statements: [\d.]+ s, [\d,]+ statements/s, [\d.]+ MB$")
    figure(out, r"^Baseline: one set-based COPY of json_build_object, 50 lines: [\d.]+ s, [\d,]+ lines/s$")
    figure(out, r"^Ratio export / baseline: [\d.]+x$")
    figure(out, r"^Snapshots: \d+ periods \(months, quarters, years\) over 50 cases in [\d.]+ s$")


def test_certificates_bench_prints_recall_lookup_registration_and_proof_figures(smoke_database):
    db = smoke_database("certs")
    out = run_bench("certificates_bench.py", "--images", "2", "--texts", "2", "--stored", "2000", "--leaves", "2000",
                    "--lookups", "10", "--registrations", "3", "--proofs", "5", env=bench_env(db))

    figure(out, rf"^Database {db.name}_bench: created$")
    figure(out, r"^pHash recall: 2 pictures x 10 edits; [\d,]+ images/s")
    figure(out, r"^  all edits\s+<=4:\s+[\d.]+%")
    figure(out, r"^SimHash, 1% of 400 words changed: within 7 bits \d+%")
    figure(out, r"^  multi-index \(4 band indexes\) \+ exact Hamming\s+p50\s+[\d.]+ ms\s+p95\s+[\d.]+ ms\s+\(n=10\)")
    figure(out, r"^  baseline: linear scan in SQL .*p95\s+[\d.]+ ms")
    figure(out, r"^  baseline: linear scan in memory .*p95\s+[\d.]+ ms")
    agree = figure(out, r"^  multi-index and SQL scan agree on the sample: (\w+)$")
    assert agree.group(1) == "True"
    figure(out, r"^  certificate_register\s+p50\s+[\d.]+ ms\s+p95\s+[\d.]+ ms\s+\(n=3\); [\d.]+ registrations/s; "
                r"0 refused$")
    figure(out, r"^proofs at a log of 2,003 leaves")
    figure(out, r"^  inclusion proof\s+p50.*; 2 queries each$")
    figure(out, r"^  consistency proof\s+p50")


def test_ingest_bench_prints_the_paths_beside_their_floors(smoke_database):
    broker = settings.CELERY_BROKER_URL
    require_service(bool(broker) and broker.startswith("redis") and redis_reachable(broker),
                    f"needs a reachable Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/5 (got {broker!r})")
    db = smoke_database("ingest")
    env = {**bench_env(db), "INGEST_STREAM_URL": broker}
    out = run_bench("ingest_bench.py", "--changes", "300", "--batch", "100", "--brands", "40", "--partitions", "2",
                    "--rates", "50", "--seconds", "2", "--base", "200", env=env)
    # Listings stored first, untimed, and the tables analyzed, as a running marketplace's are.
    figure(out, r"^stored first, untimed: 200 listings and \d+ cases, then ANALYZE \([\d.]+ s\)$")
    # The floors: into the listings table (the targets') and into a temporary table (stricter).
    figure(out, r"^floor, COPY of 300 rows into the listings table: [\d,]+ rows/s; into a temporary table of its "
                r"shape \(no index, constraint or WAL\): [\d,]+ rows/s$")
    figure(out, r"^floor, COPY \+ read back \+ match: [\d,]+ listings/s into the listings table; [\d,]+ listings/s "
                r"into the temporary table \(\d+ hit a rule; medians of 3\)$")
    new = figure(out, r"^bulk API, new listings: 300 in [\d.]+ s = [\d,]+ listings/s \(created 300, updated 0, "
                      r"unchanged 0, failed 0; (\d+) cases opened\); the COPY \+ match floor is [\d.]+x this \([\d.]+x "
                      r"the temp-table one\)$")
    assert int(new.group(1)) > 0, new.group(0)  # 5% violate a rule
    figure(out, r"^other lanes' tasks: enforcement, housekeeping, notifications held while timed ")
    figure(out, r"^bulk API, changed titles: 300 in .* \(created 0, updated 300, unchanged 0, failed 0; ")
    # The other lanes' work, run after each mix and timed apart; the consumers' queued and purged.
    held = re.findall(r"^  then [\d,]+ held tasks \((.*)\) ran in [\d.]+ s; audit linking [\d.]+ s \([\d,]+ entries\)$",
                      out, re.MULTILINE)
    assert len(held) == 5, out
    # Pictures: written with their listings, their fetches queued a chunk to a message.
    figure(out, r"^bulk API, new listings with pictures \(3 URLs and a pHash each\): 300 in [\d.]+ s = [\d,]+ "
                r"listings/s \(created 300, updated 0, unchanged 0, failed 0; ")
    figure(out, r"^  \d+ fetch messages queued for 900 pictures \(not run here\)$")
    assert any("notifications" in lanes for lanes in held), held  # the released cases' e-mails
    assert len(re.findall(r"^  then [\d,]+ tasks queued for other workers \(.*\), purged; audit linking [\d.]+ s "
                          r"\([\d,]+ entries\)$", out, re.MULTILINE)) == 4, out
    figure(out, r"^bulk API, unchanged \(the same payload again\): 300 in .* \(created 0, updated 0, unchanged 300, ")
    # Two processes calling at once, each with its share of other new listings.
    figure(out, r"^bulk API, new listings, 2 callers at once: 300 in [\d.]+ s = [\d,]+ listings/s \(created 300, "
                r"updated 0, failed 0\); the COPY \+ match floor is [\d.]+x this \([\d.]+x the temp-table one\)$")
    figure(out, r"^bulk API, changed titles, 2 callers at once: 300 in [\d.]+ s = [\d,]+ listings/s \(created 0, "
                r"updated 300, failed 0\); the COPY \+ match floor is [\d.]+x this ")
    # One consumer reading each round only after the last applied: the read ahead's baseline.
    figure(out, r"^stream, 1 consumer without the read ahead, new listings: 300 in [\d.]+ s = [\d,]+ listings/s; ")
    figure(out, r"^stream, 1 consumer, new listings: 300 in [\d.]+ s = [\d,]+ listings/s; [\d.]+x without it; ")
    figure(out, r"^stream, 2 consumers, new listings: 300 in [\d.]+ s = [\d,]+ listings/s")
    figure(out, r"^change to suppression at 50 changes/s offered for 2 s, one consumer: \d+ violating changes, "
                r"p50 [\d.]+ s, p99 [\d.]+ s$")
    # Where the consumer's time went, from its log (ingest_stream -v 2).
    figure(out, r"^  the consumer: [\d,]+ rounds: entries per round p50 [\d,]+ \(max [\d,]+\); the oldest entry "
                r"waited p50 [\d.-]+ s \(max [\d.-]+\) to be read, its round applied in p50 [\d.]+ s \(max [\d.]+\); "
                r"busy [\d.]+ s$")
    figure(out, r"^p99 passes 5 s at: ")
    figure(out, r"^targets: end to end >= 20,000/s: one caller (met|NOT met) \([\d,]+\), two callers (met|NOT met) "
                r"\([\d,]+\); within 3x of the COPY \+ match floor: one caller (met|NOT met) ")
    figure(out, r"^  changed titles >= 20,000/s: one caller (met|NOT met) \([\d,]+, [\d.]+x the floor\), two "
                r"callers (met|NOT met) \([\d,]+, [\d.]+x\)$")
    figure(out, r"^  against the stricter temp-table floor: one caller [\d.]+x, two callers [\d.]+x; COPY alone ")


def test_package_bench_prints_build_baseline_and_checker_figures(smoke_database):
    db = smoke_database("package")
    out = run_bench("package_bench.py", "--cases", "30", env=bench_env(db))
    figure(out, rf"^Database {db.name}_bench: created$")
    figure(out, r"^loaded 30 listings, cases, decisions and 60 linked audit entries in [\d.]+ s$")
    figure(out, r"^package of a seller with 30 cases: \d+ files, [\d.]+ MB$")
    figure(out, r"^build \(legal\.packages\.package_write: .*\): [\d.]+ s = [\d,]+ cases/s$")
    figure(out, r"^  of which the PDF summary \(WeasyPrint, \d+ rows\): [\d.]+ s$")
    figure(out, r"^  resident memory during the build \(sampled every 0\.1 s\): \d+ MB at the start, \d+ MB at most$")
    figure(out, r"^baseline \(zipfile alone, .*\): [\d.]+ s$")
    figure(out, r"^ratio build / baseline: [\d.]+x; without the PDF .*: [\d.]+x$")
    checked = figure(out, r"^shipped checker: (\d+) problems, \d+ files and 60 audit entries checked in [\d.]+ s$")
    assert checked.group(1) == "0"


def test_image_match_bench_prints_quality_speed_and_postgres_figures(smoke_database):
    db = smoke_database("images")
    out = run_bench("image_match_bench.py", "--pictures", "2", "--unrelated", "6", "--references", "500",
                    "--lookups", "20", "--baseline-lookups", "5", "--pg-rows", "300", "--pg-lookups", "5",
                    env=bench_env(db))

    figure(out, r"^1\. quality: 4 references \(2 logos, 2 product pictures\) x 8 copies, 6 unrelated pictures; ")
    for copy in ("reencode_jpeg_q30", "resize_50pct", "caption_bar", "crop_10pct", "mirrored", "colour_shift"):
        figure(out, rf"^   {copy}\s+[\d.]+%\s+\d+\s+\d+\s+\d+$")
    figure(out, r"^   false positives among the 4 labelled references: \d+ of 6 ")
    figure(out, r"^   among 500 references \(labelled \+ random fill\): false positives \d+ of 6 .* recall [\d.]+%$")
    figure(out, r"^   multi-index \(imagery\.matching\.ReferenceIndex\.match\): [\d,]+ listing pictures/s; p50 ")
    figure(out, r"^   baseline, vectorized NumPy scan of every view .*: [\d,]+ listing pictures/s; ")
    figure(out, r"^   band-index lookup \(imagery\.matching\.near_rows, <= \d+ bits\): p50 [\d.]+ ms, p95 ")
    figure(out, r"^   baseline, linear SQL scan \(bit_count over every row\): p50 ")
