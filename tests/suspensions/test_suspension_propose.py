"""A reviewer proposes suspending a seller from one of its cases; another senior approves it."""

import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connections, transaction

from accounts.models import Role
from actions.models import ActionKind, ActionStatus, BulkJobKind, BulkJobStatus, EnforcementAction
from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.services import audit_chain_pending
from listings.models import ListingStatus
from notifications.models import Notification
from suspensions.models import Suspension, SuspensionStatus
from suspensions.services import (
    PROPOSAL_REASON_MIN_CHARS,
    SuspensionAlreadyOpen,
    SuspensionError,
    suspension_approve,
    suspension_propose,
    suspension_reject,
)

from ..factories import ListingFactory, UserFactory
from ..views import open_case, removed_case

REASON = "Same counterfeit headphones relisted under five new ids this week."


@pytest.fixture
def case(world):
    """An open case on sue's listing (seller B: no strikes)."""
    return open_case(world, world.listings_b[0])


def test_a_reviewer_proposes_with_a_reason_and_it_is_recorded_and_audited(world, case):
    proposal = suspension_propose(case=case, reviewer=world.rev1, reason=f"  {REASON}\n")
    assert proposal.status == SuspensionStatus.PROPOSED and proposal.seller == world.seller_b
    assert proposal.proposed_by == world.rev1 and proposal.proposed_from == case
    assert proposal.proposal_reason == REASON
    assert not proposal.strikes.exists()
    entry = AuditEntry.objects.get(action="suspensionproposal.proposed", target_id=proposal.pk)
    assert entry.actor == world.rev1 and entry.data["reason"] == REASON and entry.data["case"] == case.pk
    audit_chain_pending()  # what the after-commit run links (tests never commit)
    assert audit_chain_verify()[1] is None
    # Like the system's proposals, a proposal tells no one; the seller hears of an approval only.
    assert set(Notification.objects.values_list("kind", flat=True)) == {"report_received"}


def test_the_seller_s_active_strikes_go_with_the_proposal(world):
    removed = removed_case(world, reviewer=world.rev2, listing=world.listings_a[0])
    other = open_case(world, world.listings_a[1])
    proposal = suspension_propose(case=other, reviewer=world.rev1, reason=REASON)
    assert [d.case for s in proposal.strikes.all() for d in s.decisions.all()] == [removed]


@pytest.mark.parametrize("reason", ["", "   ", "Bad seller.", "x" * (PROPOSAL_REASON_MIN_CHARS - 1)])
def test_a_proposal_needs_a_reason_of_some_length(world, case, reason):
    with pytest.raises(SuspensionError, match=f"at least {PROPOSAL_REASON_MIN_CHARS} characters") as exc:
        suspension_propose(case=case, reviewer=world.rev1, reason=reason)
    assert exc.value.field == "reason"
    assert not Suspension.objects.exists() and not AuditEntry.objects.filter(
        action="suspensionproposal.proposed").exists()


@pytest.mark.parametrize("persona", ["sue", "sam", "alice", "outsider"])
def test_only_reviewers_propose(world, case, persona):
    with pytest.raises(SuspensionError, match="Only reviewers"):
        suspension_propose(case=case, reviewer=getattr(world, persona), reason=REASON)
    assert not Suspension.objects.exists()


def test_a_senior_reviewer_may_propose_too(world, case):
    assert suspension_propose(case=case, reviewer=world.senior, reason=REASON).proposed_by == world.senior


def test_a_second_proposal_while_one_is_open_is_refused_naming_the_open_one(world, case):
    first = suspension_propose(case=case, reviewer=world.rev1, reason=REASON)
    other_case = open_case(world, world.listings_b[1])
    with pytest.raises(SuspensionAlreadyOpen) as exc:
        suspension_propose(case=other_case, reviewer=world.rev2, reason=REASON + " Also fake invoices.")
    assert exc.value.proposal == first
    assert str(exc.value) == (f"Suspension #{first.pk} of {world.seller_b.name} is already proposed, by rev1; a "
                              "senior reviewer decides it.")
    assert Suspension.objects.count() == 1


def test_an_approved_suspension_also_blocks_a_new_proposal_and_a_rejected_one_does_not(world, case):
    first = suspension_propose(case=case, reviewer=world.rev1, reason=REASON)
    suspension_reject(suspension=first, senior=world.senior, reason="Talk to the seller first.")
    second = suspension_propose(case=case, reviewer=world.rev1, reason=REASON + " Seller did not answer.")
    suspension_approve(suspension=second, senior=world.senior, reason="Relisting counterfeits.")
    with pytest.raises(SuspensionAlreadyOpen) as exc:
        suspension_propose(case=case, reviewer=world.rev2, reason=REASON)
    assert str(exc.value) == f"{world.seller_b.name} is already suspended (suspension #{second.pk})."


