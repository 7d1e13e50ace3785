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
