"""`person`: who acted, as people read it (built in: no {% load %} needed). Takes a user or a
username (an audit entry's `actor_repr`); an open notifier's stand-in account reads as "Member of
the public (open notice)", never as its `notifier-<hash>` username."""

from django import template

from accounts.models import person_name

register = template.Library()


@register.filter
def person(who) -> str:
    if who is None or who == "":
        return ""
    if isinstance(who, str):
        return person_name(who)
    return person_name(who.get_username())
