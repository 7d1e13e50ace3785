"""Strikes against sellers and the suspensions they lead to.

When is a strike given: one per decision event per seller, with its first removal decision, in
its transaction (the takedown is upheld unless and until it is reversed), so the count a senior
reviewer sees is never behind the decisions. An event is a report-wide decision ("apply to all
cases of this report": however many listings and transactions it takes, one strike per seller
covering them all) or any other removal decision on its own (a single case, an automatic case a
reviewer confirms, a rights holder's appeal granted). Mastodon gives one strike per moderation
action; one report, one notice, one strike. Reversal (appeal granted, counter-notice
reinstatement, withdrawal: every caller of strike_remove) marks the decision reversed in its
strike; the strike is removed once all the decisions it covers are, so it stands exactly while one
of its takedowns does. A strike counts until STRIKE_EXPIRY_DAYS after its first decision.

At STRIKE_SUSPENSION_THRESHOLD active strikes (events, not listings) the system proposes a suspension; a reviewer may
also propose one, with a reason, from a case on the seller's listing (a pattern the strikes do not
show yet: a counterfeit shop relisting under new ids). A senior reviewer who is not the proposer
and made none of the strike decisions approves (a second person: someone proposed, a reviewer
decided each strike, someone else suspends) or rejects it with a reason. A suspension covers the
seller, not a snapshot: approval restricts every listing of the seller through a bulk job of
per-listing `suppress` actions (each imposing the suspension's own Restriction), a listing that
arrives while it lasts is restricted at ingest (suspension_restrict_ingested), and lifting lifts
only the suspension's restrictions with `unsuppress` actions, so takedowns stay. Per-listing
actions (not one 'suspend seller' action) so each listing change is a row with its own
idempotency key, webhook event and audit entry, applied by the same chunked path as any bulk
takedown. The marketplace also hears the seller's own change (seller.suspended, seller.reinstated).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.permissions import is_reviewer, is_senior
from actions.bulk import NewAction, bulk_job_add_action, bulk_job_apply_pending, bulk_job_create
from actions.models import ActionKind, BulkJobKind, EnforcementAction, Restriction
from actions.services import action_apply
from audit.services import audit_append, audit_append_many
from audit.transitions import transition
from common.db import insert_rows
from complaints.models import Case, Decision
from evidence.models import EvidenceFile
from evidence.services import EvidenceLimitError, evidence_check_filing
from imagery.selectors import shared_signal_kinds
from listings.models import Listing, Seller
from notifications.services import notify_on_commit

from .models import (
    LinkedAccountFlag,
    LinkedFlagStatus,
    Strike,
    StrikeDecision,
    Suspension,
    SuspensionAppealEvidence,
    SuspensionStatus,
    strike_event_for_decision,
)
from .signals import seller_standing_changed
from .states import LINKED_FLAG_TRANSITIONS, SUSPENSION_TRANSITIONS

# A reviewer's proposal says why in at least this many characters: the senior decides on it.
PROPOSAL_REASON_MIN_CHARS = 20
# Clearing a linked account says why in at least this many characters: the next reviewer reads it.
CLEAR_REASON_MIN_CHARS = 10


class SuspensionError(Exception):
    """A refused suspension step; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


class SuspensionAlreadyOpen(SuspensionError):
    """The seller already has an open (proposed or approved) suspension: `proposal`."""

    def __init__(self, proposal: Suspension):
        self.proposal = proposal
        if proposal.status == SuspensionStatus.APPROVED:
            message = f"{proposal.seller.name} is already suspended (suspension #{proposal.pk})."
        else:
            who = proposal.proposed_by.username if proposal.proposed_by_id else "the system"
            message = (f"Suspension #{proposal.pk} of {proposal.seller.name} is already proposed, by {who}; "
                       "a senior reviewer decides it.")
        super().__init__(message)


def strikes_active(*, seller: Seller, now=None) -> QuerySet[Strike]:
    now = now or timezone.now()
    return Strike.objects.filter(seller=seller, removed_at__isnull=True, expires_at__gt=now)


