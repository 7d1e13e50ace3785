"""Template tags other apps' pages use to show enforcement facts without importing enforcement
(the review case page lives in complaints, below enforcement)."""

from django import template

from enforcement.forms import SuspensionProposeForm
from enforcement.strikes import strikes_active, suspension_open_for

register = template.Library()


@register.simple_tag
def active_strikes(seller) -> list:
    """The seller's strikes still counting, soonest to expire first."""
    return list(strikes_active(seller=seller).select_related("decision__case__listing").order_by("expires_at"))


@register.inclusion_tag("enforcement/_propose_suspension.html", takes_context=True)
def suspension_panel(context, case) -> dict:
    """The case page's box for proposing to suspend the case's seller, or the open suspension if
    there is one. The proposal view puts its bound form (with errors) in `suspension_form`."""
    form = context.get("suspension_form")
    return {"case": case, "seller": case.listing.seller, "open": suspension_open_for(seller=case.listing.seller),
            "form": form or SuspensionProposeForm(), "csrf_token": context.get("csrf_token")}
