"""Bulk enforcement: many actions applied in chunks, with progress on a BulkJob row.

A job's actions are created first (pending rows, one COPY on PostgreSQL); then one task per chunk
of ids claims the chunk's pending actions under their row locks and, in one transaction, imposes
or lifts their restrictions (actions.restrictions: one INSERT, one UPDATE), changes the listings
whose status that changes with one UPDATE per target status, marks the actions applied with one
UPDATE, writes the webhook outbox (one COPY) for those listings and one audit entry for the chunk
(beat links it into the hash chain).
A chunk that runs again finds its actions applied and does nothing, so a killed worker, a
redelivered message or the sweep can re-run any chunk: the job resumes where it stopped.
A report decision job (decisions.report_jobs) creates its actions chunk by chunk as it decides
the report's cases, and queues each chunk as its decisions commit.
"""

from collections import defaultdict
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min
from django.utils import timezone

from audit.services import AuditTarget, audit_append, audit_append_many
from audit.transitions import transition
from common.db import insert_rows
from common.dispatch import enqueue_many_on_commit
from complaints.models import outranks_automation
from listings.models import Listing
from notifications.services import notify_many_on_commit, notify_on_commit

from .events import AppliedAction, action_event_id, actions_applied
from .models import ActionKind, ActionStatus, BulkJob, BulkJobKind, BulkJobStatus, EnforcementAction
from .restrictions import ActionRow, restrictions_apply
from .states import BULK_JOB_TRANSITIONS


def _chunks(ids: list[int], size: int) -> list[tuple[int, int]]:
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


class NewAction(NamedTuple):
    """A pending action for bulk_job_create: the row's values, without a model instance per row
    (building 10,000 instances took longer than writing the rows)."""

    listing_id: int
    kind: str
    idempotency_key: str
    decision_id: int | None = None
    case_id: int | None = None
    suspension_id: int | None = None


def bulk_job_create(*, kind: str, title: str, actions: list[NewAction], actor=None,
                    chunk_size: int | None = None, queue_chunks: bool = True) -> BulkJob:
    """Requires an open transaction. Creates the job and its pending `actions` in bulk, and queues
    one task per chunk on commit (unless `queue_chunks` is False: the caller applies them in its
    transaction, bulk_job_apply_pending)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk_job_create must run inside the deciding transaction")
    job = _job_create(kind=kind, title=title, actions=actions, actor=actor, chunk_size=chunk_size,
                      now=timezone.now(), applied=False)
    if not actions:
        transition(obj=job, to=BulkJobStatus.FINISHED, actor=None, table=BULK_JOB_TRANSITIONS, field="status",
                   changes={"finished_at": timezone.now()})
    if queue_chunks:
        bulk_job_enqueue(job=job)
    return job


class DecisionFacts(NamedTuple):
    """What applying an action reads of its decision (a chunk reads it with the action): its case,
    reason and statement for the marketplace's event, whether it was automated for the restriction."""

    case_id: int
    reason_code: str
    statement: str
    automated: bool


