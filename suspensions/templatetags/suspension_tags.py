"""Template tags the reviewer's case page (review, below suspensions) uses to show a seller's
strikes and the suspension panel without importing this app."""

from django import template

from ..forms import SuspensionProposeForm
from ..selectors import strikes_with_coverage
from ..services import strikes_active, suspension_open_for

register = template.Library()


@register.simple_tag
def active_strikes(seller) -> list:
    """The seller's strikes still counting, soonest to expire first, each with the decisions it
    covers (`covered`)."""
    return strikes_with_coverage(strikes_active(seller=seller))


@register.inclusion_tag("suspensions/_propose_suspension.html", takes_context=True)
def suspension_panel(context, case) -> dict:
    """The case page's box for proposing to suspend the case's seller, or the open suspension if
    there is one. The proposal view puts its bound form (with errors) in `suspension_form`."""
    form = context.get("suspension_form")
    return {"case": case, "seller": case.listing.seller, "open": suspension_open_for(seller=case.listing.seller),
            "form": form or SuspensionProposeForm(), "csrf_token": context.get("csrf_token")}


@register.simple_tag
def suspended_among(sellers) -> set:
    """The ids of these sellers whose suspension is approved (imagery's linked sellers: a suspended
    seller's linked accounts are flagged for review). One query."""
    from ..models import Suspension, SuspensionStatus

    ids = [s.pk for s in sellers]
    return set(Suspension.objects.filter(seller_id__in=ids, status=SuspensionStatus.APPROVED)
               .values_list("seller_id", flat=True)) if ids else set()


@register.inclusion_tag("suspensions/_linked_flags.html")
def linked_flags_panel(seller) -> dict:
    """The staff view of a seller (imagery's linked-sellers page, the case page): its flags as an
    account linked to a suspended seller, open ones first. One query."""
    from ..selectors import linked_flags_on

    return {"seller": seller, "flags": linked_flags_on(seller=seller)}


@register.simple_tag
def linked_flags_waiting() -> int:
    """How many linked accounts wait for a reviewer (queue health)."""
    from ..selectors import linked_flags_open_count

    return linked_flags_open_count()