def strike_give(*, decision: Decision, event_key: str | None = None) -> Strike:
    """Requires the removal decision's transaction. The seller's strike for the decision's event
    (`event_key`: strike_event_for_report for a report-wide decision; by default the decision is its
    own event) covers the decision: the first decision of an event gives the strike, and proposes a
    suspension when the seller reaches the threshold; a later one joins it (and stands it again if
    every decision it covered had been reversed)."""
    seller = decision.case.listing.seller
    key = event_key or strike_event_for_decision(decision.pk)
    now = timezone.now()
    # Race: two decisions of one event for the same seller at once (the walk of a report decision
    # and a second reviewer's report-wide decision on the same report). The unique (seller,
    # event_key) index lets one insert; the other waits for it to commit, gets the IntegrityError
    # inside get_or_create's savepoint and reads the row. Read FOR UPDATE: strike_remove decides on
    # the links it sees under the same lock, so it never removes a strike a decision is joining.
    strike, created = Strike.objects.select_for_update().get_or_create(
        seller=seller, event_key=key,
        defaults={"created_at": now, "expires_at": now + timedelta(days=settings.STRIKE_EXPIRY_DAYS)})
    StrikeDecision.objects.create(strike=strike, decision=decision, added_at=now)
    standing_again = not created and strike.removed_at is not None
    if created:
        audit_append(actor=decision.decided_by, action="strike.given", target=strike,
                     data={"seller": seller.pk, "event": key, "decision": decision.pk, "expires_at": strike.expires_at})
    else:
        audit_append(actor=decision.decided_by, action="strike.covers", target=strike,
                     data={"decision": decision.pk, "standing_again": standing_again})
    if standing_again:
        strike.removed_at, strike.removed_reason = None, ""
        strike.save(update_fields=["removed_at", "removed_reason"])
    if created or standing_again:
        suspension_propose_if_due(seller=seller)
    return strike


def strikes_give_many(*, decisions: list[tuple[int, int]], event_key: str, actor) -> int:
    """strike_give for many removal decisions of one event (a chunk of a report-wide decision, all
    taken by `actor`), set-based: `decisions` are (decision id, seller id) in decision order. Per
    seller one locked read or insert of the event's strike; one INSERT of every link; one INSERT
    of the audit entries strike_give writes one by one (strike.given for a seller's first, then
    strike.covers); a suspension proposed where strike_give would propose one. Returns how many
    strikes were given (new)."""
    by_seller: dict[int, list[int]] = {}
    for decision_id, seller_id in decisions:
        by_seller.setdefault(seller_id, []).append(decision_id)
    now = timezone.now()
    links, entries, due = [], [], []
    for seller_id in sorted(by_seller):  # locked in seller order: two chunks never wait on each other crosswise
        ids = by_seller[seller_id]
        # Race: as in strike_give (the unique (seller, event_key) index, the strike read FOR UPDATE).
        strike, created = Strike.objects.select_for_update().select_related("seller").get_or_create(
            seller_id=seller_id, event_key=event_key,
            defaults={"created_at": now, "expires_at": now + timedelta(days=settings.STRIKE_EXPIRY_DAYS)})
        standing_again = not created and strike.removed_at is not None
        for i, decision_id in enumerate(ids):
            links.append((strike.pk, decision_id, now, None, ""))
            if created and i == 0:
                entries.append(("strike.given", strike, {"seller": seller_id, "event": event_key,
                                                         "decision": decision_id, "expires_at": strike.expires_at}))
            else:
                entries.append(("strike.covers", strike, {"decision": decision_id,
                                                          "standing_again": standing_again and i == 0}))
        if standing_again:
            strike.removed_at, strike.removed_reason = None, ""
            strike.save(update_fields=["removed_at", "removed_reason"])
        if created or standing_again:
            due.append(strike.seller)
    insert_rows(StrikeDecision._meta.db_table, ("strike_id", "decision_id", "added_at", "reversed_at",
                                                "reversed_reason"), links)
    audit_append_many(actor=actor, entries=entries)
    for seller in due:
        suspension_propose_if_due(seller=seller)
    return sum(1 for action, _, _ in entries if action == "strike.given")


