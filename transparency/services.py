"""Writes: a statement record (its puid) for each restriction and suspension, and their submission
to the DSA Transparency Database. A statement is never sent twice: a batch is claimed (pending →
sending) before it is posted, and a batch whose answer was lost (timeout, 5xx) stays `sending`
until the database is asked, puid by puid, whether it has it."""

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from actions.models import Restriction, RestrictionSource
from audit.transitions import transition
from suspensions.models import Suspension, SuspensionStatus

from . import client, tdb
from .models import StatementRecord, SubmissionStatus
from .selectors import RELATED, statement_build
from .statements import StatementError, puid_for
from .states import SUBMISSION_TRANSITIONS, sources_of

log = logging.getLogger(__name__)


class TdbRefused(Exception):
    """The database refused the whole batch for a reason no statement carries (401, 403, 413…): a
    setting to fix. The batch goes back to pending and the run stops."""


class TdbUnavailable(ConnectionError):
    """No certain answer (timeout, connection refused, 5xx): retried with backoff; the batch stays
    `sending` and is checked by puid before anything is sent again. A ConnectionError, so the
    portal's transient list (common.transient) covers it."""


# Restrictions per INSERT … SELECT of the sweep; and how far below the newest recorded restriction
# the regular sweep looks again, for a restriction whose transaction committed after a later one's.
SWEEP_CHUNK = 50_000
SWEEP_OVERLAP = 100_000


def restriction_records_insert(*, where: str, params: list, now) -> int:
    """Requires a transaction. One INSERT … SELECT of the statement records (puid
    `<DSA_PUID_PREFIX>-r<id>`, as statements.puid_for spells it) of the restrictions `r` matching
    `where` that a decision or a rule imposed (a suspension's are covered by the suspension's own);
    one already recorded is skipped. Returns how many were created."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {StatementRecord._meta.db_table} (puid, restriction_id, applied_at, status, uuid, error,
                                                            attempts, created_at, updated_at)
                SELECT %s || r.id, r.id, r.started_at, %s, '', '', 0, %s, %s
                FROM {Restriction._meta.db_table} r
                WHERE r.source <> %s AND {where}
                ORDER BY r.id
                ON CONFLICT DO NOTHING""",
            [f"{settings.DSA_PUID_PREFIX}-r", SubmissionStatus.PENDING, now, now, RestrictionSource.SUSPENSION,
             *params])
        return max(cursor.rowcount, 0)


def statements_record(*, full: bool = False) -> int:
    """Give every restriction imposed by a decision or a rule, and every approved suspension, its
    statement record (its puid), once. Returns how many were created. A suspension's per-listing
    restrictions are covered by the suspension's own statement.

    Set-based, by ranges of restriction ids, each range one INSERT … SELECT in its own transaction.
    The range bounds both sides of the anti-join (NOT IN a hashed sub-select of the range's records),
    so the plan stays linear whatever the planner believes of the table's size: one statement over
    all restrictions, planned against a still-empty record table, re-read the growing table for every
    row (1M restrictions ran for more than 13 minutes; by ranges, 100k take ~1 s). The regular sweep
    starts SWEEP_OVERLAP ids below the newest recorded restriction; `full` (the export, the nightly
    run, and any sweep while nothing is recorded yet) walks every range."""
    puid_for(restriction_id=0)  # refuses a bad DSA_PUID_PREFIX before anything is written
    record, restriction = StatementRecord._meta.db_table, Restriction._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {restriction}")
        lo, top = cursor.fetchone()
        if lo is not None and not full:
            cursor.execute(f"SELECT max(restriction_id) FROM {record}")
            (newest,) = cursor.fetchone()
            if newest is not None:
                lo = max(lo, newest - SWEEP_OVERLAP)
    created = 0
    while lo is not None and lo <= top:
        hi = lo + SWEEP_CHUNK
        now = timezone.now()
        with transaction.atomic():
            created += restriction_records_insert(
                where=f"r.id >= %s AND r.id < %s AND r.id NOT IN (SELECT s.restriction_id FROM {record} s "
                      "WHERE s.restriction_id >= %s AND s.restriction_id < %s)", params=[lo, hi, lo, hi], now=now)
        lo = hi
    suspensions = list(Suspension.objects.filter(
        statement_record__isnull=True, decided_at__isnull=False,
        status__in=[SuspensionStatus.APPROVED, SuspensionStatus.LIFTED]).values_list("pk", "decided_at"))
    StatementRecord.objects.bulk_create(
        [StatementRecord(puid=puid_for(suspension_id=pk), suspension_id=pk, applied_at=at) for pk, at in suspensions],
        ignore_conflicts=True)
    return created + len(suspensions)


