"""Workers keep their database connection from task to task (ipportal.celery), as Django keeps it
from request to request: Celery's Django fixup would otherwise open a new one for every task."""

import time
from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from ipportal.celery import app, close_old_connections

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit, as in a worker between tasks


def _task(eager: bool = False):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def _raw():
    connection.ensure_connection()
    return connection.connection


def test_celerys_fixup_leaves_the_connection_open_around_a_task():
    fixup = DjangoWorkerFixup(app)
    raw = _raw()
    fixup.on_task_prerun(sender=_task())
    fixup.on_task_postrun(sender=_task())
    assert connection.connection is raw  # without CELERY_DB_REUSE_MAX it closes it every time


def test_a_young_healthy_connection_is_kept_from_task_to_task():
    raw = _raw()
    close_old_connections(task=_task())
    assert _raw() is raw


def test_a_connection_older_than_conn_max_age_is_closed_between_tasks(require_postgres):
    # (SQLite's in-memory test database is never closed by Django.)
    raw = _raw()
    connection.close_at = time.monotonic() - 1
    close_old_connections(task=_task())
    assert connection.connection is None
    assert _raw() is not raw


def test_an_eager_task_never_closes_its_callers_connection():
    raw = _raw()
    connection.close_at = time.monotonic() - 1
    close_old_connections(task=_task(eager=True))
    assert connection.connection is raw
