"""Restrictions as rows: what applying actions does to a listing.

An action that imposes (remove, suppress) adds a Restriction with its source; one that lifts
(reinstate, unsuppress) lifts exactly the restrictions it reverses: a reinstatement those of its
decision's case, a suspension's lift those of the suspension. The listing's status is then what
its active restrictions say (listings.models.status_for), written only when it really changes.
Used by the single path (actions.services.action_apply) and the chunk (actions.bulk), in the
applying transaction, with the listings locked: a chunk reads the active restrictions of its
listings once and writes with one statement per kind of write: the new restrictions with one
COPY, the lifted ones with one UPDATE from arrays (PostgreSQL; the ORM's bulk_update elsewhere).
"""

import json
from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from django.db import connection

from common.db import insert_rows
from listings.models import RULE_FACTS, Listing, status_for

from .models import ActionKind, Restriction, RestrictionKind, RestrictionSource

# The restriction each imposing action kind adds.
KIND_IMPOSED = {ActionKind.REMOVE: RestrictionKind.REMOVED, ActionKind.SUPPRESS: RestrictionKind.SUPPRESSED}


class ActionRow(NamedTuple):
    """What applying one action needs to know of it (read with the action's row lock)."""

    action_id: int
    kind: str
    listing_id: int
    case_id: int | None
    decision_id: int | None
    suspension_id: int | None
    automated: bool  # its decision was taken by the portal's rules, not a person
    # A reinstatement whose decision outranks automation (Decision.outranks_automation): the lifted
    # restrictions keep the listing's facts, and the rules leave it alone until they change.
    clears: bool = False


class _Active(NamedTuple):
    pk: int | None  # None: imposed in this run, not yet written
    imposer: int  # the action that imposed it
    kind: str
    case_id: int | None
    suspension_id: int | None


def restrictions_apply(*, actions: list[ActionRow], statuses: dict[int, str], now: datetime) -> list[tuple[str, str]]:
    """Requires the applying transaction and the listings locked; `statuses` holds their current
    status ({listing id: status}) and is updated. Imposes or lifts each action's restriction, in
    order. Returns each action's (from, to) status: equal when the action changed nothing the
    marketplace can see. The caller writes the listings' new status (as a transition, or in a chunk
with one UPDATE per target status)."""
    active: dict[int, list[_Active]] = defaultdict(list)
    for pk, imposer, listing_id, kind, case_id, suspension_id in (
            Restriction.objects.filter(listing_id__any={a.listing_id for a in actions}, lifted_at__isnull=True)
            .order_by("id").values_list("id", "imposed_by_id", "listing_id", "kind", "case_id", "suspension_id")):
        active[listing_id].append(_Active(pk, imposer, kind, case_id, suspension_id))
    reinstated = {a.listing_id for a in actions if a.clears}
    facts = ({row[0]: dict(zip(RULE_FACTS, row[1:], strict=True)) for row in Listing.objects.filter(
        pk__any=reinstated).values_list("id", *RULE_FACTS)} if reinstated else {})
    added: dict[int, list] = {}  # imposing action id -> the new row's values
    lifted: list[tuple[int, int, dict | None]] = []  # (restriction, lifting action, cleared facts)
    changes = []
    for a in actions:
        current = active[a.listing_id]
        if a.kind in KIND_IMPOSED:
            kind = KIND_IMPOSED[a.kind]
            source = (RestrictionSource.SUSPENSION if a.suspension_id else
                      RestrictionSource.AUTOMATIC if a.automated else RestrictionSource.DECISION)
            current.append(_Active(None, a.action_id, kind, a.case_id, a.suspension_id))
            added[a.action_id] = [a.listing_id, kind, source, a.case_id, a.decision_id, a.suspension_id,
                                  a.action_id, now, None, None, None]
        else:
            for r in [r for r in current if _reverses(a, r)]:
                current.remove(r)
                cleared = facts.get(a.listing_id) if a.clears else None
                if r.pk is None:  # imposed earlier in this run: written already lifted
                    added[r.imposer][8:] = [now, a.action_id, json.dumps(cleared, default=str) if cleared else None]
                else:
                    lifted.append((r.pk, a.action_id, cleared))
        frm, to = statuses[a.listing_id], status_for(r.kind for r in current)
        statuses[a.listing_id] = to
        changes.append((frm, to))
    if added:
        insert_rows(Restriction._meta.db_table,
                    ("listing_id", "kind", "source", "case_id", "decision_id", "suspension_id", "imposed_by_id",
                     "started_at", "lifted_at", "lifted_by_id", "cleared_facts"), [tuple(v) for v in added.values()])
    if lifted:
        _restrictions_lift(lifted, now)
    return changes


def _restrictions_lift(lifted: list[tuple[int, int, dict | None]], now: datetime) -> None:
    """Mark the restrictions lifted at `now` by their actions, with their cleared facts (None: SQL
    NULL, as the ORM writes None to this JSONField). PostgreSQL: one UPDATE from three arrays
    (bulk_update's CASE per row cost ~0.3 s for 5,000 lifts, Django building it most of that)."""
    if connection.vendor != "postgresql":
        Restriction.objects.bulk_update(
            [Restriction(pk=pk, lifted_at=now, lifted_by_id=by, cleared_facts=cleared) for pk, by, cleared in lifted],
            ["lifted_at", "lifted_by", "cleared_facts"], batch_size=500)
        return
    table = connection.ops.quote_name(Restriction._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET lifted_at = %s, lifted_by_id = v.lifted_by, cleared_facts = v.cleared::jsonb "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS v(id, lifted_by, cleared) WHERE r.id = v.id",
            # json.dumps as the JSONField's own adaptation (no encoder) writes it.
            [now, [pk for pk, _, _ in lifted], [by for _, by, _ in lifted],
             [None if cleared is None else json.dumps(cleared) for _, _, cleared in lifted]])


def _reverses(action: ActionRow, restriction: _Active) -> bool:
    """A reinstatement lifts its case's restrictions; a suspension's lift, the suspension's."""
    if action.kind == ActionKind.REINSTATE:
        return restriction.case_id is not None and restriction.case_id == action.case_id
    return restriction.suspension_id is not None and restriction.suspension_id == action.suspension_id
