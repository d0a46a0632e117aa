"""A group's working time: time zone, weekly schedule, holiday calendar and quiet hours.

Pure and Telegram-free. Every instant falls in exactly one ``Band``: ``WORK`` when the local day is
a working day and the local time is inside one of that day's intervals, else ``QUIET`` inside the
quiet hours, else ``AFTER_HOURS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chinese_calendar import constants as _cn_constants

from bot.core.statutory_days import LAW_IN_FORCE, StatutoryDaysError, statutory_holidays
from bot.core.translatable import N_, Phrase, TranslatableError

__all__ = [
    "DAY_NAMES",
    "Band",
    "ChinaHolidayCalendar",
    "DayKind",
    "HolidayCalendar",
    "Interval",
    "NoHolidayCalendar",
    "QuietHours",
    "WeeklySchedule",
    "WorkTimeError",
    "WorkingTime",
    "first_provisional_day",
    "iso_week",
    "make_calendar",
    "previous_weeks",
    "week_start",
]

MIDNIGHT = time(0, 0)
MINUTES_PER_DAY = 24 * 60
DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The one weekday table, Monday=0: ids in settings and commands, English names in output."""
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_INDEX = {name: i for i, name in enumerate(DAY_NAMES)} | {
    name: i for i, name in enumerate(_FULL_DAY_NAMES)
}
_HOURS_EXAMPLE = Phrase(
    N_("{simple} or {split}"),
    {
        "simple": "'mon-fri 09:00-18:00'",
        "split": "'mon-fri 08:30-12:00,14:00-18:00; sat 09:00-12:00'",
    },
)
_QUIET_EXAMPLE = Phrase(
    N_("{example} (may wrap midnight) or {off}"), {"example": "'22:00-07:00'", "off": "'off'"}
)
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")
_CLAUSE_RE = re.compile(r"(?P<days>[^\d]+?)\s*(?P<intervals>\d.*)")
_WEEK_RE = re.compile(r"(\d{4})-W(\d{2})", re.IGNORECASE)


class WorkTimeError(TranslatableError):
    """A working-time setting is invalid; the message says what is wrong and the right form."""


class Band(StrEnum):
    """Which part of the day an instant falls in, from the group's point of view."""

    WORK = "work"
    AFTER_HOURS = "after_hours"
    QUIET = "quiet"