def strike_remove(*, decision: Decision, reason: str) -> Strike | None:
    """Requires the reversing decision's transaction. Marks `decision` reversed in the strike that
    covers it, if any, and removes the strike once every decision it covers is reversed (one
    listing of a report's three reinstated: the strike stands on the other two)."""
    link = StrikeDecision.objects.filter(decision=decision, reversed_at__isnull=True).first()
    if link is None:
        return None
    # Race: two of the strike's decisions reversed at once (two appeals granted); the strike's row
    # lock makes them take turns, so the second sees the first's reversal and removes the strike.
    strike = Strike.objects.select_for_update().get(pk=link.strike_id)
    now = timezone.now()
    if not StrikeDecision.objects.filter(pk=link.pk, reversed_at__isnull=True).update(
            reversed_at=now, reversed_reason=reason[:200]):
        return None  # reversed meanwhile
    standing = strike.links.filter(reversed_at__isnull=True).count()
    audit_append(actor=None, action="strike.decision_reversed", target=strike,
                 data={"decision": decision.pk, "reason": reason, "still_standing_on": standing})
    if standing == 0 and strike.removed_at is None:
        strike.removed_at, strike.removed_reason = now, reason[:200]
        strike.save(update_fields=["removed_at", "removed_reason"])
        audit_append(actor=None, action="strike.removed", target=strike, data={"reason": reason})
    return strike


def suspension_propose_if_due(*, seller: Seller) -> Suspension | None:
    """Propose suspending `seller` if its active strikes reached the threshold and no proposal or
    suspension is open. Runs in the caller's transaction."""
    # Race: two strikes decided at once for the same seller; the seller's row lock lets one propose.
    Seller.objects.select_for_update().get(pk=seller.pk)
    # Counted (one strike per decision event, so a report decided in bulk counts once), and listed
    # only when proposing.
    if strikes_active(seller=seller).count() < settings.STRIKE_SUSPENSION_THRESHOLD:
        return None
    if suspension_open_for(seller=seller) is not None:
        return None
    active = list(strikes_active(seller=seller))
    try:
        with transaction.atomic():
            proposal = Suspension.objects.create(seller=seller)
    except IntegrityError:  # the partial unique index: someone else proposed a moment ago
        return None
    proposal.strikes.set(active)
    audit_append(actor=None, action="suspensionproposal.proposed", target=proposal,
                 data={"seller": seller.pk, "strikes": [s.pk for s in active]})
    return proposal


def suspension_open_for(*, seller: Seller) -> Suspension | None:
    """The seller's proposed or approved suspension, if any (the partial unique index allows one)."""
    return (Suspension.objects.select_related("seller", "proposed_by")
            .filter(seller=seller, status__in=[SuspensionStatus.PROPOSED, SuspensionStatus.APPROVED]).first())


def suspension_propose(*, case: Case, reviewer, reason: str) -> Suspension:
    """A reviewer proposes suspending the seller of `case`'s listing, saying why (at least
    PROPOSAL_REASON_MIN_CHARS). Refused while the seller has an open suspension
    (SuspensionAlreadyOpen). Audited; like the system's proposals it notifies no one until a
    senior reviewer approves."""
    reason = _check_proposal(reviewer=reviewer, reason=reason)
    seller = case.listing.seller
    with transaction.atomic():
        _lock_seller_for_proposal(seller=seller)
        existing = suspension_open_for(seller=seller)
        if existing is not None:
            raise SuspensionAlreadyOpen(existing)
        return _propose(seller=seller, reviewer=reviewer, reason=reason, case=case)


def _check_proposal(*, reviewer, reason: str) -> str:
    if not is_reviewer(reviewer):
        raise SuspensionError("Only reviewers propose suspensions.")
    reason = reason.strip()
    if len(reason) < PROPOSAL_REASON_MIN_CHARS:
        raise SuspensionError(f"Say why in at least {PROPOSAL_REASON_MIN_CHARS} characters (you wrote "
                              f"{len(reason)}): the senior reviewer decides on it.", field="reason")
    return reason


