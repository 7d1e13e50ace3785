"""The project's date filters (built in: no {% load %} needed): `day`, `moment`, `deadline`, in the
formats of common.dates. Templates use these, or Django's `date` with no format (the same DAY)."""

from django import template

from common import dates

register = template.Library()

register.filter("day", dates.day)
register.filter("moment", dates.moment)
register.filter("deadline", dates.deadline)


@register.filter
def isodate(value) -> str:
    """A day for machines (a form value, a query string): 2026-12-04."""
    return value.strftime("%Y-%m-%d") if value else ""
