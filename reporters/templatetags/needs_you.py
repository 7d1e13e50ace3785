"""The "Needs you" panel of the rights holder's home page and My reports (reporters.selectors.needs_you),
as a tag so the home page (accounts, below this app) can show it without importing it."""

from django import template

from accounts.permissions import is_rights_holder
from reporters.selectors import needs_you

register = template.Library()


@register.inclusion_tag("reporters/_needs_you.html")
def needs_you_panel(user):
    return {"waiting": needs_you(user=user) if is_rights_holder(user) else []}
