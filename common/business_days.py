"""A business-day calendar: weekends, a country's public holidays and settings.BUSINESS_HOLIDAYS.

Counter-notice deadlines (DMCA §512(g): restore 10 to 14 business days after the counter-notice
unless the complainant shows a court action) are counted with it. Dates are calendar dates in
the portal's time zone (UTC); the time of day of a filing does not move a deadline.

The public holidays come from the `holidays` package for settings.BUSINESS_HOLIDAYS_COUNTRY and
BUSINESS_HOLIDAYS_SUBDIVISION, observed days included (US: a Saturday holiday is off on the Friday
before), for any year; settings.BUSINESS_HOLIDAYS adds dates to them and never removes one.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays as holiday_calendars
from django.conf import settings


@lru_cache(maxsize=8)
def _parse(holidays: tuple[str, ...]) -> frozenset[date]:
    return frozenset(date.fromisoformat(h.strip()) for h in holidays if h.strip())


@lru_cache(maxsize=64)
def _public_holidays(country: str, subdivision: str, year: int) -> frozenset[date]:
    # One year at a time: a deadline walks a few weeks, so it needs one or two years, each built once.
    if not country:
        return frozenset()
    return frozenset(holiday_calendars.country_holidays(country, subdiv=subdivision or None, years=year))


def holidays() -> frozenset[date]:
    """The extra dates of settings.BUSINESS_HOLIDAYS (the country's public holidays are not in it)."""
    # Read on every call (cached per value) so a test's settings override applies at once.
    return _parse(tuple(settings.BUSINESS_HOLIDAYS))


def is_business_day(day: date) -> bool:
    if day.weekday() >= 5 or day in holidays():
        return False
    return day not in _public_holidays(settings.BUSINESS_HOLIDAYS_COUNTRY, settings.BUSINESS_HOLIDAYS_SUBDIVISION,
                                       day.year)


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
