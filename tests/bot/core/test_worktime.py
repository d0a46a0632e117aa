"""Explicit cases for the working-time calendar: China 2025 holidays, boundaries, DST, errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.worktime import (
    Band,
    DayKind,
    Interval,
    QuietHours,
    WeeklySchedule,
    WorkingTime,
    WorkTimeError,
    iso_week,
    make_calendar,
    previous_weeks,
    week_start,
)
from tests.support.builders import default_working_time

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str, zone: ZoneInfo = SHANGHAI) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


@pytest.fixture
def default() -> WorkingTime:
    return default_working_time()


@pytest.mark.parametrize("day", ["2025-09-28", "2025-10-11"])
def test_makeup_working_days_are_work_at_ten(default: WorkingTime, day: str) -> None:
    assert default.day_kind(date.fromisoformat(day)) is DayKind.MAKEUP_WORKDAY
    assert default.band(at(f"{day}T10:00")) is Band.WORK
    assert default.band(at(f"{day}T19:00")) is Band.AFTER_HOURS


@pytest.mark.parametrize("day", range(1, 9))
def test_national_day_holiday_is_after_hours_at_ten(default: WorkingTime, day: int) -> None:
    holiday = date(2025, 10, day)
    assert default.day_kind(holiday) is DayKind.HOLIDAY
    assert default.band(datetime.combine(holiday, time(10), SHANGHAI)) is Band.AFTER_HOURS


def test_holiday_night_is_still_quiet(default: WorkingTime) -> None:
    assert default.band(at("2025-10-03T23:30")) is Band.QUIET


@pytest.mark.parametrize("day", ["2025-09-20", "2025-09-21"])
def test_ordinary_weekend_is_after_hours(default: WorkingTime, day: str) -> None:
    assert default.day_kind(date.fromisoformat(day)) is DayKind.WEEKEND
    assert default.band(at(f"{day}T10:00")) is Band.AFTER_HOURS
    assert default.band(at(f"{day}T06:30")) is Band.QUIET


@pytest.mark.parametrize(
    ("clock", "band"),
    [
        ("23:30", Band.QUIET),
        ("06:30", Band.QUIET),
        ("22:00", Band.QUIET),
        ("21:59:59", Band.AFTER_HOURS),
        ("07:00", Band.AFTER_HOURS),
        ("06:59:59", Band.QUIET),
        ("08:59:59", Band.AFTER_HOURS),
        ("09:00", Band.WORK),
        ("17:59:59", Band.WORK),
        ("18:00", Band.AFTER_HOURS),
    ],
)
def test_bands_over_an_ordinary_monday(default: WorkingTime, clock: str, band: Band) -> None:
    assert default.band(at(f"2025-09-22T{clock}")) is band


def test_split_schedule_has_a_lunch_break() -> None:
    split = default_working_time(hours="mon-fri 08:30-12:00,14:00-18:00")
    assert split.band(at("2025-09-23T11:59")) is Band.WORK
    assert split.band(at("2025-09-23T12:00")) is Band.AFTER_HOURS
    assert split.band(at("2025-09-23T13:59")) is Band.AFTER_HOURS
    assert split.band(at("2025-09-23T14:00")) is Band.WORK
    assert split.band(at("2025-09-23T08:29")) is Band.AFTER_HOURS


def test_makeup_day_uses_the_first_working_weekday() -> None:
    uneven = default_working_time(hours="mon 08:00-12:00; tue-fri 09:00-18:00")
    assert uneven.band(at("2025-09-28T08:30")) is Band.WORK
    assert uneven.band(at("2025-09-28T13:00")) is Band.AFTER_HOURS


def test_makeup_day_on_a_scheduled_saturday_is_a_plain_workday() -> None:
    six_days = default_working_time(hours="mon-sat 09:00-12:00")
    assert six_days.day_kind(date(2025, 10, 11)) is DayKind.WORKDAY
    assert six_days.band(at("2025-10-11T10:00")) is Band.WORK


def test_extra_holiday_and_workday_override_the_library() -> None:
    custom = default_working_time(
        extra_holidays=[date(2025, 9, 22), date(2025, 9, 28)],
        extra_workdays=[date(2025, 9, 20), date(2025, 10, 8)],
    )
    assert custom.band(at("2025-09-22T10:00")) is Band.AFTER_HOURS  # ordinary Monday, now off
    assert custom.band(at("2025-09-28T10:00")) is Band.AFTER_HOURS  # library make-up day, now off
    assert custom.day_kind(date(2025, 9, 20)) is DayKind.MAKEUP_WORKDAY
    assert custom.band(at("2025-09-20T10:00")) is Band.WORK  # ordinary Saturday, now worked
    assert custom.day_kind(date(2025, 10, 8)) is DayKind.WORKDAY  # library holiday, now worked
    assert custom.band(at("2025-10-08T10:00")) is Band.WORK


def test_calendar_none_ignores_statutory_holidays() -> None:
    plain = default_working_time(calendar="none")
    assert plain.band(at("2025-10-01T10:00")) is Band.WORK
    assert plain.band(at("2025-09-28T10:00")) is Band.AFTER_HOURS


def test_cn_outside_its_years_keeps_the_laws_festival_days_and_the_weekly_schedule() -> None:
    cn = make_calendar("cn")
    assert cn.covers(date(2025, 10, 1))
    assert not cn.covers(date(2035, 10, 1))
    assert not cn.covers(date(2003, 10, 1))
    # 2035 has no official schedule: National Day's three days are off by law, the rest of the
    # week follows the schedule (no bridging days, no make-up working days)
    for day in (1, 2, 3):
        assert cn.day_kind(date(2035, 10, day), weekday_has_work=True) is DayKind.HOLIDAY
    assert cn.day_kind(date(2035, 10, 4), weekday_has_work=True) is DayKind.WORKDAY
    assert cn.day_kind(date(2035, 10, 6), weekday_has_work=False) is DayKind.WEEKEND
    assert cn.day_kind(date(2035, 1, 1), weekday_has_work=True) is DayKind.HOLIDAY
    # before the current law the library's years end in 2004: a plain week
    assert cn.day_kind(date(2003, 10, 1), weekday_has_work=True) is DayKind.WORKDAY


def test_only_a_year_without_an_official_schedule_or_configured_days_is_provisional() -> None:
    cn = make_calendar("cn")
    assert not cn.provisional(date(2025, 10, 1))
    assert cn.provisional(date(2035, 10, 1))
    # an admin who entered the year's days has given its schedule
    entered = make_calendar("cn", extra_workdays=[date(2035, 9, 29)])
    assert not entered.provisional(date(2035, 10, 1))
    assert entered.provisional(date(2036, 10, 1))
    assert not make_calendar("none").provisional(date(2035, 10, 1))


def test_interval_ending_at_24_covers_the_last_minute() -> None:
    all_day = default_working_time(hours="sun 00:00-24:00", calendar="none")
    assert all_day.band(at("2025-09-21T23:59:59")) is Band.WORK
    assert all_day.band(at("2025-09-21T00:00")) is Band.WORK
    assert all_day.band(at("2025-09-22T00:00")) is Band.QUIET


def test_new_york_dst_shifts_the_utc_start_of_work() -> None:
    new_york = default_working_time(timezone="America/New_York", calendar="none")
    # 13:30 UTC is 08:30 EST on Friday 2025-03-07 but 09:30 EDT on Monday 2025-03-10.
    assert new_york.band(datetime(2025, 3, 7, 13, 30, tzinfo=UTC)) is Band.AFTER_HOURS
    assert new_york.band(datetime(2025, 3, 10, 13, 30, tzinfo=UTC)) is Band.WORK


def test_berlin_dst_end_shifts_the_utc_start_of_work() -> None:
    berlin = default_working_time(timezone="Europe/Berlin", calendar="none")
    # 07:30 UTC is 09:30 CEST on Friday 2025-10-24 but 08:30 CET on Monday 2025-10-27.
    assert berlin.band(datetime(2025, 10, 24, 7, 30, tzinfo=UTC)) is Band.WORK
    assert berlin.band(datetime(2025, 10, 27, 7, 30, tzinfo=UTC)) is Band.AFTER_HOURS


def test_utc_instant_is_converted_before_judging(default: WorkingTime) -> None:
    # 2025-09-22 01:30 UTC is 09:30 in Shanghai: work there, though 01:30 looks quiet.
    assert default.band(datetime(2025, 9, 22, 1, 30, tzinfo=UTC)) is Band.WORK


def test_naive_datetime_is_rejected(default: WorkingTime) -> None:
    with pytest.raises(ValueError, match="naive"):
        default.band(datetime(2025, 9, 22, 10, 0))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="naive"):
        default.local(datetime(2025, 9, 22, 10, 0))  # noqa: DTZ001


def test_quiet_hours_forms() -> None:
    assert QuietHours.parse("off").is_off
    assert not QuietHours.parse("none").contains(time(23, 30))
    daytime = QuietHours.parse("13:00-14:00")
    assert daytime.contains(time(13, 30))
    assert not daytime.contains(time(14, 0))
    to_midnight = QuietHours.parse("22:00-24:00")
    assert to_midnight.contains(time(23, 59))
    assert not to_midnight.contains(time(0, 30))


def test_quiet_off_leaves_only_work_and_after_hours() -> None:
    loud = default_working_time(quiet="off")
    assert loud.band(at("2025-09-22T23:30")) is Band.AFTER_HOURS


def test_describe_defaults() -> None:
    assert default_working_time().describe() == (
        "Asia/Shanghai, mon-fri 09:00-18:00, calendar cn, quiet 22:00-07:00"
    )


def test_describe_mentions_extra_days() -> None:
    custom = default_working_time(
        hours="mon-fri 08:30-12:00,14:00-18:00; sat 09:00-12:00",
        calendar="none",
        quiet="off",
        extra_holidays=[date(2025, 12, 24), date(2025, 12, 31)],
    )
    assert custom.describe() == (
        "Asia/Shanghai, mon-fri 08:30-12:00,14:00-18:00; sat 09:00-12:00, "
        "calendar none (+2 holidays), quiet off"
    )
    one_each = default_working_time(
        extra_holidays=[date(2025, 12, 24)], extra_workdays=[date(2025, 12, 27)]
    )
    assert "calendar cn (+1 holiday, +1 working day)" in one_each.describe()


def test_schedule_canonical_form() -> None:
    parsed = WeeklySchedule.parse("FRI,Mon, wed 14:00-18:00 , 08:30-12:00;saturday 09:00-12:00")
    assert str(parsed) == "mon,wed,fri 08:30-12:00,14:00-18:00; sat 09:00-12:00"
    assert parsed.days[1] == ()
    assert parsed.days[0] == (Interval(time(8, 30), time(12)), Interval(time(14), time(18)))


def test_clauses_for_the_same_day_add_up() -> None:
    parsed = WeeklySchedule.parse("mon-fri 09:00-12:00; mon 14:00-18:00")
    assert str(parsed) == "mon 09:00-12:00,14:00-18:00; tue-fri 09:00-12:00"


def test_none_schedule_never_works() -> None:
    idle = default_working_time(hours="none")
    assert str(idle.schedule) == "none"
    assert idle.band(at("2025-09-28T10:00")) is Band.AFTER_HOURS  # make-up day with no hours


@pytest.mark.parametrize(
    ("kwargs", "fragments"),
    [
        ({"timezone": "Mars/Olympus"}, ["'Mars/Olympus'", "Asia/Shanghai"]),
        ({"timezone": ""}, ["unknown time zone", "IANA"]),
        ({"timezone": "Asia"}, ["'Asia'", "Asia/Shanghai"]),
        ({"timezone": "Asia/" + "x" * 300}, ["unknown time zone", "Asia/Shanghai"]),
        ({"hours": "mon-fri 9-18"}, ["'9'", "HH:MM", "09:00-18:00"]),
        ({"hours": "mon-fri 18:00-09:00"}, ["'18:00-09:00'", "does not end after it starts"]),
        ({"hours": "mon-fri 09:00-09:00"}, ["does not end after it starts"]),
        ({"hours": "funday 09:00-18:00"}, ["'funday'", "not a day", "mon-fri"]),
        ({"hours": "fri-mon 09:00-18:00"}, ["'fri-mon'", "backwards"]),
        ({"hours": "mon-fri 09:00-12:00,11:00-13:00"}, ["overlap"]),
        ({"hours": "mon-fri"}, ["days and then intervals"]),
        ({"hours": "mon-fri 25:00-26:00"}, ["out of range"]),
        ({"hours": "mon-fri 24:00-24:00"}, ["'24:00'", "out of range"]),
        ({"calendar": "us"}, ["'us'", "'cn'", "'none'"]),
        ({"quiet": "22-7"}, ["quiet hours", "22:00-07:00"]),
        ({"quiet": "07:00-07:00"}, ["same time"]),
        (
            {"extra_holidays": [date(2025, 9, 22)], "extra_workdays": [date(2025, 9, 22)]},
            ["2025-09-22", "both"],
        ),
    ],
)
def test_bad_settings_raise_one_clear_sentence(
    kwargs: dict[str, object], fragments: list[str]
) -> None:
    with pytest.raises(WorkTimeError) as raised:
        default_working_time(**kwargs)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message
    assert "\n" not in message


def test_work_time_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown holiday calendar"):
        make_calendar("moon")


def test_datetimes_are_not_accepted_as_extra_days() -> None:
    with pytest.raises(WorkTimeError, match="calendar dates"):
        make_calendar("cn", extra_holidays=[datetime(2025, 10, 9, tzinfo=UTC)])


def test_interval_rejects_seconds() -> None:
    with pytest.raises(WorkTimeError, match="whole minute"):
        Interval(time(9, 0, 30), time(18))


def test_iso_weeks() -> None:
    assert iso_week(date(2025, 9, 22)) == "2025-W39"
    assert iso_week(date(2025, 9, 28)) == "2025-W39"
    assert iso_week(date(2024, 12, 30)) == "2025-W01"
    assert week_start("2025-W39") == date(2025, 9, 22)
    assert week_start("2025-W01") == date(2024, 12, 30)
    assert week_start("2020-W53") == date(2020, 12, 28)
    assert previous_weeks("2025-W02", 3) == ["2025-W01", "2024-W52", "2024-W51"]
    assert previous_weeks("2025-W39", 0) == []


@pytest.mark.parametrize("bad", ["2025-39", "2025-W54", "2021-W53", "2025-W00", "W39", ""])
def test_bad_week_strings(bad: str) -> None:
    with pytest.raises(WorkTimeError, match="2025-W39"):
        week_start(bad)


def test_previous_weeks_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        previous_weeks("2025-W39", -1)


def test_week_of_a_local_date_not_utc(default: WorkingTime) -> None:
    # Monday 00:30 in Shanghai is still Sunday in UTC: the local date decides the week.
    instant = datetime(2025, 9, 21, 16, 30, tzinfo=UTC)
    assert iso_week(default.local(instant).date()) == "2025-W39"
    assert iso_week(instant.date()) == "2025-W38"
    assert default.local(instant) - instant == timedelta(0)