def bulk_job_create_applied(*, kind: str, title: str, actions: list[NewAction], decisions: dict[int, DecisionFacts],
                            listings: dict[int, tuple[str, str, str]] | None = None) -> BulkJob:
    """Requires the transaction that took the decisions of `actions` (`decisions`: each one's facts,
    by id). bulk_job_create and bulk_job_apply_pending in one, for actions applied in the transaction
    that creates them (an ingest batch's automatic suppressions): the same job, restrictions,
    listing statuses, events and audit entries (created, one per chunk, finished), but each action
    is written applied at once. No other transaction can see these rows before they commit, so
    there is nothing to claim: the pending write, its UPDATE to applied and the chunk's locked
    read back of what the caller holds were a third of the job's cost. `listings`: {id: (status,
    external id, seller's external id)} of every listing of `actions` as it is now, when the caller
    holds them locked already (an ingest batch wrote them); else each chunk reads and locks its own."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk_job_create_applied must run inside the deciding transaction")
    if not actions:
        return bulk_job_create(kind=kind, title=title, actions=actions, queue_chunks=False)
    now = timezone.now()
    job = _job_create(kind=kind, title=title, actions=actions, actor=None, chunk_size=None, now=now, applied=True)
    # One INSERT gives its rows ascending ids in row order; the job is new, so its actions are these.
    ids = list(EnforcementAction.objects.filter(bulk_job_id=job.pk).order_by("id").values_list("id", flat=True))
    if len(ids) != len(actions):
        raise RuntimeError(f"bulk job {job.pk}: {len(ids)} actions read back for {len(actions)} written")
    known = dict(listings) if listings is not None else None
    for start in range(0, len(ids), job.chunk_size):
        part = list(zip(ids[start:start + job.chunk_size], actions[start:start + job.chunk_size], strict=True))
        targets = {a.listing_id for _, a in part}
        chunk_listings = ({pk: known[pk] for pk in targets} if known is not None else
                          _listings_locked(Listing.objects.filter(pk__any=targets)))
        facts = [decisions[a.decision_id] if a.decision_id is not None else None for _, a in part]
        rows = [_action_row(pk, a.kind, a.listing_id, a.case_id, a.decision_id, a.suspension_id,
                            f.automated if f else None, f.reason_code if f else None)
                for (pk, a), f in zip(part, facts, strict=True)]
        _chunk_apply(job_id=job.pk, span=(part[0][0], part[-1][0]), rows=rows,
                     keys=[a.idempotency_key for _, a in part],
                     decisions={a.decision_id: f[:3] for (_, a), f in zip(part, facts, strict=True) if f},
                     listings=chunk_listings, now=now, applied=None)
        if known is not None:
            known.update(chunk_listings)  # as this chunk left them, for the next
    bulk_job_refresh(job_id=job.pk)
    return job


def _job_create(*, kind: str, title: str, actions: list[NewAction], actor, chunk_size: int | None, now,
                applied: bool) -> BulkJob:
    """The job, its actions (pending, or `applied`: _actions_insert) and its `bulkjob.created` entry."""
    job = BulkJob.objects.create(kind=kind, title=title[:200], total=len(actions), created_by=actor,
                                 chunk_size=chunk_size or settings.ENFORCEMENT_CHUNK_SIZE)
    _actions_insert(job_id=job.pk, actions=actions, now=now, applied=applied)
    audit_append(actor=actor, action="bulkjob.created", target=job, data={"kind": kind, "total": len(actions)})
    return job


_ACTION_COLUMNS = ("decision_id", "case_id", "suspension_id", "listing_id", "bulk_job_id", "kind", "status",
                   "idempotency_key", "attempts", "last_error", "created_at", "updated_at")


def _actions_insert(*, job_id: int, actions: list[NewAction], now, applied: bool = False) -> None:
    """The job's actions as rows (COPY on PostgreSQL): pending, or (`applied`) as a chunk leaves
    them once applied at `now` (status, one attempt, applied and attempted at `now`)."""
    if not applied:
        insert_rows(EnforcementAction._meta.db_table, _ACTION_COLUMNS,
                    [(a.decision_id, a.case_id, a.suspension_id, a.listing_id, job_id, a.kind, ActionStatus.PENDING,
                      a.idempotency_key, 0, "", now, now) for a in actions])
        return
    insert_rows(EnforcementAction._meta.db_table, (*_ACTION_COLUMNS, "applied_at", "last_attempt_at"),
                [(a.decision_id, a.case_id, a.suspension_id, a.listing_id, job_id, a.kind, ActionStatus.APPLIED,
                  a.idempotency_key, 1, "", now, now, now, now) for a in actions])


def bulk_job_enqueue(*, job: BulkJob, only_pending: bool = False) -> int:
    """Queue (on commit) one chunk task per chunk of the job's actions. Returns how many chunks."""
    actions = EnforcementAction.objects.filter(bulk_job=job)
    if only_pending:
        actions = actions.filter(status=ActionStatus.PENDING)
    ids = list(actions.order_by("id").values_list("id", flat=True))
    chunks = _chunks(ids, job.chunk_size)
    # The decision is committed first; a broker outage leaves the actions pending for the sweep.
    enqueue_many_on_commit("enforcement.tasks.apply_action_chunk", [(job.pk, first, last) for first, last in chunks])
    return len(chunks)


