"""Decisions of every kind the portal can make, taken through the services and applied, so each
leaves its restriction (test helpers)."""

from actions.models import Restriction
from decisions.services import case_decide
from registry.models import IPRight, RightKind
from suspensions.models import Suspension
from suspensions.services import SuspensionAlreadyOpen, suspension_approve, suspension_propose

from ..conftest import claim, file_report
from ..factories import ListingFactory, TrademarkFactory
from ..monitoring.helpers import set_rules, upsert

REMOVE = {RightKind.TRADEMARK: "tm_counterfeit", RightKind.COPYRIGHT: "cr_unauthorized_copy",
          RightKind.PATENT: "pt_product_infringes", RightKind.DESIGN: "ds_copied_design"}
SUPPRESS = {RightKind.TRADEMARK: "tm_suppress_unclear", RightKind.COPYRIGHT: "cr_suppress_unclear",
            RightKind.PATENT: "pt_suppress_unclear", RightKind.DESIGN: "ds_suppress_unclear"}
REVIEWER_FACTS = "Replica sold at 9.99 by Max Mustermann, max@seller.test, Hauptstrasse 1 Berlin."


def right_of(world, kind: str, brand=None) -> IPRight:
    brand = brand or world.brand_a
    if kind == RightKind.TRADEMARK:
        return world.tm_a if brand == world.brand_a else world.tm_b
    return TrademarkFactory(brand=brand, kind=kind, name=f"{brand.name} {kind}")


def decided(world, capture, *, kind: str, code: str, brand=None, reporter=None, seller=None) -> Restriction:
    """A report on a new listing, claimed and decided by rev1 with `code`, its action applied."""
    right = right_of(world, kind, brand)
    listing = ListingFactory(seller=seller or world.seller_a)
    report = file_report(reporter=reporter or world.alice, right=right, listings=[listing])
    case = report.cases.get()
    claim(case, world.rev1)
    with capture(execute=True):
        case_decide(case=case, reviewer=world.rev1, reason_code=code, facts=REVIEWER_FACTS)
    return Restriction.objects.get(case=case, listing=listing)


def automatic(world, capture) -> Restriction:
    """A protection rule in suppress mode hides a listing that uses the ACME mark from outside the
    authorized countries."""
    set_rules(world, capture, countries=("DE", "US"), countries_mode="suppress")
    listing = upsert(capture, world.seller_b, "AUTO-1", title="ACME wireless headphones", ships_from="CN")
    return Restriction.objects.get(listing=listing, source="automatic")


def suspended(world, capture, restriction):
    try:
        proposal = suspension_propose(case=restriction.case, reviewer=world.rev2,
                                      reason="Counterfeit shop relisting under new ids, run by Max Mustermann.")
    except SuspensionAlreadyOpen:  # the strikes reached the threshold: the system proposed it
        proposal = Suspension.objects.get(seller=restriction.listing.seller, status="proposed")
    with capture(execute=True):
        return suspension_approve(suspension=proposal, senior=world.senior2, reason="Counterfeit shop of Max.")
