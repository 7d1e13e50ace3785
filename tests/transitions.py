"""Shared check for the transition tables: every (from, to) pair of a model's choices."""

from itertools import product

import pytest
from django.db import transaction

from audit.models import AuditEntry
from audit.services import audit_label
from audit.transitions import IllegalTransition, transition


def all_pairs(choices) -> list:
    """Every (from, to) pair of a TextChoices, as pytest params with readable ids."""
    return [pytest.param(a, b, id=f"{a}->{b}") for a, b in product(choices.values, repeat=2)]


def _entries_for(obj):
    return AuditEntry.objects.filter(target_type=audit_label(obj), target_id=obj.pk)


def assert_move_obeys_table(*, obj, to: str, table: dict, field: str, actor=None) -> None:
    """An allowed move succeeds with exactly one audit entry; a forbidden one raises and changes nothing."""
    current = getattr(obj, field)
    before = _entries_for(obj).count()
    total_before = AuditEntry.objects.count()
    if to in table.get(current, frozenset()):
        with transaction.atomic():
            transition(obj=obj, to=to, actor=actor, table=table, field=field)
        obj.refresh_from_db()
        assert getattr(obj, field) == to
        entries = list(_entries_for(obj).order_by("id"))[before:]
        assert len(entries) == 1
        assert AuditEntry.objects.count() == total_before + 1
        assert entries[0].action == f"{audit_label(obj).split('.')[1]}.{to}"
        assert entries[0].data["from"] == current
        assert entries[0].data["to"] == to
    else:
        with pytest.raises(IllegalTransition) as exc:
            with transaction.atomic():
                transition(obj=obj, to=to, actor=actor, table=table, field=field)
        assert (exc.value.current, exc.value.to) == (current, to)
        obj.refresh_from_db()
        assert getattr(obj, field) == current
        assert AuditEntry.objects.count() == total_before