def bulk_job_add_action(*, job_id: int, action: NewAction) -> EnforcementAction:
    """Requires an open transaction. One more pending action for a job that may have finished (a
    listing that arrives under a suspension joins the suspension's job); the caller applies it."""
    BulkJob.objects.filter(pk=job_id).update(total=F("total") + 1, updated_at=timezone.now())
    created = EnforcementAction.objects.create(
        listing_id=action.listing_id, kind=action.kind, idempotency_key=action.idempotency_key, bulk_job_id=job_id,
        decision_id=action.decision_id, case_id=action.case_id, suspension_id=action.suspension_id)
    audit_append(actor=None, action="action.created", target=created, data={"kind": action.kind, "bulk_job": job_id})
    return created


def bulk_job_add_decided(*, job_id: int, actions: list[NewAction], external_ids: dict[int, str], actor) -> list[int]:
    """Requires the deciding transaction. The pending actions of decisions a report decision job
    just took (action_create's, with `job`, for many at once): one INSERT of the rows, one of their
    `action.created` audit entries. `external_ids`: {listing id: its external id}, for the entries'
    readable copy. Returns the new actions' ids, in order; the job queues their chunk."""
    if not actions:
        return []
    _actions_insert(job_id=job_id, actions=actions, now=timezone.now())
    ids = dict(EnforcementAction.objects.filter(idempotency_key__in=[a.idempotency_key for a in actions])
               .values_list("idempotency_key", "id"))
    label = EnforcementAction.audit_label
    audit_append_many(actor=actor, entries=[
        ("action.created",
         AuditTarget(label, ids[a.idempotency_key],
                     f"{ActionKind(a.kind).label} {external_ids[a.listing_id]} ({ActionStatus.PENDING})"),
         {"kind": a.kind, "bulk_job": job_id}) for a in actions])
    return [ids[a.idempotency_key] for a in actions]


def bulk_job_apply_pending(*, job_id: int | None) -> int:
    """Apply, in the caller's transaction, whatever of the job is still pending (chunk by chunk), so
    that what follows (a suspension's lift) comes after it. Returns how many were applied."""
    if job_id is None:
        return 0
    job = BulkJob.objects.get(pk=job_id)
    ids = list(EnforcementAction.objects.filter(bulk_job_id=job_id, status=ActionStatus.PENDING)
               .order_by("id").values_list("id", flat=True))
    return sum(actions_apply_chunk(job_id=job_id, first_id=first, last_id=last)
               for first, last in _chunks(ids, job.chunk_size))


def actions_apply_chunk(*, job_id: int, first_id: int, last_id: int) -> int:
    """Apply the job's pending actions with ids in [first_id, last_id]. Idempotent: returns how
    many were applied now (0 when a previous run already did them).

    One audit entry for the chunk, as its takedowns commit together: `bulkjob.chunk_applied` on the
    job, listing each action applied with its listing's change and its event ([action, listing,
    from, to, event id or None when the listing's status did not change]). A takedown's record in
    the chain is the entry of its job whose `actions` range ([first, last]) holds its id."""
    now = timezone.now()
    pending = EnforcementAction.objects.filter(bulk_job_id=job_id, pk__gte=first_id, pk__lte=last_id,
                                               status=ActionStatus.PENDING)
    with transaction.atomic():
        # Race: two deliveries of the same chunk; the second waits on these row locks, then finds
        # nothing pending. Locked in id order (as every path here does) so chunks cannot deadlock.
        # Plain tuples, not model instances: at hundreds of rows per chunk the ORM's objects were
        # most of the cost. The decisions' fields for the events come in the same read (unlocked).
        rows = list(pending.select_for_update(of=("self",)).order_by("id").values_list(
            "id", "kind", "listing_id", "case_id", "decision_id", "suspension_id", "decision__automated",
            "idempotency_key", "decision__case_id", "decision__reason_code", "decision__statement"))
        if not rows:
            bulk_job_refresh(job_id=job_id)
            return 0
        decisions = {row[4]: row[8:] for row in rows if row[4] is not None}
        # The listings, locked after the actions, selected by the same range (no list of ids to send).
        listings = _listings_locked(Listing.objects.filter(pk__in=pending.values("listing_id")))
        count = _chunk_apply(job_id=job_id, span=(first_id, last_id),
                             rows=[_action_row(*row[:7], row[9]) for row in rows], keys=[row[7] for row in rows],
                             decisions=decisions, listings=listings, now=now, applied=pending)
        bulk_job_refresh(job_id=job_id)
    return count


