"""SQLite as the project sets it up (settings.SQLITE_OPTIONS: WAL, BEGIN IMMEDIATE, a busy timeout):
threads writing one file database at once each wait their turn, where SQLite's defaults answered
"database is locked" (bench/sqlite_concurrency.py measures it through the views).

The database is a temporary file, not the tests' database, so this runs on PostgreSQL too: it
checks the options the project gives SQLite, whichever database the tests use."""

import threading
import time
import uuid

import pytest
from django.conf import settings
from django.db import connections, transaction

SQLITE = "django.db.backends.sqlite3"
WRITERS = 8
ROUNDS = 6


def project_sqlite_options() -> dict:
    """The OPTIONS the project's DATABASES give SQLite (SQLITE_OPTIONS when it runs on another one)."""
    default = settings.DATABASES["default"]
    return default["OPTIONS"] if default["ENGINE"] == SQLITE else settings.SQLITE_OPTIONS


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """An alias for a new file SQLite database with the project's settings; each thread gets its
    own connection to it, as Django gives each request thread."""
    alias = f"sqlite_concurrency_{uuid.uuid4().hex[:8]}"
    connections.settings[alias] = {**connections.settings["default"], "ENGINE": SQLITE,
                                   "NAME": str(tmp_path / "concurrency.sqlite3"),
                                   "OPTIONS": dict(project_sqlite_options()), "CONN_MAX_AGE": 0,
                                   "USER": "", "PASSWORD": "", "HOST": "", "PORT": ""}
    with django_db_blocker.unblock():
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("CREATE TABLE claim (id INTEGER PRIMARY KEY, writer INTEGER, seen INTEGER)")
            yield alias
        finally:
            connections[alias].close()
            del connections.settings[alias]


def write_rounds(alias: str, writer: int, start: threading.Barrier, errors: list) -> None:
    """What a claim or a decision does: read, then write what the read found, in one transaction.
    Under SQLite's default (DEFERRED) a second such transaction cannot upgrade its read lock while
    the first writes, and fails at once whatever the timeout."""
    start.wait()
    try:
        for _ in range(ROUNDS):
            try:
                with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM claim")
                    seen = cursor.fetchone()[0]
                    time.sleep(0.002)  # the Python between a read and its write: other threads run
                    cursor.execute("INSERT INTO claim (writer, seen) VALUES (%s, %s)", [writer, seen])
            except Exception as exc:  # every failure is reported by the test, not only "locked"
                errors.append(f"writer {writer}: {exc!r}")
    finally:
        connections[alias].close()


def test_the_file_database_is_in_wal_mode_with_immediate_transactions(file_database):
    with connections[file_database].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connections[file_database].transaction_mode == "IMMEDIATE"


def test_parallel_read_then_write_transactions_never_find_the_database_locked(file_database):
    errors: list[str] = []
    start = threading.Barrier(WRITERS)
    threads = [threading.Thread(target=write_rounds, args=(file_database, n, start, errors)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer is still waiting after 60 s"
    assert errors == []
    with connections[file_database].cursor() as cursor:
        cursor.execute("SELECT COUNT(*), COUNT(DISTINCT seen), MAX(seen) FROM claim")
        # Every write went in, and each transaction saw all the ones before it: serialized.
        assert cursor.fetchone() == (WRITERS * ROUNDS, WRITERS * ROUNDS, WRITERS * ROUNDS - 1)
