"""Database helpers for the hot and the bulk paths.

execute_prepared: server-side prepared statements for the few hot statements whose planning costs
more than their execution (PostgreSQL plans claim-next's statement, three ordered index scans over
a table with a dozen indexes and two writes, in over a millisecond; executing it takes a fraction).
psycopg2 never prepares on the server, so this remembers, per database connection, the names it
has PREPAREd; a new connection (connection_created) starts with none. Other backends run the SQL
as is. Not for use behind a transaction-pooling PgBouncer (prepared statements live in a session).

insert_rows: multi-row INSERTs for rows built as tuples.
"""

import re

from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver


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
    """INSERT `rows` (tuples in `columns` order) into `table`, one multi-row statement per `page`:
    for the bulk paths (audit entries, bulk actions, webhook events), where building thousands of
    model instances for bulk_create cost more than the insert itself."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for i in range(0, len(rows), page):
            chunk = rows[i:i + page]
            cursor.execute(f"INSERT INTO {connection.ops.quote_name(table)} ({names}) "
                           f"VALUES {', '.join([row_sql] * len(chunk))}", [v for row in chunk for v in row])
