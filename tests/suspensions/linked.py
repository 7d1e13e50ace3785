"""Helpers for the linked-account flag tests: links made the way the marketplace makes them, and
suspensions approved through the service."""

from imagery.services import seller_signals_set
from suspensions.models import Suspension, SuspensionStatus
from suspensions.services import suspension_approve

APPROVAL_REASON = "Sells counterfeit Acme headphones across several accounts."


def link_by_id(a, b) -> None:
    """The marketplace says `b` is a linked account of `a`."""
    seller_signals_set(seller=a, linked_ids=[b.external_id], fingerprints=[])


def link_by_address(*sellers, value: str = "addr:0f0f0f0f") -> None:
    for seller in sellers:
        seller_signals_set(seller=seller, linked_ids=[], fingerprints=[{"kind": "address", "value": value}])


def approve(world, seller, *, senior=None) -> Suspension:
    proposal = Suspension.objects.create(seller=seller, proposed_by=world.rev1,
                                         proposal_reason="Relists the same counterfeit under new ids.")
    return suspension_approve(suspension=proposal, senior=senior or world.senior, reason=APPROVAL_REASON)


def suspended(seller) -> Suspension:
    """`seller` already suspended (approved outside the hook)."""
    return Suspension.objects.create(seller=seller, status=SuspensionStatus.APPROVED, proposed_by=None)