def _lock_seller_for_proposal(*, seller: Seller) -> None:
    # Race: two reviewers (or a reviewer and a strike) proposing at once; the seller's row lock
    # makes them take turns, so the second sees the first's proposal (the partial unique index
    # backs this up).
    Seller.objects.select_for_update().get(pk=seller.pk)


def _propose(*, seller: Seller, reviewer, reason: str, case: Case | None = None,
             data: dict | None = None) -> Suspension:
    """A reviewer's proposal, in the caller's transaction, the seller locked and found with no open one."""
    proposal = Suspension.objects.create(seller=seller, proposed_by=reviewer, proposed_from=case,
                                         proposal_reason=reason)
    # The strikes standing now: the senior weighs them, and who decided one may not approve.
    active = list(strikes_active(seller=seller))
    proposal.strikes.set(active)
    audit_append(actor=reviewer, action="suspensionproposal.proposed", target=proposal,
                 data={"seller": seller.pk, **({"case": case.pk} if case else {}), "reason": reason,
                       "strikes": [s.pk for s in active], **(data or {})})
    return proposal


def _check_senior(*, senior, reason: str) -> str:
    if not is_senior(senior):
        raise SuspensionError("Only a senior reviewer decides suspensions.")
    if not reason.strip():
        raise SuspensionError("Give the reason; the seller reads it.", field="reason")
    return reason.strip()


def suspension_approve(*, suspension: Suspension, senior, reason: str) -> Suspension:
    """A senior reviewer who neither proposed it nor decided any of its strikes approves: suppresses
    every active listing of the seller through a bulk job (applied after commit, in chunks)."""
    reason = _check_senior(senior=senior, reason=reason)
    with transaction.atomic():
        locked = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if locked.status != SuspensionStatus.PROPOSED:
            raise SuspensionError(f"This proposal is already {locked.get_status_display().lower()}.")
        if locked.proposed_by_id == senior.pk:
            raise SuspensionError("You proposed this suspension; another senior reviewer must approve it.")
        if locked.strikes.filter(decisions__decided_by=senior).exists():
            raise SuspensionError("You decided one of these strikes; another senior reviewer must approve "
                                  "the suspension.")
        # Every listing of the seller, whatever its status: a listing already hidden by a takedown
        # stays hidden by the suspension if the takedown is reversed while it lasts.
        listings = Listing.objects.filter(seller_id=locked.seller_id).order_by("id")
        job = bulk_job_create(kind=BulkJobKind.SUSPEND, title=f"Suspend seller {locked.seller}", actor=senior,
                              actions=[NewAction(listing_id=pk, kind=ActionKind.SUPPRESS, suspension_id=locked.pk,
                                                 idempotency_key=f"suspension:{locked.pk}:suppress:{pk}")
                                       for pk in listings.values_list("id", flat=True)])
        locked = transition(obj=locked, to=SuspensionStatus.APPROVED, actor=senior, table=SUSPENSION_TRANSITIONS,
                            field="status", data={"reason": reason, "bulk_job": job.pk},
                            changes={"decided_by": senior, "decided_at": timezone.now(), "reason": reason,
                                     "suspend_job": job})
        seller_standing_changed.send(sender=Suspension, suspension=locked, suspended=True)
        linked_flags_raise(suspension=locked)
        notify_on_commit("seller_suspended", locked.pk)
    return locked


def suspension_reject(*, suspension: Suspension, senior, reason: str) -> Suspension:
    """A senior reviewer declines the proposal; the strikes stay and a later strike proposes again."""
    reason = _check_senior(senior=senior, reason=reason)
    with transaction.atomic():
        locked = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if locked.status != SuspensionStatus.PROPOSED:
            raise SuspensionError(f"This proposal is already {locked.get_status_display().lower()}.")
        return transition(obj=locked, to=SuspensionStatus.REJECTED, actor=senior, table=SUSPENSION_TRANSITIONS,
                          field="status", data={"reason": reason},
                          changes={"decided_by": senior, "decided_at": timezone.now(), "reason": reason})


