"""The migration that signs the log: entries linked before it keep verifying (version 1, the old
digest), entries still waiting are signed and linked in the new format, the head is signed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.models import AuditEntry
from audit.selectors import audit_chain_findings
from audit.services import GENESIS, audit_chain_pending, entry_digest

pytestmark = pytest.mark.django_db(transaction=True)


def test_entries_from_before_keep_verifying_and_waiting_ones_are_linked_signed():
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0003_hash_not_unique")])
    old = executor.loader.project_state([("audit", "0003_hash_not_unique")]).apps
    Entry, Head = old.get_model("audit", "AuditEntry"), old.get_model("audit", "AuditChainHead")
    prev = GENESIS
    for seq in range(1, 4):
        fields = {"created_at": timezone.now(), "actor_repr": "system", "action": "brand.created",
                  "target_type": "registry.brand", "target_id": seq, "target_repr": f"Brand {seq}", "data": {"n": seq}}
        digest = entry_digest(prev_hash=prev, **fields)
        Entry.objects.create(seq=seq, prev_hash=prev, hash=digest, **fields)
        prev = digest
    Head.objects.create(id=1, last_hash=prev, count=3)
    Entry.objects.create(created_at=timezone.now(), actor_repr="system", action="brand.updated",
                         target_type="registry.brand", target_id=1, target_repr="Brand 1", data={})  # waiting

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert audit_chain_pending() == 1
    assert list(AuditEntry.objects.order_by("seq").values_list("hash_version", flat=True)) == [1, 1, 1, 2]
    assert audit_chain_findings() == (4, [])