@dataclass(frozen=True)
class Tdb:
    url: str
    token: str
    timeout: float

    @classmethod
    def configured(cls) -> "Tdb | None":
        if not settings.DSA_TDB_URL:
            return None
        return cls(settings.DSA_TDB_URL, settings.DSA_TDB_TOKEN, settings.DSA_TDB_TIMEOUT)


def _claim(limit: int) -> list[int]:
    """Pending records, oldest first, moved to `sending` under their row locks (two runs at once
    take different rows; SKIP LOCKED where the database has it)."""
    with transaction.atomic():
        qs = StatementRecord.objects.filter(status=SubmissionStatus.PENDING).order_by("id")
        ids = list(qs.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
        _set(ids, status=SubmissionStatus.SENDING, sent_at=timezone.now())
    return ids


def _set(ids, **fields) -> int:
    """The submission's moves, set-based (batches of 100 are not audited one by one): a record
    moves only from a status SUBMISSION_TRANSITIONS allows; others are left as they are."""
    if not ids:
        return 0
    qs = StatementRecord.objects.filter(id__in=list(ids))
    if "status" in fields:
        qs = qs.filter(status__in=sources_of(fields["status"]))
    return qs.update(updated_at=timezone.now(), **fields)


def statements_resolve_uncertain(*, tdb_: Tdb, older_than: timedelta | None = None) -> int:
    """Ask the database about each statement whose sending had no certain answer: found (302) →
    submitted; not found (404) → pending again, to be sent. No answer → TdbUnavailable."""
    cutoff = timezone.now() - (older_than if older_than is not None else timedelta(seconds=2 * tdb_.timeout))
    resolved = 0
    for record in StatementRecord.objects.filter(status=SubmissionStatus.SENDING, sent_at__lt=cutoff).order_by("id"):
        answer = client.existing_puid(tdb_.url, token=tdb_.token, timeout=tdb_.timeout, puid=record.puid)
        if answer.status == 302:
            uuid = (answer.body or {}).get("uuid", "")
            _set([record.pk], status=SubmissionStatus.SUBMITTED, uuid=uuid or record.uuid, error="")
        elif answer.status == 404:
            _set([record.pk], status=SubmissionStatus.PENDING)
        else:
            raise TdbUnavailable(f"Checking puid {record.puid}: {answer.error or answer.status}")
        resolved += 1
    return resolved


def _errors_text(errors) -> str:
    return json.dumps(errors, ensure_ascii=False, sort_keys=True)[:4000]


def statements_submit_batch(*, tdb_: Tdb, limit: int = tdb.MAX_BATCH) -> int:
    """Claim up to 100 pending statements, build them, POST them. Returns how many were accepted.
    201 → each gets its uuid; 422 → the statements the database named are rejected with its
    message, the rest go back to pending (it stores none of a refused batch); 5xx or no answer →
    TdbUnavailable, the batch stays `sending` for statements_resolve_uncertain."""
    ids = _claim(min(limit, tdb.MAX_BATCH))
    if not ids:
        return 0
    records = list(StatementRecord.objects.filter(id__in=ids).select_related(*RELATED).order_by("id"))
    batch, sent = [], []
    for record in records:
        try:
            batch.append(statement_build(record).payload)
            sent.append(record)
        except StatementError as exc:
            # Never sent: a wrong statement is worse than a late one. Staff see it.
            _set([record.pk], status=SubmissionStatus.FAILED, error=str(exc))
    if not batch:
        return 0
    StatementRecord.objects.filter(id__in=[r.pk for r in sent]).update(attempts=F("attempts") + 1)
    answer = client.post_statements(tdb_.url, token=tdb_.token, timeout=tdb_.timeout, statements=batch)
    by_puid = {r.puid: r for r in sent}
    if answer.status == 201:
        uuids = {s.get("puid"): s.get("uuid") for s in (answer.body or {}).get("statements", []) if isinstance(s, dict)}
        accepted = 0
        for puid, record in by_puid.items():
            if uuids.get(puid):
                _set([record.pk], status=SubmissionStatus.SUBMITTED, uuid=str(uuids[puid]), error="")
                accepted += 1
            # A statement missing from the answer stays `sending`: checked by puid later.
        return accepted
    if answer.status == 422:
        errors = (answer.body or {}).get("errors") or {}
        existing = set(errors.get("existing_puids") or []) if isinstance(errors, dict) else set()
        rejected = set()
        for index, record in enumerate(sent):
            mine = errors.get(f"statement_{index}") if isinstance(errors, dict) else None
            if mine:
                _set([record.pk], status=SubmissionStatus.REJECTED, error=_errors_text(mine))
                rejected.add(record.pk)
        # Already in the database (sent before, answer lost): accepted, uuid unknown.
        _set([r.pk for r in sent if r.puid in existing], status=SubmissionStatus.SUBMITTED,
             error="The database already had this puid.")
        if not rejected and not existing:
            # A refusal of the whole batch that names no statement: each is marked with it.
            _set([r.pk for r in sent], status=SubmissionStatus.REJECTED,
                 error=_errors_text(answer.body or answer.error))
            return 0
        _set([r.pk for r in sent if r.pk not in rejected and r.puid not in existing], status=SubmissionStatus.PENDING)
        return len([r for r in sent if r.puid in existing])
    if answer.status is None or answer.status >= 500:
        raise TdbUnavailable(answer.error or f"HTTP {answer.status}")
    # Another 4xx (401, 403, 413…): a setting to fix, not a statement to blame. Back to pending.
    _set([r.pk for r in sent], status=SubmissionStatus.PENDING, error=answer.error)
    raise TdbRefused(answer.error)


def statements_submit(*, max_batches: int = 50) -> dict:
    """Record new statements and send what is pending, in batches of at most 100: what beat runs.
    Off (does nothing) while DSA_TDB_URL is empty."""
    tdb_ = Tdb.configured()
    recorded = statements_record()
    if tdb_ is None:
        return {"enabled": False, "recorded": recorded, "accepted": 0}
    statements_resolve_uncertain(tdb_=tdb_)
    accepted = 0
    for _ in range(max_batches):
        if not StatementRecord.objects.filter(status=SubmissionStatus.PENDING).exists():
            break
        try:
            accepted += statements_submit_batch(tdb_=tdb_)
        except TdbRefused as exc:
            log.error("DSA Transparency Database refused the batch: %s", exc)
            return {"enabled": True, "recorded": recorded, "accepted": accepted, "refused": str(exc)}
    return {"enabled": True, "recorded": recorded, "accepted": accepted}


def statement_retry(*, record: StatementRecord, actor) -> None:
    """Staff send a rejected or failed statement again (after fixing its cause): back to pending,
    audited with who did it. Its puid is kept: the database refused it, so it never stored it.
    Raises IllegalTransition for a statement that is not rejected or failed."""
    with transaction.atomic():
        transition(obj=record, to=SubmissionStatus.PENDING, actor=actor, table=SUBMISSION_TRANSITIONS,
                   field="status")
