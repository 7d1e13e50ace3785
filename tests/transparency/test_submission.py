"""Submission to the DSA Transparency Database, against a local stub that behaves like it: 201
with uuids, 422 per statement, 5xx and a timeout; batches of at most 100; a statement is never
sent twice (after an uncertain answer it is looked up by puid first); off when DSA_TDB_URL is unset."""

from datetime import timedelta

import pytest
from django.urls import reverse

from common.transient import TRANSIENT
from registry.models import RightKind
from transparency import tasks
from transparency.models import StatementRecord, SubmissionStatus
from transparency.services import (
    Tdb,
    TdbUnavailable,
    statements_resolve_uncertain,
    statements_submit,
    statements_submit_batch,
)

from .helpers import REMOVE, SUPPRESS, decided
from .stub_tdb import TOKEN, StubTdb

pytestmark = pytest.mark.django_db
KINDS = [RightKind.TRADEMARK, RightKind.COPYRIGHT, RightKind.PATENT]


@pytest.fixture
def stub(settings):
    with StubTdb() as s:
        settings.DSA_TDB_URL = s.url
        settings.DSA_TDB_TOKEN = TOKEN
        settings.DSA_TDB_TIMEOUT = 1.0
        yield s


@pytest.fixture
def records(world, django_capture_on_commit_callbacks):
    for k in KINDS:
        decided(world, django_capture_on_commit_callbacks, kind=k, code=REMOVE[k])
    decided(world, django_capture_on_commit_callbacks, kind=RightKind.DESIGN, code=SUPPRESS[RightKind.DESIGN])
    return list(StatementRecord.objects.order_by("id"))


def statuses() -> list[str]:
    return list(StatementRecord.objects.order_by("id").values_list("status", flat=True))


def test_submission_is_off_while_no_url_is_set(records, settings):
    settings.DSA_TDB_URL = ""
    assert statements_submit()["enabled"] is False
    assert set(statuses()) == {"pending"}


def test_a_201_records_each_statements_uuid(stub, records):
    result = statements_submit()
    assert result == {"enabled": True, "recorded": 0, "accepted": 4}
    for record in StatementRecord.objects.all():
        assert record.status == SubmissionStatus.SUBMITTED
        assert record.uuid == stub.stored[record.puid]
    assert stub.sent_counts() == {r.puid: 1 for r in records}
    # Nothing is sent again on the next run.
    statements_submit()
    assert len(stub.posts) == 1


def test_batches_hold_at_most_the_batch_size(stub, records, monkeypatch):
    from transparency import services
    monkeypatch.setattr(services.tdb, "MAX_BATCH", 3)
    statements_submit()
    assert [len(p) for p in stub.posts] == [3, 1]
    assert set(statuses()) == {"submitted"}


def test_the_batch_size_is_capped_at_100_whatever_is_asked(stub, records, monkeypatch):
    from transparency import services
    claimed = []
    monkeypatch.setattr(services, "_claim", lambda limit: claimed.append(limit) or [])
    statements_submit_batch(tdb_=Tdb.configured(), limit=5000)
    assert claimed == [100]


def test_a_422_marks_the_rejected_statement_with_the_databases_error_and_sends_the_others(stub, records, world,
                                                                                           client):
    bad = records[1]
    stub.reject[bad.puid] = {"decision_facts": ["The decision facts field is required."]}
    statements_submit()
    bad.refresh_from_db()
    assert bad.status == SubmissionStatus.REJECTED
    assert "decision facts field is required" in bad.error
    others = StatementRecord.objects.exclude(pk=bad.pk)
    assert set(others.values_list("status", flat=True)) == {"submitted"}
    assert stub.sent_counts()[bad.puid] == 1
    # Staff see it, with the error, and can send it again once fixed.
    client.force_login(world.rev1)
    page = client.get(reverse("transparency:statements")).content.decode()
    assert bad.puid in page and "decision facts field is required" in page
    del stub.reject[bad.puid]
    client.post(reverse("transparency:statement_retry", args=[bad.pk]))
    statements_submit()
    bad.refresh_from_db()
    assert bad.status == SubmissionStatus.SUBMITTED


def test_a_5xx_after_the_database_stored_the_batch_never_sends_it_twice(stub, records):
    stub.mode = "error_after_store"
    with pytest.raises(TdbUnavailable):
        statements_submit()
    assert set(statuses()) == {"sending"}  # the answer is uncertain
    stub.mode = "ok"
    statements_resolve_uncertain(tdb_=Tdb.configured(), older_than=timedelta(0))
    statements_submit()
    assert set(statuses()) == {"submitted"}
    assert stub.sent_counts() == {r.puid: 1 for r in records}


def test_a_5xx_before_storing_sends_the_batch_again_once_the_database_says_it_has_none(stub, records):
    stub.mode = "error_before_store"
    with pytest.raises(TdbUnavailable):
        statements_submit()
    stub.mode = "ok"
    statements_resolve_uncertain(tdb_=Tdb.configured(), older_than=timedelta(0))
    assert set(statuses()) == {"pending"}
    statements_submit()
    assert set(statuses()) == {"submitted"}
    assert stub.sent_counts() == {r.puid: 2 for r in records}  # refused once, stored once
    assert all(r.uuid for r in StatementRecord.objects.all())


def test_a_timeout_is_uncertain_and_resolved_by_puid_without_sending_again(stub, records, settings):
    settings.DSA_TDB_TIMEOUT = 0.3
    stub.mode, stub.delay = "slow_after_store", 1.0
    with pytest.raises(TdbUnavailable, match="Timed out"):
        statements_submit()
    assert set(statuses()) == {"sending"}
    stub.mode = "ok"
    statements_resolve_uncertain(tdb_=Tdb.configured(), older_than=timedelta(0))
    assert set(statuses()) == {"submitted"}
    assert stub.sent_counts() == {r.puid: 1 for r in records}


def test_a_statement_still_sending_is_not_resent_before_it_is_resolved(stub, records):
    stub.mode = "error_after_store"
    with pytest.raises(TdbUnavailable):
        statements_submit()
    stub.mode = "ok"
    statements_submit()  # too soon to ask: the uncertain batch is left alone, not posted again
    assert len(stub.posts) == 1


def test_the_task_retries_unavailability_with_backoff():
    assert issubclass(TdbUnavailable, TRANSIENT)
    task = tasks.submit_statements
    assert task.autoretry_for == TRANSIENT
    assert task.retry_backoff and task.max_retries >= 5


def test_a_wrong_token_puts_the_batch_back_and_says_why(stub, records, settings):
    settings.DSA_TDB_TOKEN = "wrong"
    assert "401" in statements_submit()["refused"]
    assert set(statuses()) == {"pending"}
    assert list(StatementRecord.objects.values_list("attempts", flat=True)) == [1, 1, 1, 1]  # one try, then stop
    assert "401" in StatementRecord.objects.first().error
