"""Short, scannable durations for the queue ("3 h 20 min", "2 d 4 h")."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()


def short_duration(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


@register.filter
def since(value: datetime) -> str:
    return short_duration(timezone.now() - value)


@register.filter
def until(value: datetime) -> str:
    return short_duration(value - timezone.now())


@register.filter
def duration(value: timedelta) -> str:
    return short_duration(value)
