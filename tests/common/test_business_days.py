import os
import subprocess
import sys
from datetime import date

import pytest

from common import business_days
from common.business_days import add_business_days, business_days_between, holidays, is_business_day


@pytest.fixture(autouse=True)
def _holidays(settings):
    settings.BUSINESS_HOLIDAYS_COUNTRY = "US"
    settings.BUSINESS_HOLIDAYS_SUBDIVISION = ""
    settings.BUSINESS_HOLIDAYS = []


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


def test_us_federal_holidays_are_known_past_2027():
    # Thanksgiving, Thursday 23 November 2028.
    assert add_business_days(date(2028, 11, 22), 1) == date(2028, 11, 24)
    # Veterans Day falls on Saturday 11 November 2028: observed on Friday the 10th.
    assert not is_business_day(date(2028, 11, 10))
    # Independence Day, Friday 4 July 2031: the next business day after the 3rd is Monday the 7th.
    assert add_business_days(date(2031, 7, 3), 1) == date(2031, 7, 7)


def test_a_saturday_new_year_is_observed_on_the_friday_of_the_year_before():
    # 1 January 2028 is a Saturday; federal offices close on Friday 31 December 2027.
    assert not is_business_day(date(2027, 12, 31))
    assert add_business_days(date(2027, 12, 30), 1) == date(2028, 1, 3)


def test_a_whole_year_counts_its_weekdays_less_its_federal_holidays():
    # 2031: 261 weekdays; 11 federal holidays, none on a weekend.
    assert business_days_between(date(2030, 12, 31), date(2031, 12, 31)) == 250


def test_each_year_of_the_calendar_is_built_once():
    business_days._public_holidays.cache_clear()
    business_days_between(date(2029, 12, 31), date(2032, 12, 31))
    business_days_between(date(2029, 12, 31), date(2032, 12, 31))
    # 2030, 2031 and 2032: the start day itself is never looked up.
    assert business_days._public_holidays.cache_info().misses == 3


def test_another_country_uses_its_own_holidays(settings):
    settings.BUSINESS_HOLIDAYS_COUNTRY = "DE"
    assert not is_business_day(date(2028, 10, 3))  # German Unity Day, Tuesday
    assert not is_business_day(date(2028, 4, 17))  # Easter Monday
    assert is_business_day(date(2028, 7, 4))  # Independence Day is a US holiday only
    assert is_business_day(date(2028, 11, 23))  # and so is Thanksgiving
    assert is_business_day(date(2028, 6, 15))  # Corpus Christi: only in some states


def test_a_subdivision_adds_its_own_holidays(settings):
    settings.BUSINESS_HOLIDAYS_COUNTRY = "DE"
    settings.BUSINESS_HOLIDAYS_SUBDIVISION = "BY"
    assert not is_business_day(date(2028, 6, 15))  # Corpus Christi in Bavaria, Thursday
    assert not is_business_day(date(2028, 10, 3))  # the national holidays still apply


def test_extra_dates_from_the_setting_add_to_the_country_calendar(settings):
    settings.BUSINESS_HOLIDAYS = ["2028-11-24"]  # the Friday after Thanksgiving
    assert holidays() == {date(2028, 11, 24)}
    assert add_business_days(date(2028, 11, 22), 1) == date(2028, 11, 27)
    assert not is_business_day(date(2028, 11, 23))  # the package's holiday is still there


def test_without_a_country_only_the_extra_dates_are_holidays(settings):
    settings.BUSINESS_HOLIDAYS_COUNTRY = ""
    assert add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 25)
    settings.BUSINESS_HOLIDAYS = ["2026-12-25"]
    assert add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)


def test_counting_between_two_days():
    assert business_days_between(date(2026, 12, 17), date(2027, 1, 5)) == 11
    assert business_days_between(date(2026, 12, 17), date(2026, 12, 17)) == 0


def test_it_refuses_zero_days():
    with pytest.raises(ValueError):
        add_business_days(date(2026, 12, 17), 0)


@pytest.mark.parametrize("env, message", [
    ({"BUSINESS_HOLIDAYS_COUNTRY": "XX"}, "Country XX not available"),
    ({"BUSINESS_HOLIDAYS_SUBDIVISION": "ZZ"}, "does not have subdivision ZZ"),
    ({"BUSINESS_HOLIDAYS_COUNTRY": "", "BUSINESS_HOLIDAYS_SUBDIVISION": "BY"}, "needs BUSINESS_HOLIDAYS_COUNTRY"),
])
def test_an_unknown_calendar_stops_the_start(env, message):
    result = subprocess.run([sys.executable, "-c", "import ipportal.settings"], capture_output=True, text=True,
                            env={**os.environ, **env}, timeout=60)
    assert result.returncode != 0
    assert message in result.stderr