class DayKind(StrEnum):
    """What kind of day a calendar date is for a group."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"

    @property
    def is_working(self) -> bool:
        """True for a day people are expected at work (a make-up workday 调休 included)."""
        return self in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)


def _minute_of(t: time) -> int:
    return t.hour * 60 + t.minute


def _format_time(t: time, *, midnight_as_24: bool = False) -> str:
    if midnight_as_24 and t == MIDNIGHT:
        return "24:00"
    return f"{t.hour:02d}:{t.minute:02d}"


def _check_wall_time(t: time, what: Phrase) -> None:
    if t.tzinfo is not None or t.second or t.microsecond:
        raise WorkTimeError(
            N_(
                "{what} must be a whole minute without a time zone, got {value}; "
                "write e.g. time(9, 0)"
            ),
            what=what,
            value=t.isoformat(),
        )


def _parse_time(text: str, *, allow_24: bool, context: Phrase, example: object) -> time:
    match = _TIME_RE.fullmatch(text.strip())
    if match is None:
        raise WorkTimeError(
            N_("{context}: {text!r} is not a time; write HH:MM, e.g. {example}"),
            context=context,
            text=text.strip(),
            example=example,
        )
    hour, minute = int(match[1]), int(match[2])
    if allow_24 and (hour, minute) == (24, 0):
        return MIDNIGHT
    if hour > 23 or minute > 59:
        out_of_range = (
            N_(
                "{context}: {text!r} is out of range 00:00..23:59 (24:00 only as an end); "
                "e.g. {example}"
            )
            if allow_24
            else N_("{context}: {text!r} is out of range 00:00..23:59; e.g. {example}")
        )
        raise WorkTimeError(out_of_range, context=context, text=text.strip(), example=example)
    return time(hour, minute)


@dataclass(frozen=True)
class Interval:
    """A span of a day: ``start`` inclusive, ``end`` exclusive.

    ``datetime.time`` has no 24:00, so an interval that runs to the end of the day stores
    ``end=time(0)``; ``ends_at_midnight`` tells, and ``str()`` writes it as ``24:00``.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        _check_wall_time(self.start, Phrase(N_("an interval start")))
        _check_wall_time(self.end, Phrase(N_("an interval end")))
        if not self.ends_at_midnight and self.end <= self.start:
            raise WorkTimeError(
                N_(
                    "interval {interval} does not end after it starts; the end must be later "
                    "than the start on the same day, e.g. 09:00-18:00 (use 24:00 for midnight)"
                ),
                interval=str(self),
            )

    @property
    def ends_at_midnight(self) -> bool:
        """True when the interval runs to the end of the day (written ``24:00``)."""
        return self.end == MIDNIGHT

    @property
    def start_minute(self) -> int:
        """Minutes from midnight to the start."""
        return _minute_of(self.start)

    @property
    def end_minute(self) -> int:
        """Minutes from midnight to the end; 1440 for an interval ending at 24:00."""
        return MINUTES_PER_DAY if self.ends_at_midnight else _minute_of(self.end)

    def contains(self, t: time) -> bool:
        """Whether wall-clock time ``t`` lies in ``[start, end)``."""
        return self.start <= t and (self.ends_at_midnight or t < self.end)

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Parse ``HH:MM-HH:MM`` (``24:00`` allowed as the end); ``WorkTimeError`` otherwise."""
        context = Phrase(N_("working hours interval {interval!r}"), {"interval": text.strip()})
        parts = text.split("-")
        if len(parts) != 2:
            raise WorkTimeError(
                N_("{context} is not START-END; write e.g. 09:00-18:00"), context=context
            )
        start = _parse_time(parts[0], allow_24=False, context=context, example="09:00-18:00")
        end = _parse_time(parts[1], allow_24=True, context=context, example="09:00-18:00")
        if end != MIDNIGHT and end <= start:
            raise WorkTimeError(
                N_(
                    "{context} does not end after it starts; write e.g. 09:00-18:00 "
                    "(24:00 for midnight; an interval cannot wrap past midnight)"
                ),
                context=context,
            )
        return cls(start, end)

    def __str__(self) -> str:
        return f"{_format_time(self.start)}-{_format_time(self.end, midnight_as_24=True)}"


def _parse_days(text: str, clause: str) -> list[int]:
    days: list[int] = []
    for item in text.split(","):
        ends = [part.strip().lower() for part in item.split("-")]
        unknown = [name for name in ends if name not in _DAY_INDEX]
        if unknown or len(ends) > 2:
            bad = unknown[0] if unknown else item.strip()
            raise WorkTimeError(
                N_(
                    "working hours {clause!r}: {day!r} is not a day; use mon tue wed thu fri sat "
                    "sun, a range like mon-fri or a list like mon,wed,fri, e.g. {example}"
                ),
                clause=clause,
                day=bad,
                example=_HOURS_EXAMPLE,
            )
        first, last = _DAY_INDEX[ends[0]], _DAY_INDEX[ends[-1]]
        if last < first:
            raise WorkTimeError(
                N_(
                    "working hours {clause!r}: day range {days!r} runs backwards; ranges go "
                    "forward within one week, e.g. mon-fri, or write fri-sun,mon"
                ),
                clause=clause,
                days=item.strip(),
            )
        days.extend(range(first, last + 1))
    return days


def _check_no_overlap(intervals: tuple[Interval, ...], day: int) -> None:
    for earlier, later in pairwise(intervals):
        if later.start_minute < earlier.end_minute:
            raise WorkTimeError(
                N_(
                    "working hours on {day}: intervals {earlier} and {later} overlap; "
                    "list separate intervals, e.g. 08:30-12:00,14:00-18:00"
                ),
                day=DAY_NAMES[day],
                earlier=str(earlier),
                later=str(later),
            )


def _day_runs(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
        for run in runs
    )


@dataclass(frozen=True)
class WeeklySchedule:
    """Working intervals for each weekday, Monday first; an empty tuple is a day off."""

    days: tuple[tuple[Interval, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise WorkTimeError(
                N_(
                    "a weekly schedule needs 7 days (Monday first), got {count}; "
                    "write e.g. {example}"
                ),
                count=len(self.days),
                example=_HOURS_EXAMPLE,
            )
        normalised = tuple(tuple(sorted(day, key=lambda iv: iv.start)) for day in self.days)
        for index, intervals in enumerate(normalised):
            _check_no_overlap(intervals, index)
        object.__setattr__(self, "days", normalised)

    @classmethod
    def parse(cls, text: str) -> WeeklySchedule:
        """Parse clauses like ``mon-fri 08:30-12:00,14:00-18:00; sat 09:00-12:00``.

        Days are ``mon``..``sun`` (or full names), case-insensitive, as single days, forward
        ranges or comma lists. Clauses naming the same day add intervals to it. ``none`` means
        no working hours at all. Raises ``WorkTimeError`` naming the bad part.
        """
        stripped = text.strip()
        if stripped.lower() in {"none", "off"}:
            return cls(days=((),) * 7)
        per_day: list[list[Interval]] = [[] for _ in range(7)]
        clauses = [clause.strip() for clause in re.split(r"[;\n]", stripped) if clause.strip()]
        if not clauses:
            raise WorkTimeError(
                N_("working hours are empty; write e.g. {example}"), example=_HOURS_EXAMPLE
            )
        for clause in clauses:
            match = _CLAUSE_RE.fullmatch(clause)
            if match is None:
                raise WorkTimeError(
                    N_(
                        "working hours {clause!r} need days and then intervals; "
                        "write e.g. {example}"
                    ),
                    clause=clause,
                    example=_HOURS_EXAMPLE,
                )
            days = _parse_days(match["days"], clause)
            intervals = [Interval.parse(part) for part in match["intervals"].split(",")]
            for day in days:
                per_day[day].extend(intervals)
        return cls(days=tuple(tuple(day) for day in per_day))

    def intervals(self, weekday: int) -> tuple[Interval, ...]:
        """The intervals of ``weekday`` (0 = Monday)."""
        return self.days[weekday]

    def has_work(self, weekday: int) -> bool:
        """Whether ``weekday`` (0 = Monday) has any working interval."""
        return bool(self.days[weekday])

    def first_working_weekday(self) -> int | None:
        """The first weekday (0 = Monday) with intervals, or None if the schedule is empty."""
        return next((index for index, day in enumerate(self.days) if day), None)

    def __str__(self) -> str:
        groups: dict[tuple[Interval, ...], list[int]] = {}
        for index, intervals in enumerate(self.days):
            if intervals:
                groups.setdefault(intervals, []).append(index)
        if not groups:
            return "none"
        return "; ".join(
            f"{_day_runs(days)} {','.join(str(iv) for iv in intervals)}"
            for intervals, days in groups.items()
        )


@dataclass(frozen=True)
class QuietHours:
    """A nightly band, possibly wrapping midnight; ``start == end`` means no quiet band."""

    start: time
    end: time

    def __post_init__(self) -> None:
        _check_wall_time(self.start, Phrase(N_("quiet hours start")))
        _check_wall_time(self.end, Phrase(N_("quiet hours end")))

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """Parse ``HH:MM-HH:MM`` (may wrap midnight) or ``off``/``none``; else WorkTimeError."""
        stripped = text.strip()
        if stripped.lower() in {"off", "none"}:
            return cls(MIDNIGHT, MIDNIGHT)
        context = Phrase(N_("quiet hours {hours!r}"), {"hours": stripped})
        parts = stripped.split("-")
        if len(parts) != 2:
            raise WorkTimeError(
                N_("{context} are not START-END; write e.g. {example}"),
                context=context,
                example=_QUIET_EXAMPLE,
            )
        start = _parse_time(parts[0], allow_24=False, context=context, example=_QUIET_EXAMPLE)
        end = _parse_time(parts[1], allow_24=True, context=context, example=_QUIET_EXAMPLE)
        if start == end:
            raise WorkTimeError(
                N_("{context} start and end at the same time; write e.g. {example}"),
                context=context,
                example=_QUIET_EXAMPLE,
            )
        return cls(start, end)

    @property
    def is_off(self) -> bool:
        """True when there is no quiet band."""
        return self.start == self.end

    def contains(self, t: time) -> bool:
        """Whether wall-clock time ``t`` is inside the quiet band (start inclusive, end not)."""
        if self.is_off:
            return False
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def __str__(self) -> str:
        if self.is_off:
            return "off"
        return f"{_format_time(self.start)}-{_format_time(self.end)}"


class HolidayCalendar(Protocol):
    """Decides whether a date is a working day, a weekend, a holiday or a make-up working day."""

    @property
    def name(self) -> str:
        """The calendar's config name (``cn``, ``none``)."""
        ...

    @property
    def extra_holidays(self) -> frozenset[date]:
        """Holidays from config, overriding the library."""
        ...

    @property
    def extra_workdays(self) -> frozenset[date]:
        """Working days from config, overriding the library."""
        ...

    def day_kind(self, d: date, weekday_has_work: bool) -> DayKind:
        """The kind of ``d``, given whether the weekly schedule has work on its weekday."""
        ...

    def covers(self, d: date) -> bool:
        """False when the calendar has no official schedule for the year of ``d``."""
        ...

    def provisional(self, d: date) -> bool:
        """Whether the kind of ``d`` is a stand-in: no official schedule for its year, and no
        extra day from config in that year either (an admin who entered the year's days has
        given the schedule)."""
        ...


