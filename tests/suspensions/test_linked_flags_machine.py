"""Linked-account flags under random sequences (Hypothesis): links sent before or after a
suspension, approvals, lifts, clears and escalations, with after every step:

1. an open flag's suspension is in force and its seller is linked to the suspended one, and is not it;
2. a withdrawn flag's suspension was lifted;
3. every seller linked to a seller in force, never suspended itself, has a flag for that suspension;
4. the audit log has one `raised` per flag and one move per decided flag.
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from accounts.models import Role
from audit.models import AuditEntry
from imagery.selectors import linked_seller_ids
from suspensions.models import LinkedAccountFlag, LinkedFlagStatus, Suspension, SuspensionStatus
from suspensions.services import linked_flag_clear, linked_flag_escalate, suspension_approve, suspension_lift

from ..factories import SellerFactory, UserFactory
from .linked import link_by_address, link_by_id

SELLERS = 4
PICK = st.integers(min_value=0, max_value=SELLERS - 1)


class LinkedFlags(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.rev = UserFactory(role=Role.REVIEWER)
        self.senior = UserFactory(role=Role.SENIOR_REVIEWER)
        self.sellers = [SellerFactory() for _ in range(SELLERS)]
        self.ever_suspended: set[int] = set()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _open(self, seller):
        return Suspension.objects.filter(seller=seller, status__in=["proposed", "approved"]).first()

    @rule(a=PICK, b=PICK)
    def link_by_id(self, a, b):
        if a != b:
            with transaction.atomic():
                link_by_id(self.sellers[a], self.sellers[b])

    @rule(a=PICK, b=PICK, value=st.sampled_from(["addr:1", "addr:2"]))
    def share_an_address(self, a, b, value):
        with transaction.atomic():
            link_by_address(self.sellers[a], self.sellers[b], value=value)

    @rule(i=PICK)
    def suspend(self, i):
        seller = self.sellers[i]
        proposal = self._open(seller) or Suspension.objects.create(
            seller=seller, proposed_by=self.rev, proposal_reason="Counterfeits under new ids, again.")
        if proposal.status == SuspensionStatus.PROPOSED:
            suspension_approve(suspension=proposal, senior=self.senior, reason="Repeat infringer.")
            self.ever_suspended.add(seller.pk)

    @rule(i=PICK)
    def lift(self, i):
        proposal = self._open(self.sellers[i])
        if proposal is not None and proposal.status == SuspensionStatus.APPROVED:
            suspension_lift(suspension=proposal, senior=self.senior, reason="Takedowns reversed.")

    @rule(escalate=st.booleans(), n=st.integers(min_value=0, max_value=5))
    def decide_a_flag(self, escalate, n):
        flags = list(LinkedAccountFlag.objects.filter(status=LinkedFlagStatus.OPEN).order_by("id"))
        if not flags:
            return
        flag = flags[n % len(flags)]
        if escalate:
            linked_flag_escalate(flag=flag, reviewer=self.rev, reason="Same address and the same counterfeit photos.")
        else:
            linked_flag_clear(flag=flag, reviewer=self.rev, reason="Nothing to act on here.")

    @invariant()
    def flags_agree_with_the_suspensions_and_the_links(self):
        for flag in LinkedAccountFlag.objects.select_related("suspension"):
            if flag.status == LinkedFlagStatus.OPEN:
                assert flag.suspension.status == SuspensionStatus.APPROVED
                assert flag.seller_id != flag.suspended_seller_id == flag.suspension.seller_id
                assert flag.seller_id in linked_seller_ids(seller_id=flag.suspended_seller_id)
            if flag.status == LinkedFlagStatus.WITHDRAWN:
                assert flag.suspension.status == SuspensionStatus.LIFTED
            if flag.status == LinkedFlagStatus.ESCALATED:
                assert flag.escalated_to.seller_id == flag.seller_id

    @invariant()
    def every_link_of_a_suspended_seller_is_flagged(self):
        for suspension in Suspension.objects.filter(status=SuspensionStatus.APPROVED):
            flagged = set(suspension.linked_flags.values_list("seller_id", flat=True))
            for seller_id in linked_seller_ids(seller_id=suspension.seller_id) - self.ever_suspended:
                assert seller_id in flagged, (seller_id, suspension.pk)

    @invariant()
    def each_flag_and_each_move_is_audited(self):
        flags = LinkedAccountFlag.objects.all()
        entries = AuditEntry.objects.filter(action__startswith="linkedaccountflag.")
        assert entries.filter(action="linkedaccountflag.raised").count() == flags.count()
        assert entries.exclude(action="linkedaccountflag.raised").count() == flags.exclude(status="open").count()


@pytest.mark.django_db
def test_linked_flags_hold_whatever_the_order():
    run_state_machine_as_test(LinkedFlags, settings=settings(
        max_examples=15, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)))