def suspension_lift(*, suspension: Suspension, senior, reason: str) -> Suspension:
    """Lift an approved suspension: lift (through a bulk job) the suspension's own restriction on
    each of the seller's listings. A listing that another restriction hides (an IP takedown, an
    automatic suppression) stays hidden; only listings the suspension alone hid go back up."""
    reason = _check_senior(senior=senior, reason=reason)
    with transaction.atomic():
        locked = _lift(suspension=suspension, senior=senior, reason=reason)
        notify_on_commit("suspension_lifted", locked.pk)
    return locked


def _lift(*, suspension: Suspension, senior, reason: str) -> Suspension:
    """suspension_lift without its e-mail (an appeal granted says it in the ruling's)."""
    with transaction.atomic():
        locked = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if locked.status != SuspensionStatus.APPROVED:
            raise SuspensionError("Only an approved suspension can be lifted.")
        # Race: the suspension's own chunks may still be queued. Applied after the lift, they would
        # restrict listings again; apply them here first (their tasks then find nothing pending).
        bulk_job_apply_pending(job_id=locked.suspend_job_id)
        restricted = (Restriction.objects.filter(suspension=locked, lifted_at__isnull=True).order_by("listing_id")
                      .values_list("listing_id", flat=True))
        job = bulk_job_create(kind=BulkJobKind.LIFT, title=f"Lift suspension of {locked.seller}", actor=senior,
                              actions=[NewAction(listing_id=pk, kind=ActionKind.UNSUPPRESS, suspension_id=locked.pk,
                                                 idempotency_key=f"suspension:{locked.pk}:unsuppress:{pk}")
                                       for pk in restricted])
        locked = transition(obj=locked, to=SuspensionStatus.LIFTED, actor=senior, table=SUSPENSION_TRANSITIONS,
                            field="status", data={"reason": reason, "bulk_job": job.pk},
                            changes={"lifted_by": senior, "lift_reason": reason, "lift_job": job})
        seller_standing_changed.send(sender=Suspension, suspension=locked, suspended=False)
        linked_flags_withdraw(suspension=locked, actor=senior)
    return locked


def suspension_appeal_file(*, suspension: Suspension, user, statement: str,
                           evidence: list[EvidenceFile] = ()) -> Suspension:
    """A member of the suspended seller appeals the suspension, once: a senior reviewer who took no
    part in it rules (suspension_appeal_decide). The suspension stays in force meanwhile.
    `evidence` (uploaded, not yet filed) is linked to the appeal, within a report's file limits."""
    if not statement.strip():
        raise SuspensionError("Say why the suspension is wrong: the facts a senior reviewer can check.",
                              field="statement")
    try:
        evidence_check_filing(evidence, what="An appeal of a suspension")
    except EvidenceLimitError as exc:
        raise SuspensionError(str(exc), field="evidence_upload") from exc
    with transaction.atomic():
        locked = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if not locked.seller.members.filter(user=user).exists():
            raise SuspensionError("Only the suspended seller can appeal its suspension.")
        if not locked.may_be_appealed:
            raise SuspensionError("This suspension is not in force or was already appealed.")
        Suspension.objects.filter(pk=locked.pk).update(appeal_statement=statement.strip(), appeal_filed_by=user,
                                                       appeal_filed_at=timezone.now())
        audit_append(actor=user, action="suspension.appeal_filed", target=locked, data={"seller": locked.seller_id})
        for file in evidence:
            SuspensionAppealEvidence.objects.create(suspension=locked, file=file)
        if evidence:
            audit_append(actor=user, action="suspension.appeal_evidence", target=locked,
                         data={"files": [{"id": f.pk, "sha256": f.sha256} for f in evidence]})
        locked.refresh_from_db()
    return locked


def suspension_took_part(*, suspension: Suspension, user) -> bool:
    """The user proposed or approved the suspension, or decided one of its strikes' decisions."""
    return (user.pk in (suspension.proposed_by_id, suspension.decided_by_id)
            or suspension.strikes.filter(decisions__decided_by=user).exists())