def _extra_kind(calendar: HolidayCalendar, d: date, weekday_has_work: bool) -> DayKind | None:
    if d in calendar.extra_workdays:
        return DayKind.WORKDAY if weekday_has_work else DayKind.MAKEUP_WORKDAY
    if d in calendar.extra_holidays:
        return DayKind.HOLIDAY
    return None


def _plain_kind(weekday_has_work: bool) -> DayKind:
    return DayKind.WORKDAY if weekday_has_work else DayKind.WEEKEND


@dataclass(frozen=True)
class NoHolidayCalendar:
    """No statutory holidays: only the weekly schedule and the extra days from config."""

    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    name: str = field(default="none", init=False)

    def day_kind(self, d: date, weekday_has_work: bool) -> DayKind:
        """The kind of ``d``: extra days from config, else the weekly schedule."""
        return _extra_kind(self, d, weekday_has_work) or _plain_kind(weekday_has_work)

    def covers(self, d: date) -> bool:
        """Always True: a calendar without holidays has nothing to miss."""
        return True

    def provisional(self, d: date) -> bool:
        """Always False, for the same reason."""
        return False


_CN_YEARS = range(
    min(d.year for d in _cn_constants.holidays), max(d.year for d in _cn_constants.holidays) + 1
)


@dataclass(frozen=True)
class ChinaHolidayCalendar:
    """Mainland China statutory holidays and make-up working days (调休), from chinesecalendar."""

    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    name: str = field(default="cn", init=False)

    def day_kind(self, d: date, weekday_has_work: bool) -> DayKind:
        """The kind of ``d``: extra days from config, then the library, then the weekly schedule.

        A make-up working day on a weekday that the schedule already works is a plain WORKDAY.
        In a year the library has no schedule for yet, the festival days the law names are
        holidays (:mod:`bot.core.statutory_days`); its make-up working days are unknown.
        """
        extra = _extra_kind(self, d, weekday_has_work)
        if extra is not None:
            return extra
        if self.covers(d):
            if d in _cn_constants.workdays:
                return DayKind.WORKDAY if weekday_has_work else DayKind.MAKEUP_WORKDAY
            if d in _cn_constants.holidays:
                return DayKind.HOLIDAY
        elif d in _statutory_days(d.year):
            return DayKind.HOLIDAY
        return _plain_kind(weekday_has_work)

    def covers(self, d: date) -> bool:
        """Whether chinesecalendar has the official schedule for the year of ``d``."""
        return d.year in _CN_YEARS

    def provisional(self, d: date) -> bool:
        """See :meth:`HolidayCalendar.provisional`."""
        if self.covers(d):
            return False
        return not any(day.year == d.year for day in self.extra_holidays | self.extra_workdays)


