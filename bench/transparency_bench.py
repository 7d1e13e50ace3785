"""Statements of reasons at scale: the export of N statements, against one set-based SQL statement,
and the transparency report's snapshots.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_transp .venv/bin/python bench/transparency_bench.py --n 100000

Loads into a dedicated database named after DATABASE_URL's with "_bench" appended (dropped and
re-created; --reuse keeps an already loaded one), with COPY: 50 brands with 100 rights of the four
kinds, N listings, N/10 reports, N cases (10% automatic, 10% from trusted flaggers), each decided
once (remove or suppress, a reason of its kind) with its applied action and its restriction, spread
over the last 90 days. Then prints:

- recording: the statement records (puids) written for N restrictions by the beat's sweep;
- export: `sor_export`'s path (every statement built in Python from its rows, as JSON lines, to a
  file), statements/s;
- baseline: one `COPY (SELECT json_build_object(...)) TO STDOUT` over the same joins producing a
  statement-shaped JSON line per restriction (the fastest plain alternative; it does not compose the
  texts, check reasons or truncate), and the ratio;
- snapshots: computing every month, quarter and year of the report.
"""

import argparse
import os
import random
import sys
import tempfile
import time
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
    copy_rows,
    first_id,
    prepare_database,
    seed_people,
)

N_BRANDS, N_RIGHTS, CASES_PER_REPORT = 50, 100, 10
REMOVE = {"trademark": "tm_counterfeit", "copyright": "cr_unauthorized_copy", "patent": "pt_product_infringes",
          "design": "ds_copied_design"}
SUPPRESS = {"trademark": "tm_suppress_unclear", "copyright": "cr_suppress_unclear", "patent": "pt_suppress_unclear",
            "design": "ds_suppress_unclear"}



