"""The one helper every stateful model moves through.

Each app keeps its allowed moves in `states.py` as a table {from: {to, ...}}; `transition()`
checks the move against that table, locks the row, writes the new state and the audit entry.
"""

from django.db import models, transaction

from .services import audit_append, audit_label


class IllegalTransition(Exception):
    def __init__(self, obj: models.Model, current: str, to: str):
        self.current, self.to = current, to
        super().__init__(f"{obj._meta.verbose_name} #{obj.pk} cannot go from '{current}' to '{to}'.")


def check_move(table: dict[str, frozenset[str]], current: str, to: str) -> bool:
    return to in table.get(current, frozenset())


def transition(*, obj: models.Model, to: str, actor, table: dict[str, frozenset[str]],
               field: str = "state", changes: dict | None = None, data: dict | None = None):
    """Move `obj` to state `to` (plus `changes` to other fields), with its audit entry.

    Requires an open transaction. Re-reads the row under a lock so two concurrent moves cannot
    both start from the same state; raises IllegalTransition if the table forbids the move.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() must run inside transaction.atomic()")
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    current = getattr(locked, field)
    if not check_move(table, current, to):
        raise IllegalTransition(locked, current, to)
    changes = dict(changes or {})
    changes[field] = to
    for name, value in changes.items():
        setattr(locked, name, value)
    update_fields = list(changes)
    if any(f.name == "updated_at" for f in locked._meta.fields):
        update_fields.append("updated_at")
    locked.save(update_fields=update_fields)
    audit_append(
        # Named after the audit label's model part: the same action names as before a model moved.
        actor=actor, action=f"{audit_label(locked).split('.')[1]}.{to}", target=locked,
        data={"from": current, "to": to, **(data or {})},
    )
    for name in update_fields:
        setattr(obj, name, getattr(locked, name))
    return locked
