"""Enforcement actions: the rows that become marketplace changes. A decision creates a pending
action in its transaction; a worker applies it after commit, exactly once, with its webhook event
in the same transaction; a final failure is recorded for a person to retry; a sweep re-queues
what is pending too long. Bulk jobs (many actions in chunks) are in actions.bulk; what an applied
action announces (to webhooks) is in actions.events."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_append
from audit.transitions import transition
from common.dispatch import enqueue, enqueue_on_commit
from complaints.models import Decision
from listings.models import Listing
from listings.states import LISTING_TRANSITIONS
from notifications.services import notification_queued, notify_on_commit

from .bulk import bulk_job_refresh, stale_chunks
from .events import AppliedAction, actions_applied
from .models import ActionKind, ActionStatus, BulkJob, EnforcementAction
from .restrictions import ActionRow, restrictions_apply
from .states import ACTION_TRANSITIONS

APPLY_TASK = "enforcement.tasks.apply_action"
CHUNK_TASK = "enforcement.tasks.apply_action_chunk"


def action_create(*, decision: Decision, kind: str, actor, job: BulkJob | None = None) -> EnforcementAction:
    """Requires the deciding transaction. The decision's pending action, applied by its own task on
    commit; or, with `job`, one of the job's, applied with its chunk (the job queues the chunk).

    A reinstatement comes after what it reverses: its case's takedowns still pending (queued, not
    yet applied) are applied first, here. Applied after it by another worker, one would restrict
    the listing again with nothing left to lift it."""
    if kind == ActionKind.REINSTATE:
        for pending in (EnforcementAction.objects.filter(case_id=decision.case_id, status=ActionStatus.PENDING,
                                                         kind__in=[ActionKind.REMOVE, ActionKind.SUPPRESS])
                        .order_by("pk").values_list("pk", flat=True)):
            action_apply(action_id=pending)
    action = EnforcementAction.objects.create(
        decision=decision, case=decision.case, listing=decision.case.listing, kind=kind, bulk_job=job,
        idempotency_key=f"decision:{decision.pk}:{kind}:{decision.case.listing_id}",
    )
    audit_append(actor=actor, action="action.created", target=action,
                 data={"kind": kind, **({"bulk_job": job.pk} if job else {})})
    if job is None:
        # The decision is committed first; a broker outage leaves the action pending for the sweep.
        enqueue_on_commit(APPLY_TASK, action.pk)
    return action


def action_apply(*, action_id: int) -> bool:
    """Apply a pending action: impose or lift its restriction (actions.restrictions) and bring the
    listing to the status its restrictions say. Idempotent: returns False when there is nothing to
    do (already applied, failed, or unknown), so a re-delivered message changes nothing."""
    with transaction.atomic():
        # Race: two deliveries of the same message; the second waits here, then sees 'applied'.
        action = (EnforcementAction.objects.select_for_update(of=("self",)).select_related("decision")
                  .filter(pk=action_id).first())
        if action is None or action.status != ActionStatus.PENDING:
            return False
        listing = Listing.objects.select_for_update().get(pk=action.listing_id)
        now = timezone.now()
        statuses = {listing.pk: listing.status}
        [(frm, to)] = restrictions_apply(actions=[action_row(action)], statuses=statuses, now=now)
        if frm != to:
            transition(obj=listing, to=to, actor=None, table=LISTING_TRANSITIONS, field="status",
                       data={"reason": f"{action.kind} by action #{action.pk}"})
        transition(obj=action, to=ActionStatus.APPLIED, actor=None, table=ACTION_TRANSITIONS,
                   field="status", changes={"applied_at": now, "attempts": action.attempts + 1,
                                            "last_attempt_at": now})
        # Told in the same transaction: the marketplace's event and its deliveries (webhooks' outbox)
        # commit with the change, or not at all.
        actions_applied.send(sender=EnforcementAction, job_id=action.bulk_job_id, single=True,
                             actions=[AppliedAction(action.pk, action.kind, action.listing_id, action.decision_id,
                                                    action.idempotency_key, frm, to)])
        # A bulk job's actions are told in its summaries, if it has any still to send. (Checked
        # before the refresh: a job this action finishes has its summaries written there, with it.)
        if action.bulk_job_id is None or notification_queued(kind="report_decided", object_id=action.bulk_job_id):
            notify_on_commit("action_applied", action.pk)
        if action.bulk_job_id is not None:
            bulk_job_refresh(job_id=action.bulk_job_id)
    return True


def action_row(action: EnforcementAction) -> ActionRow:
    decision = action.decision
    return ActionRow(action.pk, action.kind, action.listing_id, action.case_id, action.decision_id,
                     action.suspension_id, bool(decision and decision.automated),
                     clears=action.kind == ActionKind.REINSTATE and bool(decision and decision.outranks_automation))


def action_fail(*, action_id: int, error: str) -> None:
    """Record a final failure so reviewers see it (and can retry)."""
    with transaction.atomic():
        action = EnforcementAction.objects.select_for_update().filter(pk=action_id).first()
        if action is None or action.status != ActionStatus.PENDING:
            return
        transition(obj=action, to=ActionStatus.FAILED, actor=None, table=ACTION_TRANSITIONS,
                   field="status", changes={"last_error": error[:2000], "attempts": action.attempts + 1,
                                            "last_attempt_at": timezone.now()})
        if action.bulk_job_id is not None:
            bulk_job_refresh(job_id=action.bulk_job_id)


def actions_fail_chunk(*, job_id: int, first_id: int, last_id: int, error: str) -> int:
    """Record a chunk's final failure on its still-pending actions, so reviewers see and retry them."""
    ids = list(EnforcementAction.objects.filter(bulk_job_id=job_id, pk__gte=first_id, pk__lte=last_id,
                                                status=ActionStatus.PENDING).values_list("id", flat=True))
    for action_id in ids:
        action_fail(action_id=action_id, error=error)
    return len(ids)


def action_retry(*, action: EnforcementAction, actor) -> EnforcementAction:
    """A person sends a failed action back to the queue."""
    with transaction.atomic():
        action = transition(obj=action, to=ActionStatus.PENDING, actor=actor, table=ACTION_TRANSITIONS,
                            field="status")
        if action.bulk_job_id is not None:
            bulk_job_refresh(job_id=action.bulk_job_id)
        enqueue_on_commit(APPLY_TASK, action.pk)
    return action


def actions_requeue_stale() -> int:
    """Re-queue pending actions whose message may have been lost. Returns how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.ENFORCEMENT_STALE_SECONDS)
    ids = list(EnforcementAction.objects.filter(status=ActionStatus.PENDING, updated_at__lt=cutoff)
               .values_list("id", flat=True)[:1000])
    # A bulk job's actions go back as chunks (one task per chunk, as first queued), others one by one.
    for job_id, first, last in stale_chunks(action_ids=ids):
        enqueue(CHUNK_TASK, job_id, first, last)
    in_chunks = set(EnforcementAction.objects.filter(pk__in=ids).exclude(bulk_job=None).values_list("id", flat=True))
    for action_id in ids:
        if action_id not in in_chunks:
            enqueue(APPLY_TASK, action_id)
    return len(ids)
