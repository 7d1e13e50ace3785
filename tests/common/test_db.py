"""common.db: prepared statements and the multi-row INSERT helper."""

import json

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from common.db import execute_prepared, insert_rows


def test_a_prepared_statement_runs_again_on_the_same_connection(db):
    with connection.cursor() as cursor:
        for n in (1, 2):
            execute_prepared(cursor, "db_test_add", "SELECT CAST(%s AS INTEGER) + CAST(%s AS INTEGER)", [n, 40])
            assert cursor.fetchone()[0] == n + 40


@pytest.mark.django_db(transaction=True)
def test_a_connection_made_anew_prepares_again(require_postgres):
    with connection.cursor() as cursor:
        execute_prepared(cursor, "db_test_again", "SELECT CAST(%s AS INTEGER)", [1])
        cursor.fetchone()
    connection.close()  # the next query opens a new session, which knows no prepared statement
    with connection.cursor() as cursor:
        execute_prepared(cursor, "db_test_again", "SELECT CAST(%s AS INTEGER)", [2])
        assert cursor.fetchone()[0] == 2


def test_it_refuses_sql_whose_placeholders_do_not_match(db, require_postgres):
    with connection.cursor() as cursor, pytest.raises(ValueError, match="one %s per parameter"):
        execute_prepared(cursor, "db_test_bad", "SELECT CAST(%s AS INTEGER), 'a%%b'", [1])


def test_insert_rows_writes_every_row_in_pages(db):
    now = timezone.now()
    insert_rows(AuditEntry._meta.db_table,
                ("created_at", "actor_repr", "action", "target_type", "target_id", "target_repr", "data", "prev_hash"),
                [(now, "system", f"test.{i}", "registry.brand", i, f"Brand {i}", json.dumps({"i": i}), "")
                 for i in range(7)], page=3)
    assert list(AuditEntry.objects.order_by("id").values_list("action", "data")) == [
        (f"test.{i}", {"i": i}) for i in range(7)]


@pytest.mark.parametrize("copy_from", [1, 10_000], ids=["copy", "values"])
def test_insert_rows_keeps_text_exactly_as_given(db, monkeypatch, copy_from):
    monkeypatch.setattr("common.db._COPY_FROM_ROWS", copy_from)  # COPY on PostgreSQL from this many rows
    # COPY's text format on PostgreSQL: tabs, newlines, backslashes and a literal "\N" must come
    # back as written, None as NULL, JSON (with its own escapes) as the same value.
    now = timezone.now()
    awkward = ["tab\there", "line\nbreak\r\nwindows", "back\\slash \\N and \\t", "\\N", "", "naïve “quotes” 🚫",
               "<script>alert('x')</script>"]
    data = {"text": "a\tb\nc\\d \"quoted\"", "n": [1, None, True]}
    insert_rows(AuditEntry._meta.db_table,
                ("created_at", "actor_id", "actor_repr", "action", "target_type", "target_id", "target_repr", "data",
                 "prev_hash", "hash"),
                [(now, None, text, f"test.{i}", "registry.brand", i, text, json.dumps(data), "", None)
                 for i, text in enumerate(awkward)])
    rows = list(AuditEntry.objects.order_by("id").values_list("actor_repr", "target_repr", "data", "hash",
                                                              "actor_id", "created_at"))
    assert [r[0] for r in rows] == awkward and [r[1] for r in rows] == awkward
    assert all(r[2] == data and r[3] is None and r[4] is None and r[5] == now for r in rows)


def test_insert_rows_refuses_values_it_cannot_write_faithfully(db, require_postgres, monkeypatch):
    monkeypatch.setattr("common.db._COPY_FROM_ROWS", 1)
    with pytest.raises(TypeError, match="not dict"):
        insert_rows(AuditEntry._meta.db_table, ("created_at", "actor_repr", "action", "target_type", "target_id",
                                                 "target_repr", "data", "prev_hash"),
                    [(timezone.now(), "system", "test", "registry.brand", 1, "Brand", {"not": "dumped"}, "")])


def test_insert_rows_writes_a_true_and_a_one_each_as_itself(db, monkeypatch):
    monkeypatch.setattr("common.db._COPY_FROM_ROWS", 1)
    # A column of one value is formatted once: a boolean and an equal integer stay distinct.
    from registry.models import Brand

    brand = Brand.objects.create(name="Acme")
    now = timezone.now()
    insert_rows(AuditEntry._meta.db_table,
                ("created_at", "actor_repr", "action", "target_type", "target_id", "target_repr", "data", "prev_hash"),
                [(now, "system", "test.bool", "registry.brand", brand.pk, "Acme", "true", ""),
                 (now, "system", "test.one", "registry.brand", 1, "Acme", "1", "")])
    assert list(AuditEntry.objects.order_by("id").values_list("target_id", "data")) == [(brand.pk, True), (1, 1)]


@pytest.mark.postgres
def test_text_array_reads_back_as_the_strings_given(db, require_postgres):
    from common.db import text_array

    awkward = ['plain', '', ' ', 'with "quotes"', 'back\\slash', '\\"', 'comma, and {braces}', 'NULL', 'tab\there',
               'line\nbreak', 'émoji 🎧', "it's"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT unnest(%s::text[])", [text_array(awkward)])
        assert [row[0] for row in cursor.fetchall()] == awkward