def load(n: int) -> None:
    from django.db import connection

    from listings.models import Seller
    from registry.models import Brand, IPRight, RightKind, RightStatus

    rng = random.Random(2026)
    t0 = time.perf_counter()
    reviewer, reporter = seed_people()
    brands = Brand.objects.bulk_create(
        Brand(name=f"Brand {i:02d}", owner_company=f"Brand {i:02d} Ltd", country="DE", trusted_flagger=i < 5)
        for i in range(N_BRANDS))
    kinds = [RightKind.TRADEMARK] * 6 + [RightKind.COPYRIGHT] * 2 + [RightKind.DESIGN, RightKind.PATENT]
    rights = IPRight.objects.bulk_create(
        IPRight(brand=brands[i % N_BRANDS], kind=kinds[i % len(kinds)], name=f"MARK {i}", office="EUIPO",
                registration_number=f"{9000000 + i}", status=RightStatus.VERIFIED) for i in range(N_RIGHTS))
    sellers = Seller.objects.bulk_create(Seller(name=f"Seller {i}", external_id=f"S-{i:05d}", country="CN")
                                         for i in range(1000))
    now = datetime.now(UTC)
    with connection.cursor() as cur:
        raw = cur.cursor
        first_listing = copy_listings(
            raw,
            ((f"L-{i:07d}", sellers[i % 1000].pk, f"Replica product {i}", "A copy.", "", "CN", "9.99", "USD",
              "", "removed", (now - timedelta(days=120)).isoformat(), now.isoformat()) for i in range(n)))
        n_reports = -(-n // CASES_PER_REPORT)
        report_right = [rights[j % N_RIGHTS] for j in range(n_reports)]
        first_report = copy_reports(
            raw,
            ((r.brand_id, r.pk, reporter.pk, r.kind, "owner", "counterfeit" if r.kind == "trademark" else "",
              "Replica of our goods.", "legal@example.test", "t", "t", "t", "Bench", now.isoformat(),
              now.isoformat(), '{"where_on_listing": ["title", "images"]}') for r in report_right))
        plan = []  # per case: (created, decided, automatic, kind, outcome)
        for i in range(n):
            right = report_right[i // CASES_PER_REPORT]
            created = now - timedelta(seconds=rng.random() * 90 * 86400)
            decided = created + timedelta(hours=rng.random() * 72)
            automatic = rng.random() < .1
            trusted = right.brand_id - brands[0].pk < 5
            source = "automatic" if automatic else "trusted_flagger" if trusted else "report"
            outcome = "suppress" if automatic or rng.random() < .3 else "remove"
            plan.append((created, min(decided, now), source, right, outcome))
        first_case = copy_cases(
            raw,
            ((None if src == "automatic" else first_report + i // CASES_PER_REPORT, first_listing + i, r.pk,
              r.brand_id, r.kind, "actioned", 1, src, None, None, '{"title": "Replica"}', c.isoformat(),
              (c + timedelta(hours=24)).isoformat(), d.isoformat(),
              '{"field": "title", "rule_label": "ships from outside the authorized countries"}'
              if src == "automatic" else "{}")
             for i, (c, d, src, r, _) in enumerate(plan)))
        first_decision = copy_decisions(
            raw,
            ((first_case + i, o, ("auto_mark_outside_authorization" if r.kind == "trademark"
                                  else "auto_right_outside_authorization") if src == "automatic"
              else (REMOVE if o == "remove" else SUPPRESS)[r.kind], "Statement of reasons.",
              None if src == "automatic" else reviewer.pk, "t" if src == "automatic" else "f", None, d.isoformat())
             for i, (_, d, src, r, o) in enumerate(plan)))
        copy_rows(raw, "enforcement_enforcementaction",
              ["decision_id", "case_id", "listing_id", "bulk_job_id", "suspension_id", "kind", "status",
               "idempotency_key", "attempts", "last_error", "last_attempt_at", "applied_at", "created_at",
               "updated_at"],
              ((first_decision + i, first_case + i, first_listing + i, None, None, o, "applied",
                f"decision:{first_decision + i}:{o}:{first_listing + i}", 1, "", d.isoformat(), d.isoformat(),
                d.isoformat(), d.isoformat()) for i, (_, d, _, _, o) in enumerate(plan)))
        first_action = first_id(raw, "enforcement_enforcementaction")
        copy_rows(raw, "actions_restriction",
              ["listing_id", "kind", "source", "case_id", "decision_id", "suspension_id", "imposed_by_id",
               "started_at", "lifted_at", "lifted_by_id", "cleared_facts"],
              ((first_listing + i, "removed" if o == "remove" else "suppressed",
                "automatic" if src == "automatic" else "decision", first_case + i, first_decision + i, None,
                first_action + i, d.isoformat(), None, None, None) for i, (_, d, src, _, o) in enumerate(plan)))
        cur.execute("VACUUM ANALYZE")
    print(f"  loaded {n:,} listings, cases, decisions, actions and restrictions in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)


BASELINE_SQL = """
COPY (
  SELECT json_build_object(
    'decision_visibility', json_build_array(CASE r.kind WHEN 'removed' THEN 'DECISION_VISIBILITY_CONTENT_REMOVED'
                                             ELSE 'DECISION_VISIBILITY_CONTENT_DISABLED' END),
    'decision_ground', 'DECISION_GROUND_ILLEGAL_CONTENT',
    'illegal_content_legal_ground', d.reason_code,
    'illegal_content_explanation', d.reason_code || ' (' || c.kind || ')',
    'content_type', json_build_array('CONTENT_TYPE_PRODUCT'),
    'category', 'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
    'category_specification', json_build_array('KEYWORD_' || upper(c.kind) || '_INFRINGEMENT'),
    'content_date', to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
    'application_date', to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
    'end_date_visibility_restriction', to_char(r.lifted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
    'decision_facts', 'Listing ' || l.external_id || ' was restricted on '
                      || to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' under right '
                      || rt.registration_number || '.',
    'source_type', CASE c.source WHEN 'automatic' THEN 'SOURCE_VOLUNTARY'
                   WHEN 'trusted_flagger' THEN 'SOURCE_TRUSTED_FLAGGER' ELSE 'SOURCE_ARTICLE_16' END,
    'automated_detection', CASE c.source WHEN 'automatic' THEN 'Yes' ELSE 'No' END,
    'automated_decision', CASE WHEN d.automated THEN 'AUTOMATED_DECISION_FULLY'
                          ELSE 'AUTOMATED_DECISION_NOT_AUTOMATED' END,
    'puid', 'ipportal-r' || r.id)
  FROM actions_restriction r
  JOIN complaints_case c ON c.id = r.case_id
  JOIN complaints_decision d ON d.id = r.decision_id
  JOIN listings_listing l ON l.id = r.listing_id
  JOIN registry_ipright rt ON rt.id = c.right_id
  WHERE r.source <> 'suspension'
  ORDER BY r.started_at, r.id
) TO STDOUT
"""


def bench(n: int) -> None:
    from django.db import connection

    from transparency.export import export_lines
    from transparency.models import StatementRecord
    from transparency.report import snapshots_compute
    from transparency.services import statements_record

    t = time.perf_counter()
    recorded = statements_record()
    print(f"Recording {recorded:,} statement records (puids): {time.perf_counter() - t:.2f} s", flush=True)
    assert StatementRecord.objects.count() == n

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sor.jsonl"
        t = time.perf_counter()
        lines = 0
        with open(out, "w", encoding="utf-8") as fh:
            for line in export_lines():
                fh.write(line)
                lines += 1
        export_s = time.perf_counter() - t
        size = out.stat().st_size
        print(f"Export (sor_export path) of {lines:,} statements: {export_s:.2f} s, {lines / export_s:,.0f} "
              f"statements/s, {size / 1e6:.1f} MB", flush=True)

        base = Path(tmp) / "baseline.jsonl"
        t = time.perf_counter()
        with open(base, "w", encoding="utf-8") as fh, connection.cursor() as cur:
            cur.cursor.copy_expert(BASELINE_SQL, fh)
        base_s = time.perf_counter() - t
        base_lines = sum(1 for _ in open(base, encoding="utf-8"))
        print(f"Baseline: one set-based COPY of json_build_object, {base_lines:,} lines: {base_s:.2f} s, "
              f"{base_lines / base_s:,.0f} lines/s", flush=True)
        print(f"Ratio export / baseline: {export_s / base_s:.1f}x", flush=True)

    t = time.perf_counter()
    snapshots = snapshots_compute()
    print(f"Snapshots: {snapshots} periods (months, quarters, years) over {n:,} cases in "
          f"{time.perf_counter() - t:.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="restrictions (= cases = statements)")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded bench database")
    args = parser.parse_args()
    if args.n < 1:
        parser.error("--n must be at least 1")
    url, admin_url, name = bench_url(os.environ.get("DATABASE_URL", ""), "transparency_bench")
    reused = prepare_database(admin_url, name, args.reuse)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipportal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    print(f"Database {name}: {'reused' if reused else 'created'}")
    call_command("migrate", verbosity=0)
    if not reused:
        print(f"Loading {args.n:,} decided cases with COPY ...", flush=True)
        load(args.n)
    else:
        from transparency.models import StatementRecord
        StatementRecord.objects.all().delete()
    bench(args.n)


if __name__ == "__main__":
    main()
