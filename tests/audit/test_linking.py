"""Entries are written unlinked and linked in commit order (by beat, or after each commit when
embedded); the chain's order is seq, whatever the ids."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from audit.models import AuditChainHead, AuditEntry
from audit.selectors import audit_chain_verify, audit_unlinked
from audit.services import (
    GENESIS,
    LINKER_LOCK,
    AuditTarget,
    audit_append,
    audit_append_many,
    audit_chain_pending,
)
from audit.tasks import link_pending_entries


def _target(pk: int) -> AuditTarget:
    return AuditTarget("registry.brand", pk, f"Brand {pk}")


def test_embedded_an_entry_is_linked_once_its_transaction_commits(world, django_capture_on_commit_callbacks,
                                                                   settings):
    settings.AUDIT_LINK_AFTER_COMMIT = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        audit_append(actor=world.alice, action="brand.created", target=world.brand_a)
        audit_append(actor=world.alice, action="brand.updated", target=world.brand_a)
    assert audit_unlinked().count() == 2
    assert len(callbacks) == 1  # one link run per transaction, not one per entry
    callbacks[0]()
    assert audit_unlinked().count() == 0
    first, second = AuditEntry.objects.order_by("seq")
    assert (first.seq, second.seq) == (1, 2) and first.prev_hash == GENESIS and second.prev_hash == first.hash
    assert AuditChainHead.objects.get().last_hash == second.hash
    assert audit_chain_verify() == (2, None)


def test_with_workers_the_beat_task_links_and_commits_do_not(world, django_capture_on_commit_callbacks,
                                                            settings):
    settings.AUDIT_LINK_AFTER_COMMIT = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        audit_append(actor=world.alice, action="brand.updated", target=world.brand_a)
    assert callbacks == [] and audit_unlinked().count() == 1
    assert link_pending_entries.delay().get() == 1
    assert audit_unlinked().count() == 0 and audit_chain_verify() == (1, None)


def test_bulk_entries_are_linked_in_id_order_with_the_rest(world):
    with transaction.atomic():
        audit_append(actor=None, action="single", target=_target(1))
    with transaction.atomic():
        audit_append_many(actor=None, entries=[("bulk.one", _target(2), {"n": 1}), ("bulk.two", _target(3), None)])
    assert audit_unlinked().count() == 3
    assert audit_chain_pending() == 3
    assert list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)) == [
        "single", "bulk.one", "bulk.two"]
    assert audit_chain_verify() == (3, None)
    assert audit_chain_pending() == 0  # linking again changes nothing


@pytest.mark.django_db(transaction=True)
def test_the_chain_follows_commit_order_not_ids(require_postgres, world, settings):
    settings.AUDIT_LINK_AFTER_COMMIT = False
    written, release = threading.Event(), threading.Event()

    def slow_transaction():
        with transaction.atomic():
            audit_append(actor=None, action="lower.id.commits.later", target=_target(1))
            written.set()
            release.wait(10)
        connection.close()

    slow = threading.Thread(target=slow_transaction)
    slow.start()
    assert written.wait(10)
    try:
        with transaction.atomic():
            audit_append(actor=None, action="higher.id.commits.first", target=_target(2))
        assert audit_chain_pending() == 1  # the other one is not committed yet: not seen, not linked
    finally:
        release.set()
        slow.join(10)
    assert audit_chain_pending() == 1
    by_id = list(AuditEntry.objects.order_by("id").values_list("action", "seq"))
    assert by_id == [("lower.id.commits.later", 2), ("higher.id.commits.first", 1)]
    assert audit_chain_verify() == (2, None)


def test_an_entry_edited_after_linking_breaks_the_chain(world):
    with transaction.atomic():
        for i in range(3):
            audit_append(actor=None, action="brand.updated", target=_target(i), data={"i": i})
    audit_chain_pending()
    victim = AuditEntry.objects.get(seq=2)
    AuditEntry.objects.filter(pk=victim.pk).update(data={"i": 99})
    checked, broken = audit_chain_verify()
    assert (checked, broken.pk) == (1, victim.pk)


def test_the_command_links_what_waits_then_verifies(world, capsys):
    with transaction.atomic():
        audit_append(actor=None, action="brand.updated", target=_target(1))
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "Linked 1 entries that were waiting." in out and "Audit chain intact: 1 entries." in out


@pytest.mark.django_db(transaction=True)
def test_a_link_run_that_finds_another_linker_returns_at_once(require_postgres, world, settings):
    settings.AUDIT_LINK_AFTER_COMMIT = True
    holding, release = threading.Event(), threading.Event()

    def link_elsewhere():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LINKER_LOCK])
            holding.set()
            release.wait(10)
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LINKER_LOCK])
        connection.close()

    other = threading.Thread(target=link_elsewhere)
    other.start()
    assert holding.wait(10)
    try:
        with transaction.atomic():
            audit_append(actor=None, action="brand.updated", target=_target(1))
        assert audit_unlinked().count() == 1  # the after-commit run saw the other linker and left it
    finally:
        release.set()
        other.join(10)
    assert audit_chain_pending(wait=False) == 1


@pytest.mark.django_db(transaction=True)
def test_a_link_run_that_finds_the_head_busy_returns_and_the_next_one_links(require_postgres, world, settings):
    settings.AUDIT_LINK_AFTER_COMMIT = True
    AuditChainHead.objects.create(id=1, last_hash=GENESIS)
    holding, release = threading.Event(), threading.Event()

    def hold_the_head():  # as the beat's link run does while it links
        with transaction.atomic():
            AuditChainHead.objects.select_for_update().get(id=1)
            holding.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_the_head)
    holder.start()
    assert holding.wait(10)
    try:
        with transaction.atomic():
            audit_append(actor=None, action="brand.updated", target=_target(2))
        # The after-commit run just ran, found the head held, and left the entry for later.
        assert audit_unlinked().count() == 1
        assert audit_chain_pending(wait=False) == 0
    finally:
        release.set()
        holder.join(10)
    assert audit_chain_pending(wait=False) == 1
    assert audit_chain_verify() == (1, None)