def first_provisional_day(calendar: HolidayCalendar, start: date, days: int) -> date | None:
    """The first of the ``days`` days from ``start`` whose kind ``calendar`` only stands in for
    (see :meth:`HolidayCalendar.provisional`), or None."""
    return next(
        (
            day
            for day in (start + timedelta(days=offset) for offset in range(days))
            if calendar.provisional(day)
        ),
        None,
    )


def _statutory_days(year: int) -> frozenset[date]:
    """The law's festival days of ``year``, or none where they cannot be worked out (before
    the current law, or past the lunar tables): such a year acts as a plain week."""
    if year < LAW_IN_FORCE:
        return frozenset()
    try:
        return statutory_holidays(year)
    except StatutoryDaysError:
        return frozenset()


def _as_dates(values: Iterable[date], what: Phrase) -> frozenset[date]:
    days = frozenset(values)
    for value in days:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise WorkTimeError(
                N_("{what} must be calendar dates, got {value!r}; write e.g. 2025-10-09"),
                what=what,
                value=value,
            )
    return days


def make_calendar(
    name: str, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()
) -> HolidayCalendar:
    """Return the holiday calendar called ``name`` (``cn`` or ``none``) with extra days applied.

    Raises ``WorkTimeError`` for an unknown name or a date listed both as holiday and workday.
    """
    holidays = _as_dates(extra_holidays, Phrase(N_("extra holidays")))
    workdays = _as_dates(extra_workdays, Phrase(N_("extra working days")))
    both = sorted(holidays & workdays)
    if both:
        raise WorkTimeError(
            N_(
                "{day} is listed both as an extra holiday and an extra working day; "
                "keep it in only one of the two lists"
            ),
            day=both[0].isoformat(),
        )
    key = name.strip().lower()
    if key == "cn":
        return ChinaHolidayCalendar(extra_holidays=holidays, extra_workdays=workdays)
    if key == "none":
        return NoHolidayCalendar(extra_holidays=holidays, extra_workdays=workdays)
    raise WorkTimeError(
        N_(
            "unknown holiday calendar {name!r}; use 'cn' (mainland China statutory holidays and "
            "make-up working days) or 'none'"
        ),
        name=name,
    )


