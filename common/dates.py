"""How people read dates, defined once: pages (the `day`, `moment` and `deadline` filters, and
Django's `date` filter through ipportal/formats), e-mails and messages built in Python.

A day reads "4 December 2026"; a moment "4 December 2026, 14:05 UTC"; a deadline keeps its weekday
("Friday 4 December 2026"), so people see at once whether it falls before a weekend. Machine
formats (ISO 8601 in APIs, exports, `datetime` attributes and date inputs) are not for reading and
stay as they are."""

from datetime import date, datetime

from django.utils import dateformat, timezone

DAY = "j F Y"
MOMENT = "j F Y, H:i T"
DEADLINE = "l j F Y"
CLOCK = "H:i T"


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day(value: date | datetime | None) -> str:
    """ "4 December 2026" """
    return dateformat.format(_local(value), DAY) if value else ""


def moment(value: datetime | None) -> str:
    """ "4 December 2026, 14:05 UTC" """
    return dateformat.format(_local(value), MOMENT) if value else ""


def deadline(value: date | datetime | None) -> str:
    """ "Friday 4 December 2026" """
    return dateformat.format(_local(value), DEADLINE) if value else ""


def clock(value: datetime | None) -> str:
    """ "14:05 UTC": a time later today, e.g. when a refused request may be made again """
    return dateformat.format(_local(value), CLOCK) if value else ""
