from datetime import date

import pytest

from common.business_days import add_business_days, business_days_between, is_business_day


@pytest.fixture(autouse=True)
def _holidays(settings):
    settings.BUSINESS_HOLIDAYS = ["2026-12-25", "2027-01-01"]


def test_weekends_and_holidays_are_not_business_days():
    assert is_business_day(date(2026, 12, 24))  # Thursday
    assert not is_business_day(date(2026, 12, 25))  # Friday, holiday
    assert not is_business_day(date(2026, 12, 26))  # Saturday
    assert not is_business_day(date(2026, 12, 27))  # Sunday
    assert is_business_day(date(2026, 12, 28))


def test_adding_skips_weekends_and_holidays():
    assert add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert add_business_days(date(2026, 12, 17), 10) == date(2027, 1, 4)
    # Starting on a Saturday: the day itself never counts.
    assert add_business_days(date(2026, 12, 19), 1) == date(2026, 12, 21)


def test_holidays_come_from_the_setting(settings):
    settings.BUSINESS_HOLIDAYS = []
    assert add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 25)


def test_counting_between_two_days():
    assert business_days_between(date(2026, 12, 17), date(2027, 1, 5)) == 11
    assert business_days_between(date(2026, 12, 17), date(2026, 12, 17)) == 0


def test_it_refuses_zero_days():
    with pytest.raises(ValueError):
        add_business_days(date(2026, 12, 17), 0)
