"""Template tags other apps' pages use to show enforcement facts without importing enforcement
(the review case page lives in complaints, below enforcement)."""

from django import template

from enforcement.strikes import strikes_active

register = template.Library()


@register.simple_tag
def active_strikes(seller) -> list:
    """The seller's strikes still counting, soonest to expire first."""
    return list(strikes_active(seller=seller).select_related("decision__case__listing").order_by("expires_at"))
