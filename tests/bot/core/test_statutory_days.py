"""The law's festival days, checked against chinesecalendar's schedules where both exist."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import chinese_calendar
import pytest

from bot.core.statutory_days import (
    Festival,
    StatutoryDaysError,
    festival_days,
    statutory_holidays,
)

# chinesecalendar's names of the festivals; Mid-Autumn sometimes falls inside National Day
_LIBRARY_NAMES = {
    Festival.SPRING_FESTIVAL: {"Spring Festival"},
    Festival.QINGMING: {"Tomb-sweeping Day"},
    Festival.DRAGON_BOAT: {"Dragon Boat Festival"},
    Festival.MID_AUTUMN: {"Mid-autumn Festival", "National Day"},
}


def _main_day(festival: Festival, days: tuple[date, ...]) -> date:
    """The festival's own day: lunar New Year's Day is the second of the Spring Festival's days."""
    return days[1] if festival is Festival.SPRING_FESTIVAL else days[0]


# Qingming, Dragon Boat and Mid-Autumn became days off in 2008; the library reaches 2026
@pytest.mark.parametrize("year", range(2008, 2027))
def test_lunar_festivals_and_qingming_fall_on_the_librarys_festival_holidays(year: int) -> None:
    days = festival_days(year)
    for festival, names in _LIBRARY_NAMES.items():
        main = _main_day(festival, days[festival])
        nearby = (main + timedelta(days=offset) for offset in (-1, 0, 1))
        named = {chinese_calendar.get_holiday_detail(day)[1] for day in nearby}
        assert chinese_calendar.is_holiday(main), (festival, main)
        # a festival on a weekend is a plain day off there, its name moving to the day in lieu
        assert named & names, (festival, main, named)


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_the_current_law_gives_off_is_off_in_the_official_schedule(year: int) -> None:
    days = statutory_holidays(year)
    # article 2: 1 + 4 + 1 + 2 + 1 + 1 + 3 days
    assert len(days) == 13
    assert all(chinese_calendar.is_holiday(day) for day in days)


def test_the_spring_festival_is_new_years_eve_and_the_first_three_days() -> None:
    days = festival_days(2026)[Festival.SPRING_FESTIVAL]
    assert [b - a for a, b in pairwise(days)] == [timedelta(days=1)] * 3
    assert chinese_calendar.get_holiday_detail(days[1]) == (True, "Spring Festival")


def test_a_year_past_the_lunar_tables_is_refused_with_a_reason() -> None:
    with pytest.raises(StatutoryDaysError, match="2101"):
        statutory_holidays(2101)