def _action_row(action_id: int, kind: str, listing_id: int, case_id: int | None, decision_id: int | None,
                suspension_id: int | None, automated: bool | None, reason_code: str | None) -> ActionRow:
    """What applying the action needs of it: a reinstatement whose decision outranks automation
    clears the listing's facts (actions.restrictions)."""
    return ActionRow(action_id, kind, listing_id, case_id, decision_id, suspension_id, bool(automated),
                     clears=kind == ActionKind.REINSTATE and decision_id is not None
                     and outranks_automation(automated=automated, reason_code=reason_code))


def _listings_locked(listings) -> dict[int, tuple[str, str, str]]:
    """The chunk's listings locked in id order: {id: (status, external id, seller's external id)}."""
    return {pk: (status, ext, seller_ext) for pk, status, ext, seller_ext in (
        listings.select_for_update(of=("self",)).order_by("id").values_list(
            "id", "status", "external_id", "seller__external_id"))}


def _chunk_apply(*, job_id: int, span: tuple[int, int], rows: list[ActionRow], keys: list[str],
                 decisions: dict[int, tuple], listings: dict[int, tuple[str, str, str]], now, applied) -> int:
    """Apply a chunk's actions (`rows`, in id order, with their idempotency `keys`; `span`: the chunk's
    range of ids, which its audit entry names): their
    restrictions, their listings' new status (one UPDATE per target status), the `applied`
    queryset of their rows marked applied (None: written applied already), what the apps above
    record with them (actions_applied) and the chunk's audit entry. `decisions`: {id: (case id,
    reason code, statement)}; `listings`: _listings_locked's, left holding each one's new status.
    Returns how many were applied."""
    before = {pk: status for pk, (status, _, _) in listings.items()}
    statuses = dict(before)
    changes = restrictions_apply(actions=rows, statuses=statuses, now=now)
    by_target: dict[str, list[int]] = defaultdict(list)
    for listing_id, to in statuses.items():
        if before[listing_id] != to:
            by_target[to].append(listing_id)
    for to, ids in by_target.items():
        # The chunk's one statement per target status (a suspension has one: suppressed).
        Listing.objects.filter(pk__any=ids).update(status=to, updated_at=now)
        for listing_id in ids:
            listings[listing_id] = (to, *listings[listing_id][1:])
    if applied is not None:
        applied.update(status=ActionStatus.APPLIED, applied_at=now, last_attempt_at=now, updated_at=now,
                       attempts=F("attempts") + 1)
    done = [AppliedAction(a.action_id, a.kind, a.listing_id, a.decision_id, key, frm, to)
            for a, key, (frm, to) in zip(rows, keys, changes, strict=True)]
    # Told in the same transaction (webhooks writes the marketplace's events: its outbox, for the
    # actions that changed what the marketplace shows); each event id goes in the audit entry.
    actions_applied.send(sender=EnforcementAction, job_id=job_id, single=False, decisions=decisions, actions=done,
                         listings={pk: (ext, seller_ext) for pk, (_, ext, seller_ext) in listings.items()})
    first_id, last_id = span
    chunk = AuditTarget(BulkJob.audit_label, job_id, f"Bulk job #{job_id}: actions {first_id}-{last_id}")
    audit_append(actor=None, action="bulkjob.chunk_applied", target=chunk,
                 data={"actions": [first_id, last_id], "failed": [], "applied": [
                     [a.action_id, a.listing_id, a.from_status, a.to_status,
                      action_event_id(a.idempotency_key) if a.changed else None] for a in done]})
    return len(done)


