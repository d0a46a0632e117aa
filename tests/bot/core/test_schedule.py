"""Which week's digest is due, in the group's local time."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.core.schedule import due_week, ptb_day, weekday_index
from bot.core.worktime import iso_week, week_start

SHANGHAI = ZoneInfo("Asia/Shanghai")
NINE = time(9, 0)


def test_the_previous_week_is_due_from_monday_nine() -> None:
    before = datetime(2025, 9, 29, 8, 59, tzinfo=SHANGHAI)
    at = datetime(2025, 9, 29, 9, 0, tzinfo=SHANGHAI)
    assert due_week(at, 0, NINE) == "2025-W39"
    assert due_week(before, 0, NINE) == "2025-W38"


def test_a_friday_digest_is_due_on_the_following_friday() -> None:
    thursday = datetime(2025, 10, 2, 12, tzinfo=SHANGHAI)
    friday = datetime(2025, 10, 3, 18, tzinfo=SHANGHAI)
    assert due_week(thursday, 4, time(17)) == "2025-W38"
    assert due_week(friday, 4, time(17)) == "2025-W39"


def test_weekday_numbering_for_the_job_queue() -> None:
    assert [ptb_day(d) for d in range(7)] == [1, 2, 3, 4, 5, 6, 0]
    assert weekday_index("Monday") == 0
    assert weekday_index("sun") == 6


# Hypothesis takes naive bounds and attaches the zone itself.
FIRST = datetime(2024, 1, 1)  # noqa: DTZ001
LAST = datetime(2026, 12, 31)  # noqa: DTZ001


@given(
    st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.just(SHANGHAI)),
    st.integers(min_value=0, max_value=6),
    st.times(),
)
def test_the_due_week_has_ended_and_is_the_latest_due(
    now: datetime, weekday: int, at: time
) -> None:
    week = due_week(now, weekday, at)
    end = week_start(week) + timedelta(days=7)
    due = datetime.combine(end + timedelta(days=weekday), at, SHANGHAI)
    assert end <= now.date()
    assert due <= now
    next_due = due + timedelta(weeks=1)
    assert next_due > now
    assert iso_week(week_start(week)) == week
