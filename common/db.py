"""Database helpers for the hot and the bulk paths.

execute_prepared: server-side prepared statements for the few hot statements whose planning costs
more than their execution (PostgreSQL plans claim-next's statement, three ordered index scans over
a table with a dozen indexes and two writes, in over a millisecond; executing it takes a fraction).
psycopg2 never prepares on the server, so this remembers, per database connection, the names it
has PREPAREd; a new connection (connection_created) starts with none. Other backends run the SQL
as is. Not for use behind a transaction-pooling PgBouncer (prepared statements live in a session).

insert_rows: bulk INSERTs for rows built as tuples: COPY on PostgreSQL, multi-row VALUES elsewhere.
"""

import contextlib
import io
import re
from datetime import date, datetime

from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

# The largest id a bigint column holds: larger integers from outside are answered 400/404.
MAX_DB_INTEGER = 2**63 - 1


@receiver(connection_created)
def _forget_prepared(sender, **kwargs) -> None:
    kwargs["connection"].__dict__.pop("ipportal_prepared", None)


def execute_prepared(cursor, name: str, sql: str, params: list) -> None:
    """Run `sql` (with %s placeholders, and no other % sign) as the prepared statement `name` on
    PostgreSQL, preparing it on this connection's first use."""
    wrapper = cursor.db  # this thread's connection (django.db.connection is a proxy shared by threads)
    if wrapper.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    prepared = wrapper.__dict__.setdefault("ipportal_prepared", set())
    if name not in prepared:
        if not prepared:
            # Plan at PREPARE, once, rather than again for each of the first five executions
            # (PostgreSQL's default tries custom plans first). Only prepared statements use it.
            cursor.execute("SET plan_cache_mode = force_generic_plan")
        if sql.count("%") != sql.count("%s") or sql.count("%s") != len(params):
            raise ValueError(f"{name}: one %s per parameter and no other % sign (PREPARE takes $1, $2, ...)")
        numbered = iter(range(1, len(params) + 1))
        cursor.execute(f"PREPARE {name} AS " + re.sub(r"%s", lambda _: f"${next(numbered)}", sql))
        prepared.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)


def insert_rows(table: str, columns: tuple[str, ...] | list[str], rows: list[tuple], *, page: int = 1000) -> None:
    """INSERT `rows` (tuples in `columns` order; values None, str, int, bool, date/datetime, or JSON
    already dumped to a str) into `table`: for the bulk paths (audit entries, bulk actions, webhook
    events), where building thousands of model instances for bulk_create cost more than the insert.

    PostgreSQL, from _COPY_FROM_ROWS rows: one COPY, in the caller's transaction (10,000 audit
    entries: ~100 ms, against ~350 ms as multi-row VALUES, which the server parses and plans value
    by value). Fewer rows, or elsewhere: one multi-row INSERT per `page` rows. Either way no
    RETURNING: callers that need the new rows' ids look them up by a key they chose (event ids) or
    read them back in order."""
    if not rows:
        return
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) >= _COPY_FROM_ROWS:
            # Column by column: a column with one value throughout (a chunk's timestamp, actor,
            # action, target type) is formatted once.
            columns_text = []
            for column in zip(*rows, strict=True):
                first = column[0]
                # (equal and of one type: True == 1, but they are written "t" and "1")
                if column.count(first) == len(column) and len(set(map(type, column))) == 1:
                    columns_text.append([_copy_text(first)] * len(column))
                else:
                    columns_text.append(list(map(_copy_text, column)))
            data = io.StringIO("\n".join(map("\t".join, zip(*columns_text, strict=True))) + "\n")
            sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            # Logged like any query where queries are logged (DEBUG, tests counting statements).
            with cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else contextlib.nullcontext():
                with connection.wrap_database_errors:  # Django's exceptions, as for any statement
                    cursor.cursor.copy_expert(sql, data)
            return
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for i in range(0, len(rows), page):
            chunk = rows[i:i + page]
            cursor.execute(f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) "
                           f"VALUES {', '.join([row_sql] * len(chunk))}", [v for row in chunk for v in row])


def int_array(values) -> str:
    """Integers as one PostgreSQL array literal, for `%s::int[]` or `%s::bigint[]`: PostgreSQL reads
    '{1,2,…}' far faster than ARRAY[1, 2, …], the form psycopg2 gives a list, and one parameter
    spares Django a placeholder per value."""
    return "{" + ",".join(map(str, values)) + "}"


def text_array(values) -> str:
    """Strings as one PostgreSQL array literal, for `%s::text[]`: PostgreSQL reads '{"a","b",…}'
    in about half the time of ARRAY['a', 'b', …], the form psycopg2 gives a list (10,000 external
    ids: 13 against 23 ms, measured). Each element quoted, its backslashes and quotes escaped."""
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


# Below this, a multi-row INSERT is quicker (COPY's extra round trip: 1 row 0.34 ms by COPY against
# 0.21 ms; 5 rows even; 100 rows 1.3 ms against 2.8 ms).
_COPY_FROM_ROWS = 8

# COPY's text format: backslash, tab, newline and carriage return escaped; \N is NULL.
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]").search


def _copy_escape(value: str) -> str:
    # Four replaces, each a C scan: str.translate with a table took 180 us on a 2,300-character
    # statement of reasons, these 6 us. The backslash first, so the others' are not doubled.
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_escape(value: str) -> str:
    """Text as COPY's text format reads it back (for callers that write COPY lines themselves)."""
    return _copy_escape(value) if _NEEDS_ESCAPE(value) else value


def _copy_text(value) -> str:
    if value.__class__ is str:  # most values: scanned in C, translated only when they need it
        return copy_escape(value)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):  # a str subclass (a TextChoices member)
        return _copy_text(str(value))
    raise TypeError(f"insert_rows takes None, str, int, bool or dates, not {type(value).__name__}")
