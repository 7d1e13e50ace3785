"""A suspended seller's linked accounts are flagged for review: raised when the suspension is
approved (not for unlinked or already suspended sellers, never twice), withdrawn when it is lifted
before anyone looked, cleared or escalated by a reviewer, each move audited (LINKED_FLAG_TRANSITIONS)."""

import pytest
from django.db import transaction

from audit.models import AuditEntry
from audit.templatetags.audit_tags import LABELS
from suspensions.models import LinkedAccountFlag, LinkedFlagStatus, Suspension
from suspensions.services import (
    SuspensionError,
    linked_flag_clear,
    linked_flag_escalate,
    linked_flags_raise,
    suspension_appeal_decide,
    suspension_appeal_file,
    suspension_approve,
    suspension_lift,
)
from suspensions.states import LINKED_FLAG_TRANSITIONS

from ..factories import SellerFactory
from ..state_questions import answered_yes
from ..transitions import all_pairs, assert_move_obeys_table
from .linked import APPROVAL_REASON, approve, link_by_address, link_by_id, suspended

pytestmark = pytest.mark.django_db
ESCALATION = "Same address and the same counterfeit photos as the suspended shop."


@pytest.fixture
def ring(world):
    """seller_a (to be suspended) linked to seller_b by id, to `third` by address, and to `fourth`,
    already suspended, by address; `stranger` shares nothing."""
    world.third, world.fourth, world.stranger = SellerFactory(), SellerFactory(), SellerFactory()
    link_by_id(world.seller_a, world.seller_b)
    link_by_address(world.seller_a, world.third, world.fourth)
    link_by_address(world.stranger, value="addr:elsewhere")
    world.fourth_suspension = suspended(world.fourth)
    return world


def _flags(**filters):
    return {(f.seller_id, f.status) for f in LinkedAccountFlag.objects.filter(**filters)}


def test_approval_flags_each_linked_seller_once_with_what_links_them(ring):
    suspension = approve(ring, ring.seller_a)
    flags = {f.seller_id: f for f in LinkedAccountFlag.objects.all()}
    assert set(flags) == {ring.seller_b.pk, ring.third.pk}  # not the stranger, not the one already suspended
    assert flags[ring.seller_b.pk].signal_kinds == ["linked"]
    assert flags[ring.third.pk].signal_kinds == ["address"]
    assert flags[ring.third.pk].signal_labels == ["Address fingerprint"]
    for flag in flags.values():
        assert (flag.status, flag.suspension_id, flag.suspended_seller_id) == (
            "open", suspension.pk, ring.seller_a.pk)
    raised = AuditEntry.objects.filter(action="linkedaccountflag.raised").order_by("id")
    assert [(e.target_id, e.data["suspension"], e.actor_id) for e in raised] == [
        (flags[ring.seller_b.pk].pk, suspension.pk, None), (flags[ring.third.pk].pk, suspension.pk, None)]


def test_approving_twice_or_running_the_hook_again_raises_no_second_flag(ring):
    suspension = approve(ring, ring.seller_a)
    with pytest.raises(SuspensionError):
        suspension_approve(suspension=suspension, senior=ring.senior2, reason=APPROVAL_REASON)
    with transaction.atomic():
        assert linked_flags_raise(suspension=suspension) == 0
    assert LinkedAccountFlag.objects.count() == 2
    assert AuditEntry.objects.filter(action="linkedaccountflag.raised").count() == 2


def test_a_rerun_does_not_bring_back_a_cleared_flag(ring):
    suspension = approve(ring, ring.seller_a)
    cleared = LinkedAccountFlag.objects.get(seller=ring.seller_b)
    linked_flag_clear(flag=cleared, reviewer=ring.rev2, reason="Family business, different products.")
    with transaction.atomic():
        assert linked_flags_raise(suspension=suspension) == 0
    assert _flags() == {(ring.seller_b.pk, "cleared"), (ring.third.pk, "open")}


