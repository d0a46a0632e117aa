"""The festival days mainland China's holiday law gives everyone off, for years without a schedule.

The State Council publishes each year's holiday arrangement (which days are off in a row, and
the make-up working days, 调休) late in the year before, and chinesecalendar carries it from its
next release. Until then, a group's January would read as a plain week: New Year's Day a working
day, the Spring Festival's pushes counted as in-hours. What is certain in advance are the festival
days themselves, fixed by 《全国年节及纪念日放假办法》 as amended in November 2024 (in force
from 2025, article 2): New Year's Day (1 January); the Spring Festival (lunar New Year's Eve and
the first three days of the first lunar month); Qingming (the day of the solar term); Labour Day
(1 and 2 May); the Dragon Boat Festival (the 5th of the 5th lunar month); the Mid-Autumn Festival
(the 15th of the 8th lunar month); National Day (1 to 3 October).

Lunar dates come from cnlunar and the solar term from chinesecalendar; neither is written here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from chinese_calendar import get_solar_terms

LAW_IN_FORCE = 2025
"""The first year the current list applies to; earlier years followed older versions of the law."""


class Festival(StrEnum):
    """The festivals of the law's article 2 that give everyone days off."""

    NEW_YEAR = "new_year"
    SPRING_FESTIVAL = "spring_festival"
    QINGMING = "qingming"
    LABOUR_DAY = "labour_day"
    DRAGON_BOAT = "dragon_boat"
    MID_AUTUMN = "mid_autumn"
    NATIONAL_DAY = "national_day"


class StatutoryDaysError(ValueError):
    """The festival days of a year cannot be worked out (the year is outside the tables' range)."""


# Lunar festivals: the lunar (month, day) and where it can fall in the Gregorian year, with a few
# days' margin, so that finding it converts a month of days rather than a year.
_LUNAR: dict[Festival, tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    Festival.SPRING_FESTIVAL: ((1, 1), (1, 19), (2, 22)),
    Festival.DRAGON_BOAT: ((5, 5), (5, 26), (6, 27)),
    Festival.MID_AUTUMN: ((8, 15), (9, 6), (10, 10)),
}
_FIXED: dict[Festival, tuple[tuple[int, int], ...]] = {
    Festival.NEW_YEAR: ((1, 1),),
    Festival.LABOUR_DAY: ((5, 1), (5, 2)),
    Festival.NATIONAL_DAY: ((10, 1), (10, 2), (10, 3)),
}
# The Spring Festival's days around lunar New Year's Day: the eve and the next two days.
_SPRING_FESTIVAL_OFFSETS = (-1, 0, 1, 2)
_QINGMING = "清明"


@lru_cache(maxsize=32)
def festival_days(year: int) -> Mapping[Festival, tuple[date, ...]]:
    """Each festival's days off in ``year`` as the current law lists them, in date order.

    Only the days the law names: no bridging days and no make-up working days, which each year's
    arrangement adds. Raises :class:`StatutoryDaysError` for a year the lunar tables or the solar
    terms do not reach.
    """
    days = {
        festival: tuple(date(year, month, day) for month, day in dates)
        for festival, dates in _FIXED.items()
    }
    for festival, (lunar, first, last) in _LUNAR.items():
        found = _lunar_to_solar(year, lunar, date(year, *first), date(year, *last))
        offsets = _SPRING_FESTIVAL_OFFSETS if festival is Festival.SPRING_FESTIVAL else (0,)
        days[festival] = tuple(found + timedelta(days=offset) for offset in offsets)
    days[Festival.QINGMING] = (_qingming(year),)
    return MappingProxyType({festival: days[festival] for festival in Festival})


@lru_cache(maxsize=32)
def statutory_holidays(year: int) -> frozenset[date]:
    """Every day off of :func:`festival_days` in ``year``."""
    return frozenset(day for days in festival_days(year).values() for day in days)


def _lunar_to_solar(year: int, lunar: tuple[int, int], first: date, last: date) -> date:
    """The date between ``first`` and ``last`` that is lunar (month, day) ``lunar``."""
    try:
        # cnlunar is imported here: only a year without an official schedule needs it.
        from cnlunar import Lunar

        current = first
        while current <= last:
            # cnlunar reads a naive calendar date; no instant or time zone is involved.
            found = Lunar(datetime(current.year, current.month, current.day))  # noqa: DTZ001
            if (found.lunarMonth, found.lunarDay) == lunar and not found.isLunarLeapMonth:
                return current
            current += timedelta(days=1)
    except (IndexError, KeyError, ValueError) as error:
        raise StatutoryDaysError(f"the lunar tables do not reach {year}: {error}") from None
    month, day = lunar
    raise StatutoryDaysError(f"lunar {month}/{day} of {year} not found between {first} and {last}")


def _qingming(year: int) -> date:
    try:
        terms = get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    except (IndexError, KeyError, ValueError) as error:
        raise StatutoryDaysError(f"the solar terms do not reach {year}: {error}") from None
    for day, name in terms:
        if name == _QINGMING:
            found: date = day
            return found
    raise StatutoryDaysError(f"no Qingming found in early April {year}")
