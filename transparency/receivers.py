"""A statement record (its puid) is written in the transaction that imposes the restriction or
approves the suspension, so it commits with it (DSA Art. 24(5): "without undue delay"). The beat
task records anything these missed (rows from before this app, a bad setting fixed since)."""

import logging

from django.db import connection
from django.utils import timezone

from actions.models import ActionKind, Restriction, RestrictionSource
from common.db import MAX_DB_INTEGER, int_array

from .models import StatementRecord
from .services import restriction_records_insert
from .statements import StatementError, puid_for

log = logging.getLogger(__name__)


def on_actions_applied(sender, *, actions, **kwargs) -> None:
    imposing = [a.action_id for a in actions if ActionKind(a.kind).imposes and a.decision_id is not None]
    if not imposing:
        return
    if connection.vendor == "postgresql" and _puids_valid():
        _records_insert(imposing)
        return
    rows = (Restriction.objects.filter(imposed_by_id__in=imposing).exclude(source=RestrictionSource.SUSPENSION)
            .values_list("pk", "started_at"))
    try:
        records = [StatementRecord(puid=puid_for(restriction_id=pk), restriction_id=pk, applied_at=at)
                   for pk, at in rows]
    except StatementError:
        # Never roll a takedown back for a statement: the sweep records it once the setting is fixed.
        log.exception("No statement record for restrictions imposed by actions %s", imposing)
        return
    StatementRecord.objects.bulk_create(records, ignore_conflicts=True)


def _puids_valid() -> bool:
    """Whether every restriction's puid is valid: the longest id's is (the puid differs only by the
    id's digits). If not, the path above refuses exactly the ones puid_for refuses."""
    try:
        puid_for(restriction_id=MAX_DB_INTEGER)
    except StatementError:
        return False
    return True


def _records_insert(imposing: list[int]) -> None:
    """The imposed restrictions' records in one INSERT … SELECT (PostgreSQL), the sweep's statement:
    no restriction read back into Python, no model instance per record (~12 ms of a 250-suppression
    ingest batch went to bulk_create)."""
    restriction_records_insert(where="r.imposed_by_id = ANY(%s::bigint[])", params=[int_array(imposing)],
                               now=timezone.now())


def on_seller_standing_changed(sender, *, suspension, suspended: bool, **kwargs) -> None:
    if not suspended or suspension.decided_at is None:
        return
    try:
        puid = puid_for(suspension_id=suspension.pk)
    except StatementError:
        log.exception("No statement record for suspension %s", suspension.pk)
        return
    StatementRecord.objects.bulk_create(
        [StatementRecord(puid=puid, suspension_id=suspension.pk, applied_at=suspension.decided_at)],
        ignore_conflicts=True)