def bulk_job_refresh(*, job_id: int) -> None:
    """Recount the job's progress from its actions (never incremented, so re-runs cannot double
    count) and finish it when nothing is pending and no more actions can come (a report decision
    job still deciding cases). Runs in the caller's transaction.

    Counts what is not applied (pending, failed: through action_unapplied_idx, a few rows, not the
    job's thousands); done is the rest of `total`, which is set as actions are added to the job
    (bulk_job_create, the report decision walk)."""
    # Locked before counting: a report decision job's chunk creating actions holds this lock until
    # it commits, so the count below sees its actions (counted first, a chunk applied meanwhile
    # could find nothing pending and finish the job under them).
    job = BulkJob.objects.select_for_update().get(pk=job_id)
    counts = dict(EnforcementAction.objects.filter(status__in=[ActionStatus.PENDING, ActionStatus.FAILED],
                                                   bulk_job_id=job_id).values_list("status")
                  .annotate(n=Count("id")).values_list("status", "n"))
    failed, pending = counts.get(ActionStatus.FAILED, 0), counts.get(ActionStatus.PENDING, 0)
    done = job.total - failed - pending
    BulkJob.objects.filter(pk=job_id).update(done=done, failed=failed, updated_at=timezone.now())
    if pending == 0 and job.status == BulkJobStatus.RUNNING and not job.deciding:
        transition(obj=job, to=BulkJobStatus.FINISHED, actor=None, table=BULK_JOB_TRANSITIONS, field="status",
                   changes={"finished_at": timezone.now()}, data={"done": done, "failed": failed})
        if job.kind == BulkJobKind.REPORT_DECISION:
            # The one place a report decision job finishes (its walk ended and its last action was
            # applied or failed, whichever came last): the reporter's and the sellers' summaries.
            # Sent once: a job finishing again after a retry finds them written.
            _notify_report_job_finished(job=job)
    elif pending and job.status == BulkJobStatus.FINISHED:  # a failed action was sent back to retry
        transition(obj=job, to=BulkJobStatus.RUNNING, actor=None, table=BULK_JOB_TRANSITIONS, field="status",
                   changes={"finished_at": None})


def stale_chunks(*, action_ids: list[int]) -> list[tuple[int, int, int]]:
    """For the sweep: the (job, first, last) ranges covering these stale bulk actions."""
    rows = EnforcementAction.objects.filter(pk__in=action_ids).exclude(bulk_job=None).order_by("bulk_job_id", "id")
    by_job: dict[int, list[int]] = defaultdict(list)
    sizes = dict(BulkJob.objects.filter(actions__in=rows).values_list("id", "chunk_size").distinct())
    for job_id, pk in rows.values_list("bulk_job_id", "id"):
        by_job[job_id].append(pk)
    return [(job_id, first, last) for job_id, ids in by_job.items() for first, last in _chunks(ids, sizes[job_id])]




def _notify_report_job_finished(*, job: BulkJob) -> None:
    """Requires the transaction that finishes the report decision `job`. Queues the reporter side's
    summary and, for each seller with an action in the job, the list of their listings it changed
    (decisions.mails). A seller's summary is keyed by their first action in the job (an id no other
    job or seller has), so each is its own step: sent once, retried alone, never resent with another's."""
    notify_on_commit("report_decided", job.pk)
    firsts = (EnforcementAction.objects.filter(bulk_job_id=job.pk).order_by()
              .values("listing__seller_id").annotate(first=Min("id")).values_list("first", flat=True))
    notify_many_on_commit("report_enforced", firsts)
