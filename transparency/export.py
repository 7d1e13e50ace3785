"""JSON lines: one statement of reasons per line, exactly the object the database's batch API
takes for each statement. Used by `manage.py sor_export` and the staff download."""

import json
from collections.abc import Iterator

from .selectors import statements_between
from .services import statements_record


def export_lines(*, since=None, until=None) -> Iterator[str]:
    """Record any new statements, then yield each applied in [since, until) as one JSON line.
    A statement that cannot be built raises StatementError (naming the case): nothing wrong is
    written after it."""
    statements_record(full=True)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for built in statements_between(since=since, until=until):
        yield dumps(built.payload) + "\n"