def test_a_system_proposal_open_blocks_a_reviewer_s_and_the_reverse(world):
    for listing, reviewer in zip(world.listings_a, [world.rev1, world.rev2, world.senior], strict=True):
        removed_case(world, reviewer=reviewer, listing=listing)
    system = Suspension.objects.get(seller=world.seller_a)
    assert system.proposed_by is None and system.proposal_reason == ""
    with pytest.raises(SuspensionAlreadyOpen, match=f"#{system.pk} of .* already proposed, by the system"):
        suspension_propose(case=open_case(world, world.listings_a[0]), reviewer=world.rev1, reason=REASON)

    suspension_propose(case=open_case(world, world.listings_b[0]), reviewer=world.rev1, reason=REASON)
    for reviewer in (world.rev1, world.rev2, world.senior):
        removed_case(world, reviewer=reviewer, listing=ListingFactory(seller=world.seller_b))
    assert Suspension.objects.filter(seller=world.seller_b).count() == 1  # the threshold adds none


def test_the_database_refuses_a_reviewer_s_proposal_without_a_reason(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Suspension.objects.create(seller=world.seller_b, proposed_by=world.rev1, proposal_reason="")


def test_the_proposer_cannot_approve_but_another_senior_can(world, case):
    proposal = suspension_propose(case=case, reviewer=world.senior, reason=REASON)
    with pytest.raises(SuspensionError, match="You proposed this suspension; another senior reviewer must approve"):
        suspension_approve(suspension=proposal, senior=world.senior, reason="Agreed.")
    proposal.refresh_from_db()
    assert proposal.status == SuspensionStatus.PROPOSED and proposal.suspend_job is None
    assert suspension_approve(suspension=proposal, senior=world.senior2, reason="Agreed.").decided_by == world.senior2


def test_the_proposer_may_reject_their_own_proposal(world, case):
    proposal = suspension_propose(case=case, reviewer=world.senior, reason=REASON)
    rejected = suspension_reject(suspension=proposal, senior=world.senior, reason="Proposed on the wrong seller.")
    assert rejected.status == SuspensionStatus.REJECTED


def test_who_decided_a_strike_still_cannot_approve_a_reviewer_s_proposal(world):
    removed_case(world, reviewer=world.senior, listing=world.listings_a[0])
    proposal = suspension_propose(case=open_case(world, world.listings_a[1]), reviewer=world.rev1, reason=REASON)
    with pytest.raises(SuspensionError, match="You decided one of these strikes"):
        suspension_approve(suspension=proposal, senior=world.senior, reason="Agreed.")


def test_approval_suppresses_every_active_listing_through_the_bulk_path(world, case, settings,
                                                                         django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.sue.email = "sue@example.test"
    world.sue.save(update_fields=["email"])
    proposal = suspension_propose(case=case, reviewer=world.rev1, reason=REASON)
    with django_capture_on_commit_callbacks(execute=True):
        approved = suspension_approve(suspension=proposal, senior=world.senior, reason="Relisting counterfeits.")
    job = approved.suspend_job
    job.refresh_from_db()
    assert job.kind == BulkJobKind.SUSPEND and job.status == BulkJobStatus.FINISHED
    assert (job.total, job.done, job.failed) == (2, 2, 0)
    actions = list(EnforcementAction.objects.filter(bulk_job=job).order_by("listing_id"))
    assert [(a.listing_id, a.kind, a.status, a.idempotency_key) for a in actions] == [
        (lst.pk, ActionKind.SUPPRESS, ActionStatus.APPLIED, f"suspension:{proposal.pk}:suppress:{lst.pk}")
        for lst in sorted(world.listings_b, key=lambda x: x.pk)]
    for lst in world.listings_b:
        lst.refresh_from_db()
        assert lst.status == ListingStatus.SUPPRESSED
    for lst in world.listings_a:  # another seller's listings are untouched
        lst.refresh_from_db()
        assert lst.status == ListingStatus.ACTIVE
    # The seller reads the senior's reason, never the reviewer's internal one; no takedowns to count.
    [message] = [m for m in mail.outbox if "is suspended" in m.subject]
    assert message.to == ["sue@example.test"]
    assert "Relisting counterfeits." in message.body and REASON not in message.body
    assert "Takedowns counted" not in message.body and message.body.startswith("Your seller account")
    audit_chain_pending()  # what the after-commit run links (tests never commit)
    assert audit_chain_verify()[1] is None


@pytest.mark.django_db(transaction=True)
def test_reviewers_proposing_at_once_make_one_proposal(require_postgres, world):
    """The seller's row lock makes concurrent proposers take turns: one proposal, every other
    proposer told which one is open (never the unique index's IntegrityError). Needs PostgreSQL."""
    reviewers = [UserFactory(username=f"proposer{i}", role=Role.REVIEWER) for i in range(6)]
    cases = [open_case(world, ListingFactory(seller=world.seller_b)) for _ in reviewers]
    made, refused, errors = [], [], []
    start = threading.Barrier(len(reviewers))

    def propose(reviewer, case) -> None:
        try:
            start.wait()
            made.append(suspension_propose(case=case, reviewer=reviewer, reason=REASON).pk)
        except SuspensionAlreadyOpen as exc:
            refused.append(exc.proposal.pk)
        except BaseException as exc:  # noqa: B036 - re-raised in the main thread below
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=propose, args=pair) for pair in zip(reviewers, cases, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a proposer hung"
    assert not errors, errors
    assert len(made) == 1 and refused == made * (len(reviewers) - 1)
    assert Suspension.objects.filter(seller=world.seller_b).count() == 1
    assert AuditEntry.objects.filter(action="suspensionproposal.proposed").count() == 1
