"""A business-day calendar: weekends and the holidays in settings.BUSINESS_HOLIDAYS.

Counter-notice deadlines (DMCA §512(g): restore 10 to 14 business days after the counter-notice
unless the complainant shows a court action) are counted with it. Dates are calendar dates in
the portal's time zone (UTC); the time of day of a filing does not move a deadline.
"""

from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _parse(holidays: tuple[str, ...]) -> frozenset[date]:
    return frozenset(date.fromisoformat(h.strip()) for h in holidays if h.strip())


def holidays() -> frozenset[date]:
    # Read on every call (cached per value) so a test's settings override applies at once.
    return _parse(tuple(settings.BUSINESS_HOLIDAYS))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays()


def add_business_days(start: date, n: int) -> date:
    """The n-th business day after `start` (start itself never counts, whatever day it is)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if is_business_day(day):
            left -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """How many business days lie after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_business_day(day):
            count += 1
    return count
