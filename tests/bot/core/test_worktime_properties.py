"""Property tests for the working-time calendar: bands, parsing round trips, ISO weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.core.worktime import (
    Band,
    DayKind,
    Interval,
    QuietHours,
    WeeklySchedule,
    WorkingTime,
    iso_week,
    make_calendar,
    previous_weeks,
    week_start,
)

ZONES = [
    "Asia/Shanghai",
    "Europe/Berlin",
    "America/New_York",
    "UTC",
    "Asia/Kolkata",
    "America/St_Johns",
    "Australia/Lord_Howe",
]


def minute_to_time(minute: int) -> time:
    return time(0) if minute == 1440 else time(minute // 60, minute % 60)


@st.composite
def day_intervals(draw: st.DrawFn) -> tuple[Interval, ...]:
    edges = sorted(draw(st.sets(st.integers(0, 1440), max_size=6)))
    if len(edges) % 2:
        edges = edges[:-1]
    return tuple(
        Interval(minute_to_time(start), minute_to_time(end))
        for start, end in zip(edges[::2], edges[1::2], strict=True)
    )


schedules = st.lists(day_intervals(), min_size=7, max_size=7).map(
    lambda days: WeeklySchedule(days=tuple(days))
)
quiet_hours = st.one_of(
    st.just(QuietHours.parse("off")),
    st.tuples(st.integers(0, 1439), st.integers(0, 1439))
    .filter(lambda pair: pair[0] != pair[1])
    .map(lambda pair: QuietHours(minute_to_time(pair[0]), minute_to_time(pair[1]))),
)
days_2025 = st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 12, 31))


@st.composite
def working_times(draw: st.DrawFn) -> WorkingTime:
    extra = draw(st.lists(days_2025, max_size=6, unique=True))
    split = draw(st.integers(0, len(extra)))
    return WorkingTime(
        timezone=ZoneInfo(draw(st.sampled_from(ZONES))),
        schedule=draw(schedules),
        calendar=make_calendar(
            draw(st.sampled_from(["cn", "none"])),
            extra_holidays=extra[:split],
            extra_workdays=extra[split:],
        ),
        quiet=draw(quiet_hours),
    )


instants = st.datetimes(
    min_value=datetime(2003, 6, 1),  # noqa: DTZ001 - hypothesis bounds are naive by design
    max_value=datetime(2027, 6, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


def second_of_day(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def in_intervals(intervals: tuple[Interval, ...], t: time) -> bool:
    """Minute arithmetic, independent of Interval.contains."""
    seconds = second_of_day(t)
    return any(iv.start_minute * 60 <= seconds < iv.end_minute * 60 for iv in intervals)


def in_quiet(quiet: QuietHours, t: time) -> bool:
    start, end, now = (second_of_day(x) for x in (quiet.start, quiet.end, t))
    if start == end:
        return False
    return (start <= now < end) if start < end else (now >= start or now < end)


def expected_intervals(wt: WorkingTime, d: date) -> tuple[Interval, ...]:
    kind = wt.day_kind(d)
    if kind is DayKind.WORKDAY:
        return wt.schedule.days[d.weekday()]
    if kind is DayKind.MAKEUP_WORKDAY:
        return next((day for day in wt.schedule.days if day), ())
    return ()


@st.composite
def at_an_edge(draw: st.DrawFn) -> tuple[WorkingTime, datetime]:
    """A working time and an instant whose local wall clock sits on (or a second before) one of
    its interval or quiet-hour edges, where off-by-one mistakes live."""
    wt = draw(working_times())
    edges = {edge for day in wt.schedule.days for iv in day for edge in (iv.start, iv.end)}
    edges |= {wt.quiet.start, wt.quiet.end}
    edge = draw(st.sampled_from(sorted(edges)))
    local = datetime.combine(draw(days_2025), edge, wt.timezone)
    local -= timedelta(seconds=draw(st.sampled_from([0, 1])))
    return wt, local.astimezone(UTC)


def assert_band_matches_definition(wt: WorkingTime, instant: datetime) -> None:
    local = instant.astimezone(wt.timezone)
    wall = local.time()
    working = in_intervals(expected_intervals(wt, local.date()), wall)
    quiet = in_quiet(wt.quiet, wall)
    band = wt.band(instant)
    assert (band is Band.WORK) == working
    assert (band is Band.QUIET) == (quiet and not working)
    assert (band is Band.AFTER_HOURS) == (not quiet and not working)


@given(working_times(), instants)
def test_band_matches_its_definition(wt: WorkingTime, instant: datetime) -> None:
    assert_band_matches_definition(wt, instant)


@given(at_an_edge())
def test_band_matches_its_definition_at_edges(case: tuple[WorkingTime, datetime]) -> None:
    assert_band_matches_definition(*case)


@given(working_times(), instants)
def test_work_only_on_working_days(wt: WorkingTime, instant: datetime) -> None:
    local_day = wt.local(instant).date()
    if wt.band(instant) is Band.WORK:
        assert wt.day_kind(local_day) in {DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY}
    if wt.day_kind(local_day) in {DayKind.WEEKEND, DayKind.HOLIDAY}:
        assert wt.band(instant) is not Band.WORK


@given(working_times(), instants)
def test_quiet_only_outside_work(wt: WorkingTime, instant: datetime) -> None:
    local = wt.local(instant)
    if wt.band(instant) is Band.QUIET:
        assert wt.quiet.contains(local.time())
        assert not any(iv.contains(local.time()) for iv in wt.intervals_on(local.date()))


@given(working_times(), instants, st.sampled_from(ZONES))
def test_same_instant_in_any_zone_has_the_same_band(
    wt: WorkingTime, instant: datetime, other_zone: str
) -> None:
    expected = wt.band(instant)
    assert wt.band(instant.astimezone(ZoneInfo(other_zone))) is expected
    assert wt.band(instant.astimezone(wt.timezone)) is expected


@given(working_times(), st.datetimes())
def test_naive_datetimes_are_rejected(wt: WorkingTime, naive: datetime) -> None:
    try:
        wt.band(naive)
    except ValueError as error:
        assert "naive" in str(error)
    else:
        raise AssertionError("a naive datetime was accepted")


@given(schedules)
def test_schedule_round_trips_through_its_text(schedule: WeeklySchedule) -> None:
    text = str(schedule)
    assert WeeklySchedule.parse(text) == schedule
    assert str(WeeklySchedule.parse(text.upper())) == text


@given(quiet_hours)
def test_quiet_hours_round_trip_through_text(quiet: QuietHours) -> None:
    assert QuietHours.parse(str(quiet)) == quiet


@given(st.dates(min_value=date(1900, 1, 8), max_value=date(2900, 1, 1)), st.integers(0, 60))
def test_iso_week_helpers_agree(d: date, n: int) -> None:
    week = iso_week(d)
    monday = week_start(week)
    assert monday.weekday() == 0
    assert monday <= d < monday + timedelta(days=7)
    earlier = previous_weeks(week, n)
    assert len(earlier) == n
    assert [week_start(w) for w in earlier] == [
        monday - timedelta(weeks=k) for k in range(1, n + 1)
    ]
