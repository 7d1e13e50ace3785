"""What the PostgreSQL benches share: a bench database made afresh (or reused), and rows loaded
with COPY. Benches run as scripts, so this folder is on their path: `from _pg import …`."""

import io


def prepare_database(admin_url: str, name: str, reuse: bool) -> bool:
    """Create the bench database; True if it already holds loaded data and --reuse was given."""
    import psycopg2

    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
        if exists and reuse:
            return True
        if exists:
            cur.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return False


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    """COPY rows (tuples; None is NULL) into table's columns."""
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row))
        buf.write("\n")
    buf.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)


def bench_url(url: str, bench: str) -> tuple[str, str, str]:
    """From DATABASE_URL: the bench database's URL, the admin database's URL and the bench database's
    name (`<name>_bench`). Exits when the URL is not PostgreSQL's."""
    from urllib.parse import urlparse, urlunparse

    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"{bench} needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = parsed.path.lstrip("/") + "_bench"
    return urlunparse(parsed._replace(path="/" + name)), urlunparse(parsed._replace(path="/postgres")), name


# --- the complaint chain, loaded with COPY ------------------------------------------------------
# The columns the benches load for each table of the chain listing → report → case → decision, in
# one place: a new NOT NULL column is added here once (tests/bench/test_benches_run.py runs them).

LISTING_COLUMNS = ["external_id", "seller_id", "title", "description", "brand_name", "ships_from", "price",
                   "currency", "url", "status", "created_at", "updated_at"]
REPORT_COLUMNS = ["brand_id", "right_id", "reporter_id", "kind", "capacity", "infringement_type", "explanation",
                  "contact_email", "decl_good_faith", "decl_accurate", "decl_authority", "signature", "signed_at",
                  "created_at", "details"]
CASE_COLUMNS = ["report_id", "listing_id", "right_id", "brand_id", "kind", "state", "priority", "source",
                "claimed_by_id", "claim_expires_at", "listing_snapshot", "created_at", "due_at", "updated_at",
                "detection"]
DECISION_COLUMNS = ["case_id", "outcome", "reason_code", "statement", "decided_by_id", "automated", "supersedes_id",
                    "created_at"]


def copy_new_rows(cursor, table: str, columns: list[str], rows) -> int:
    """COPY rows into table's columns (copy_rows) and return the first new row's id: one COPY in
    one session takes ids in order, so row i has that id + i."""
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
    before = cursor.fetchone()[0]
    copy_rows(cursor, table, columns, rows)
    cursor.execute(f"SELECT min(id) FROM {table} WHERE id > %s", [before])
    return cursor.fetchone()[0]


def copy_listings(cursor, rows) -> int:
    """Listings, each a tuple in LISTING_COLUMNS order; returns the first one's id."""
    return copy_new_rows(cursor, "listings_listing", LISTING_COLUMNS, rows)


def copy_reports(cursor, rows) -> int:
    """Reports, each a tuple in REPORT_COLUMNS order; returns the first one's id."""
    return copy_new_rows(cursor, "complaints_report", REPORT_COLUMNS, rows)


def copy_cases(cursor, rows) -> int:
    """Cases, each a tuple in CASE_COLUMNS order; returns the first one's id."""
    return copy_new_rows(cursor, "complaints_case", CASE_COLUMNS, rows)


def copy_decisions(cursor, rows) -> int:
    """Decisions, each a tuple in DECISION_COLUMNS order; returns the first one's id."""
    return copy_new_rows(cursor, "complaints_decision", DECISION_COLUMNS, rows)


def seed_people():
    """The reviewer who decided the loaded cases and the rights holder who reported them (Django
    set up)."""
    from accounts.models import Role, User

    reviewer = User.objects.create(username="reviewer", role=Role.REVIEWER)
    reporter = User.objects.create(username="reporter", role=Role.RIGHTS_HOLDER)
    return reviewer, reporter


def first_id(cursor, table: str) -> int:
    """The lowest id in table (the first row a bench loaded into an empty one)."""
    cursor.execute(f"SELECT min(id) FROM {table}")
    return cursor.fetchone()[0]
