"""audit_verify catches what a database writer can do: an entry edited, deleted in the middle or
at the tail, inserted (linked by the linker, or put in the chain), reordered, its actor changed;
a tail rewritten with recomputed hashes; an older signed head put back with a truncated chain.
Entries linked before the signatures existed keep verifying the old way."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit.models import AuditChainHead, AuditEntry
from audit.selectors import audit_chain_findings, audit_chain_verify
from audit.services import GENESIS, audit_append, audit_chain_pending, entry_digest, entry_digest_v2

from ..conftest import claim_and_remove, file_report


@pytest.fixture(autouse=True)
def _own_checkpoint_file(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoint.json")


@pytest.fixture
def flow(world, django_capture_on_commit_callbacks):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2]).cases.first()
    with django_capture_on_commit_callbacks(execute=True):
        claim_and_remove(case=case, reviewer=world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        audit_chain_pending()  # linked, and the head published outside the database on commit
    return case


def _kinds():
    return [f.kind for f in audit_chain_findings()[1]]


def _nth(n):
    return AuditEntry.objects.order_by("seq")[n]


def test_an_intact_chain_has_no_finding_and_its_head_is_signed(flow):
    assert _kinds() == []
    head = AuditChainHead.objects.get()
    assert head.signature and head.count == AuditEntry.objects.count()
    assert all(e.mac and e.hash_version == 2 for e in AuditEntry.objects.all())


def test_an_edited_entry(flow):
    victim = _nth(3)
    AuditEntry.objects.filter(pk=victim.pk).update(data={"from": "open", "to": "rejected"})
    (finding,) = audit_chain_findings()[1]
    assert finding.kind == "edited" and finding.entry.pk == victim.pk


def test_an_entry_deleted_in_the_middle(flow):
    victim = _nth(2)
    AuditEntry.objects.filter(pk=victim.pk).delete()
    (finding,) = audit_chain_findings()[1]
    assert finding.kind == "deleted" and f"seq {victim.seq}" in finding.message


def test_entries_deleted_in_the_middle_and_renumbered(flow):
    victim = _nth(2)
    AuditEntry.objects.filter(pk=victim.pk).delete()
    for e in AuditEntry.objects.filter(seq__gt=victim.seq).order_by("seq"):
        AuditEntry.objects.filter(pk=e.pk).update(seq=e.seq - 1)
    assert "deleted" in _kinds()


def test_entries_deleted_at_the_tail(flow):
    newest = list(AuditEntry.objects.order_by("-seq")[:2])
    AuditEntry.objects.filter(pk__in=[e.pk for e in newest]).delete()
    kinds = _kinds()
    assert kinds == ["deleted", "deleted"]  # by the signed head, and by the published checkpoint
    assert "newest entries were deleted" in audit_chain_findings()[1][0].message


def test_a_tail_deleted_with_an_older_signed_head_put_back(flow, world, django_capture_on_commit_callbacks):
    old = AuditChainHead.objects.values("count", "last_hash", "signature").get()
    with django_capture_on_commit_callbacks(execute=True):
        audit_append(actor=world.rev1, action="case.note", target=flow, data={"text": "more"})
    with django_capture_on_commit_callbacks(execute=True):
        audit_chain_pending()
    AuditEntry.objects.filter(seq__gt=old["count"]).delete()
    AuditChainHead.objects.filter(id=1).update(**old)  # a copy of the head from before
    (finding,) = audit_chain_findings()[1]
    assert finding.kind == "deleted" and "published outside the database" in finding.message


def test_a_forged_entry_is_not_linked_and_is_reported_as_inserted(flow, world):
    forged = AuditEntry.objects.create(created_at=timezone.now(), actor=world.senior, actor_repr="senior",
                                       action="decision.reinstate", target_type="complaints.case", target_id=flow.pk,
                                       target_repr=str(flow), data={})
    assert audit_chain_pending() == 0
    forged.refresh_from_db()
    assert forged.seq is None and forged.hash_version == 0
    (finding,) = audit_chain_findings()[1]
    assert finding.kind == "inserted" and finding.entry.pk == forged.pk


def test_an_entry_inserted_into_the_chain_with_its_hashes_computed(flow, world):
    last = AuditEntry.objects.order_by("-seq").first()
    fields = {"created_at": timezone.now(), "actor_id": world.senior.pk, "actor_repr": "senior",
              "action": "decision.reinstate", "target_type": "complaints.case", "target_id": flow.pk,
              "target_repr": str(flow), "data": {}}
    digest = entry_digest_v2(seq=last.seq + 1, prev_hash=last.hash, mac="", **fields)
    AuditEntry.objects.bulk_create([AuditEntry(seq=last.seq + 1, prev_hash=last.hash, hash=digest, hash_version=2,
                                               **fields)])
    assert set(_kinds()) == {"inserted"}  # no signature, and beyond the signed head


def test_reordered_entries(flow):
    a, b = _nth(2), _nth(3)
    AuditEntry.objects.filter(pk=a.pk).update(seq=-1)
    AuditEntry.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditEntry.objects.filter(pk=a.pk).update(seq=b.seq)
    kinds = _kinds()
    assert kinds and set(kinds) == {"reordered"}


def test_an_actor_changed(flow, world):
    victim = AuditEntry.objects.filter(actor=world.rev1).order_by("seq").first()
    AuditEntry.objects.filter(pk=victim.pk).update(actor=world.rev2)
    (finding,) = audit_chain_findings()[1]
    assert finding.kind == "actor changed" and finding.entry.pk == victim.pk
    assert f"from {world.rev1.pk} to {world.rev2.pk}" in finding.message


def test_a_tail_rewritten_with_recomputed_hashes(flow):
    victim = AuditEntry.objects.order_by("-seq").first()
    data = {"from": "in_review", "to": "rejected"}
    fields = {k: getattr(victim, k) for k in ("created_at", "actor_id", "actor_repr", "action", "target_type",
                                              "target_id", "target_repr", "mac")}
    digest = entry_digest_v2(seq=victim.seq, prev_hash=victim.prev_hash, data=data, **fields)
    AuditEntry.objects.filter(pk=victim.pk).update(data=data, hash=digest)
    AuditChainHead.objects.filter(id=1).update(last_hash=digest)  # without the key: the signature stays old
    kinds = _kinds()
    assert kinds[0] == "edited" and "not signed by the portal" in audit_chain_findings()[1][1].message


def test_the_command_reports_each_finding_and_exits_non_zero(flow, world, capsys):
    AuditEntry.objects.filter(pk=_nth(1).pk).update(actor_repr="mallory")
    victim = AuditEntry.objects.filter(actor=world.rev1).order_by("-seq").first()
    AuditEntry.objects.filter(pk=victim.pk).update(actor=world.rev2)
    with pytest.raises(CommandError, match="broken at entry"):
        call_command("audit_verify")
    out = capsys.readouterr().out
    assert "edited: " in out and "actor changed: " in out


def test_entries_of_the_first_format_keep_verifying(db, world):
    """Entries linked before the migration: hash_version 1, no mac, the old digest."""
    prev, rows = GENESIS, []
    for seq in range(1, 4):
        fields = {"created_at": timezone.now(), "actor_repr": "alice", "action": "brand.created",
                  "target_type": "registry.brand", "target_id": seq, "target_repr": f"Brand {seq}", "data": {}}
        digest = entry_digest(prev_hash=prev, **fields)
        rows.append(AuditEntry(seq=seq, prev_hash=prev, hash=digest, hash_version=1, actor=world.alice, **fields))
        prev = digest
    AuditEntry.objects.bulk_create(rows)
    AuditChainHead.objects.create(id=1, last_hash=prev, count=3)
    from audit import signing

    AuditChainHead.objects.filter(id=1).update(signature=signing.head_signature(count=3, last_hash=prev))
    with_new = audit_append  # a new entry after them is linked in the second format
    from django.db import transaction

    with transaction.atomic():
        with_new(actor=world.alice, action="brand.updated", target=world.brand_a, data={})
    audit_chain_pending()
    assert audit_chain_verify() == (4, None)
    assert list(AuditEntry.objects.order_by("seq").values_list("hash_version", flat=True)) == [1, 1, 1, 2]

    AuditEntry.objects.filter(seq=2).update(data={"x": 1})  # still caught the old way
    assert [f.kind for f in audit_chain_findings()[1]] == ["edited"]