def test_a_link_that_arrives_after_the_approval_is_flagged_when_it_arrives(ring):
    suspension = approve(ring, ring.seller_a)
    late, by_address = SellerFactory(), SellerFactory()
    link_by_id(late, ring.seller_a)  # sent about the new account: both sides get the link
    link_by_address(by_address)  # the suspended seller's address, sent about the other seller
    link_by_address(ring.stranger, value="addr:elsewhere")  # nothing new: no flag
    assert _flags(suspension=suspension) == {(ring.seller_b.pk, "open"), (ring.third.pk, "open"),
                                             (late.pk, "open"), (by_address.pk, "open")}
    link_by_id(late, ring.seller_a)  # sent again: nothing new
    assert LinkedAccountFlag.objects.filter(suspension=suspension).count() == 4


def test_a_link_that_arrives_after_the_lift_raises_nothing(ring):
    suspension = approve(ring, ring.seller_a)
    suspension_lift(suspension=suspension, senior=ring.senior2, reason="The takedowns were reversed.")
    link_by_id(SellerFactory(), ring.seller_a)
    assert _flags(suspension=suspension) == {(ring.seller_b.pk, "withdrawn"), (ring.third.pk, "withdrawn")}
    # The fourth seller is still suspended: the seller it shares an address with, no longer suspended, is flagged.
    assert _flags(suspension=ring.fourth_suspension) == {(ring.seller_a.pk, "open"), (ring.third.pk, "open")}


def test_a_seller_with_no_links_raises_nothing(world):
    approve(world, world.seller_a)
    assert not LinkedAccountFlag.objects.exists()


def test_lifting_withdraws_the_open_flags_and_keeps_the_decided_ones(ring):
    suspension = approve(ring, ring.seller_a)
    linked_flag_clear(flag=LinkedAccountFlag.objects.get(seller=ring.third), reviewer=ring.rev1,
                      reason="Shared warehouse address, unrelated shop.")
    suspension_lift(suspension=suspension, senior=ring.senior2, reason="The takedowns were reversed.")
    assert _flags() == {(ring.seller_b.pk, "withdrawn"), (ring.third.pk, "cleared")}
    withdrawn = AuditEntry.objects.get(action="linkedaccountflag.withdrawn")
    assert withdrawn.actor == ring.senior2 and withdrawn.data["from"] == "open"
    assert withdrawn.target_id == LinkedAccountFlag.objects.get(seller=ring.seller_b).pk


def test_an_appeal_granted_withdraws_them_too(ring):
    suspension = approve(ring, ring.seller_a)
    suspension_appeal_file(suspension=suspension, user=ring.sam, statement="We are an authorized reseller.")
    suspension_appeal_decide(suspension=suspension, senior=ring.senior2, grant=True,
                             reason="The invoices show an authorized reseller.")
    assert _flags() == {(ring.seller_b.pk, "withdrawn"), (ring.third.pk, "withdrawn")}


def test_clearing_needs_a_reviewer_and_a_reason_and_is_final(ring):
    approve(ring, ring.seller_a)
    flag = LinkedAccountFlag.objects.get(seller=ring.seller_b)
    with pytest.raises(SuspensionError) as exc:
        linked_flag_clear(flag=flag, reviewer=ring.rev1, reason="  ok ")
    assert exc.value.field == "reason" and "at least 10 characters (you wrote 2)" in str(exc.value)
    with pytest.raises(SuspensionError):
        linked_flag_clear(flag=flag, reviewer=ring.sam, reason="Nothing to see on this seller.")
    flag.refresh_from_db()
    assert flag.is_open
    linked_flag_clear(flag=flag, reviewer=ring.rev1, reason="Nothing to see on this seller.")
    flag.refresh_from_db()
    assert (flag.status, flag.decided_by, flag.reason) == ("cleared", ring.rev1, "Nothing to see on this seller.")
    assert flag.decided_at is not None
    entry = AuditEntry.objects.get(action="linkedaccountflag.cleared")
    assert entry.actor == ring.rev1 and entry.data["reason"] == "Nothing to see on this seller."
    with pytest.raises(SuspensionError) as exc:
        linked_flag_escalate(flag=flag, reviewer=ring.rev2, reason=ESCALATION)
    assert "already cleared" in str(exc.value)
    assert not Suspension.objects.filter(seller=ring.seller_b).exists()