def suspension_appeal_decide(*, suspension: Suspension, senior, grant: bool, reason: str) -> Suspension:
    """A senior reviewer who took no part rules on the seller's appeal: granted, the suspension is
    lifted (its bulk job unsuppresses the listings it alone hid); denied, it stays in force. The
    seller gets one e-mail with the ruling, its reasons and what follows, after commit."""
    reason = _check_senior(senior=senior, reason=reason)
    with transaction.atomic():
        locked = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if not locked.appeal_is_open:
            raise SuspensionError("No appeal waits for a ruling on this suspension.")
        if suspension_took_part(suspension=locked, user=senior):
            raise SuspensionError("You took part in this suspension; a senior reviewer who did not must rule "
                                  "on the appeal.")
        Suspension.objects.filter(pk=locked.pk).update(appeal_granted=grant, appeal_decided_by=senior,
                                                       appeal_decided_at=timezone.now(), appeal_reason=reason)
        audit_append(actor=senior, action="suspension.appeal_granted" if grant else "suspension.appeal_denied",
                     target=locked, data={"reason": reason})
        if grant:
            _lift(suspension=locked, senior=senior, reason=f"Appeal granted: {reason}")
        notify_on_commit("suspension_appeal_decided", locked.pk)
        locked.refresh_from_db()
    return locked


def suspension_restrict_ingested(*, listing_ids: list[int]) -> int:
    """Requires the transaction that wrote these listings (the listings_written receiver). A listing
    created (or moved) under a suspended seller is restricted at once, in that transaction: one
    more `suppress` action of the suspension's job, applied here. Returns how many were restricted."""
    # The suspended sellers first (a few rows), then the batch's listings of theirs: joining the
    # batch's thousands of listing ids to the suspensions cost more than the rest of the check.
    # The ids as one array (a set: common.lookups): with a placeholder each, a 10,000-listing batch
    # spent 92-96 ms here whenever any seller was suspended, against 19 ms (measured).
    suspended = {s.seller_id: s for s in Suspension.objects.filter(status=SuspensionStatus.APPROVED)}
    if not suspended:
        return 0
    theirs = list(Listing.objects.filter(pk__any=set(listing_ids), seller_id__in=suspended)
                  .order_by("id").values_list("id", "seller_id"))
    if not theirs:
        return 0
    covered = set(EnforcementAction.objects.filter(listing_id__any={pk for pk, _ in theirs},
                                                   suspension__in=suspended.values(), kind=ActionKind.SUPPRESS)
                  .values_list("listing_id", flat=True))
    count = 0
    for listing_id, seller_id in theirs:
        if listing_id in covered:
            continue
        suspension = suspended[seller_id]
        action = bulk_job_add_action(job_id=suspension.suspend_job_id, action=NewAction(
            listing_id=listing_id, kind=ActionKind.SUPPRESS, suspension_id=suspension.pk,
            idempotency_key=f"suspension:{suspension.pk}:suppress:{listing_id}"))
        action_apply(action_id=action.pk)
        count += 1
    return count


def linked_flags_raise(*, suspension: Suspension) -> int:
    """Requires the approving transaction (the suspension's row locked). Flags for review every seller
    linked to the suspended one by a shared signal, unless it is suspended itself or already flagged
    for this suspension: safe to run again (when new signals arrive). Audited; returns how many."""
    # Inline, not a task: approval is a senior's manual step, this is two indexed reads and one
    # insert, and the flags commit with the suspension or not at all.
    shared = shared_signal_kinds(seller_id=suspension.seller_id)
    if not shared:
        return 0
    suspended = set(Suspension.objects.filter(seller_id__in=shared, status=SuspensionStatus.APPROVED)
                    .values_list("seller_id", flat=True))
    flagged = set(LinkedAccountFlag.objects.filter(suspension=suspension).values_list("seller_id", flat=True))
    flags = LinkedAccountFlag.objects.bulk_create([
        LinkedAccountFlag(seller_id=seller_id, suspended_seller_id=suspension.seller_id, suspension=suspension,
                          signal_kinds=sorted(shared[seller_id]))
        for seller_id in sorted(shared) if seller_id not in suspended and seller_id not in flagged])
    audit_append_many(actor=None, entries=[
        ("linkedaccountflag.raised", flag, {"seller": flag.seller_id, "suspended_seller": suspension.seller_id,
                                            "suspension": suspension.pk, "signals": flag.signal_kinds})
        for flag in flags])
    return len(flags)