def _zone(key: str) -> ZoneInfo:
    try:
        return ZoneInfo(key.strip())
    # OSError: a key naming a directory of the database ("Asia") or too long for a file name.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise WorkTimeError(
            N_(
                "unknown time zone {key!r}; use an IANA name such as 'Asia/Shanghai' or "
                "'Europe/Berlin'"
            ),
            key=key,
        ) from None


@dataclass(frozen=True)
class WorkingTime:
    """A group's working time; decides the ``Band`` of any timezone-aware instant."""

    timezone: ZoneInfo
    schedule: WeeklySchedule
    calendar: HolidayCalendar
    quiet: QuietHours

    @classmethod
    def from_strings(
        cls,
        *,
        timezone: str,
        hours: str,
        calendar: str,
        quiet: str,
        extra_holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
    ) -> WorkingTime:
        """Build a working time from config strings; ``WorkTimeError`` names any bad part.

        The defaults are the settings' (``bot.config.settings.default_settings().working_time()``).
        """
        return cls(
            timezone=_zone(timezone),
            schedule=WeeklySchedule.parse(hours),
            calendar=make_calendar(calendar, extra_holidays, extra_workdays),
            quiet=QuietHours.parse(quiet),
        )

    def local(self, at: datetime) -> datetime:
        """``at`` converted to the group's time zone; ``ValueError`` if ``at`` is naive."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(
                f"naive datetime {at.isoformat()} has no time zone; pass an aware datetime, "
                "e.g. datetime.now(UTC)"
            )
        return at.astimezone(self.timezone)

    def day_kind(self, d: date) -> DayKind:
        """The kind of local calendar date ``d`` for this group."""
        return self.calendar.day_kind(d, self.schedule.has_work(d.weekday()))

    def intervals_on(self, d: date) -> tuple[Interval, ...]:
        """Working intervals of local date ``d``: none on days off; a make-up working day uses
        the first weekday that has intervals (Monday usually)."""
        kind = self.day_kind(d)
        if kind is DayKind.WORKDAY:
            return self.schedule.intervals(d.weekday())
        if kind is DayKind.MAKEUP_WORKDAY:
            first = self.schedule.first_working_weekday()
            return () if first is None else self.schedule.intervals(first)
        return ()

    def band(self, at: datetime) -> Band:
        """The band of aware instant ``at``, judged on the group's local wall clock."""
        local = self.local(at)
        return self.band_at(local.time(), self.intervals_on(local.date()))

    def band_at(self, wall: time, intervals: Iterable[Interval]) -> Band:
        """The band of local wall-clock time ``wall`` on a day whose working ``intervals``
        (``intervals_on``) are known already."""
        for interval in intervals:  # a plain loop: any() over a generator cost more, per message
            if interval.contains(wall):
                return Band.WORK
        if self.quiet.contains(wall):
            return Band.QUIET
        return Band.AFTER_HOURS

    def describe(self) -> str:
        """One line for humans, e.g. ``Asia/Shanghai, mon-fri 09:00-18:00, calendar cn, quiet
        22:00-07:00``."""
        extras = []
        for days, noun in (
            (self.calendar.extra_holidays, "holiday"),
            (self.calendar.extra_workdays, "working day"),
        ):
            if days:
                extras.append(f"+{len(days)} {noun}{'' if len(days) == 1 else 's'}")
        calendar = f"calendar {self.calendar.name}"
        if extras:
            calendar += f" ({', '.join(extras)})"
        return f"{self.timezone.key}, {self.schedule}, {calendar}, quiet {self.quiet}"


def iso_week(d: date) -> str:
    """The ISO week of ``d`` as ``YYYY-Www`` (e.g. ``2025-W39``); pass a local date."""
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> date:
    """The Monday of ISO week ``YYYY-Www``; ``WorkTimeError`` on a malformed or impossible week."""
    match = _WEEK_RE.fullmatch(week.strip())
    if match is None:
        raise WorkTimeError(
            N_("{week!r} is not an ISO week; write YYYY-Www, e.g. 2025-W39"), week=week
        )
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise WorkTimeError(
            N_("{week!r} does not exist (weeks run 01..52, or 53 in long years); e.g. 2025-W39"),
            week=week,
        ) from None


def previous_weeks(week: str, n: int) -> list[str]:
    """The ``n`` ISO weeks before ``week``, most recent first; ``ValueError`` if ``n < 0``."""
    if n < 0:
        raise ValueError(f"cannot list {n} previous weeks; pass a count of 0 or more")
    monday = week_start(week)
    return [iso_week(monday - timedelta(weeks=k)) for k in range(1, n + 1)]