def test_escalating_proposes_suspending_the_linked_seller(ring):
    approve(ring, ring.seller_a)
    flag = LinkedAccountFlag.objects.get(seller=ring.seller_b)
    with pytest.raises(SuspensionError) as exc:
        linked_flag_escalate(flag=flag, reviewer=ring.rev2, reason="Looks bad.")
    assert exc.value.field == "reason"
    linked_flag_escalate(flag=flag, reviewer=ring.rev2, reason=ESCALATION)
    flag.refresh_from_db()
    proposal = Suspension.objects.get(seller=ring.seller_b)
    assert (proposal.status, proposal.proposed_by, proposal.proposal_reason) == ("proposed", ring.rev2, ESCALATION)
    assert (flag.status, flag.escalated_to, flag.decided_by) == ("escalated", proposal, ring.rev2)
    proposed = AuditEntry.objects.get(action="suspensionproposal.proposed", target_id=proposal.pk)
    assert proposed.actor == ring.rev2 and proposed.data["linked_flag"] == flag.pk
    escalated = AuditEntry.objects.get(action="linkedaccountflag.escalated")
    assert escalated.data["suspension"] == proposal.pk and escalated.actor == ring.rev2


def test_escalating_a_seller_with_an_open_suspension_points_at_it(ring):
    approve(ring, ring.seller_a)
    open_one = Suspension.objects.create(seller=ring.third)  # the system proposed it at the threshold
    flag = LinkedAccountFlag.objects.get(seller=ring.third)
    linked_flag_escalate(flag=flag, reviewer=ring.rev1, reason=ESCALATION)
    flag.refresh_from_db()
    assert flag.escalated_to == open_one and Suspension.objects.filter(seller=ring.third).count() == 1


def test_the_table_allows_exactly_these_moves():
    assert set(LINKED_FLAG_TRANSITIONS) == set(LinkedFlagStatus.values)
    assert {(a, b) for a, tos in LINKED_FLAG_TRANSITIONS.items() for b in tos} == {
        ("open", "cleared"), ("open", "escalated"), ("open", "withdrawn")}


@pytest.mark.parametrize("current,to", all_pairs(LinkedFlagStatus))
def test_a_flag_moves_only_as_the_table_allows(world, current, to):
    escalated_to = Suspension.objects.create(seller=world.seller_b)
    flag = LinkedAccountFlag.objects.create(
        seller=world.seller_b, suspended_seller=world.seller_a, suspension=suspended(world.seller_a),
        status=current, escalated_to=escalated_to, signal_kinds=["linked"])
    assert_move_obeys_table(obj=flag, to=to, table=LINKED_FLAG_TRANSITIONS, field="status", actor=world.rev1)


def test_a_flag_is_open_only_in_the_open_status():
    assert answered_yes(LinkedAccountFlag, "status", LinkedFlagStatus, "is_open") == {"open"}


def test_every_move_has_words_in_the_timeline():
    for action in ["raised", *LinkedFlagStatus.values]:
        if action != "open":
            assert f"linkedaccountflag.{action}" in LABELS


def test_an_escalated_suspension_once_approved_says_how_it_was_proposed(ring):
    from transparency.statements import suspension_statement

    approve(ring, ring.seller_a)
    flag = LinkedAccountFlag.objects.get(seller=ring.seller_b)
    linked_flag_escalate(flag=flag, reviewer=ring.rev2, reason=ESCALATION)
    proposal = Suspension.objects.get(seller=ring.seller_b)
    approved = suspension_approve(suspension=proposal, senior=ring.senior2, reason=APPROVAL_REASON)
    assert LinkedAccountFlag.objects.filter(suspension=approved, seller=ring.seller_a).count() == 0  # suspended
    payload = suspension_statement(approved, kinds=[], strikes=0).payload
    facts = payload["decision_facts"]
    assert "by a reviewer reviewing the account's link to the suspended account" in facts
    # It says why (the link), never that this account infringed repeatedly, and names no one.
    assert "as an account linked" in facts and "0 strikes" in facts and "intellectual-property rights: 0" not in facts
    assert ring.seller_a.name not in facts
    assert "linked to a seller so suspended" in payload["incompatible_content_ground"]
    assert "linked to a seller suspended" in payload["incompatible_content_explanation"]