def linked_flags_for_new_signals(*, seller_ids: list[int]) -> int:
    """Requires the transaction that stored new linking signals of these sellers (imagery's
    seller_signals_added). A link that arrives while a seller is suspended is flagged too: each
    approved suspension of these sellers, or of a seller now linked to one, raises what it has not
    raised yet. Returns how many flags."""
    if not Suspension.objects.filter(status=SuspensionStatus.APPROVED).exists():
        return 0
    related = set(seller_ids)
    for seller_id in seller_ids:
        related |= set(shared_signal_kinds(seller_id=seller_id))
    # Race: a senior lifting one of these suspensions meanwhile. The row lock makes them take turns;
    # a suspension lifted first no longer matches (PostgreSQL re-checks the filter on the locked row).
    suspensions = (Suspension.objects.select_for_update().filter(seller_id__in=related,
                                                                 status=SuspensionStatus.APPROVED).order_by("pk"))
    return sum(linked_flags_raise(suspension=suspension) for suspension in suspensions)


def linked_flags_withdraw(*, suspension: Suspension, actor) -> int:
    """Requires the lifting transaction. The open flags the suspension raised are withdrawn (nobody
    looked yet; the reason they were raised is gone). Decided ones stay as they are."""
    count = 0
    for flag in LinkedAccountFlag.objects.filter(suspension=suspension, status=LinkedFlagStatus.OPEN).order_by("id"):
        transition(obj=flag, to=LinkedFlagStatus.WITHDRAWN, actor=actor, table=LINKED_FLAG_TRANSITIONS,
                   field="status", data={"suspension": suspension.pk},
                   changes={"decided_at": timezone.now(), "reason": f"Suspension #{suspension.pk} lifted."})
        count += 1
    return count


def _lock_open_flag(*, flag: LinkedAccountFlag) -> LinkedAccountFlag:
    locked = LinkedAccountFlag.objects.select_for_update().get(pk=flag.pk)
    if not locked.is_open:
        raise SuspensionError(f"This flag is already {locked.get_status_display().lower()}; see its history.")
    return locked


def linked_flag_clear(*, flag: LinkedAccountFlag, reviewer, reason: str) -> LinkedAccountFlag:
    """A reviewer looked at the linked seller and found nothing to act on; says why (at least
    CLEAR_REASON_MIN_CHARS). Audited."""
    if not is_reviewer(reviewer):
        raise SuspensionError("Only reviewers review linked accounts.")
    reason = reason.strip()
    if len(reason) < CLEAR_REASON_MIN_CHARS:
        raise SuspensionError(f"Say why you clear it in at least {CLEAR_REASON_MIN_CHARS} characters (you wrote "
                              f"{len(reason)}): the next reviewer reads it.", field="reason")
    with transaction.atomic():
        locked = _lock_open_flag(flag=flag)
        return transition(obj=locked, to=LinkedFlagStatus.CLEARED, actor=reviewer, table=LINKED_FLAG_TRANSITIONS,
                          field="status", data={"reason": reason},
                          changes={"decided_by": reviewer, "decided_at": timezone.now(), "reason": reason})


def linked_flag_escalate(*, flag: LinkedAccountFlag, reviewer, reason: str) -> LinkedAccountFlag:
    """A reviewer proposes suspending the linked seller (suspension_propose's rules, from no case;
    a senior decides it as any proposal); if the seller already has an open suspension the flag
    points at it instead. Audited."""
    reason = _check_proposal(reviewer=reviewer, reason=reason)
    with transaction.atomic():
        locked = _lock_open_flag(flag=flag)
        _lock_seller_for_proposal(seller=locked.seller)
        proposal = suspension_open_for(seller=locked.seller) or _propose(
            seller=locked.seller, reviewer=reviewer, reason=reason, data={"linked_flag": locked.pk})
        return transition(obj=locked, to=LinkedFlagStatus.ESCALATED, actor=reviewer, table=LINKED_FLAG_TRANSITIONS,
                          field="status", data={"reason": reason, "suspension": proposal.pk},
                          changes={"decided_by": reviewer, "decided_at": timezone.now(), "reason": reason,
                                   "escalated_to": proposal})
