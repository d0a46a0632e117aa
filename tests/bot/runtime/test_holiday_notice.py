"""A start warns the operator ahead of days the holiday calendar has no official schedule for."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest
from chinese_calendar import constants

from bot.config.settings import default_settings
from bot.runtime.runner import HOLIDAY_NOTICE_DAYS, warn_of_missing_holiday_schedule

# The last year the installed chinesecalendar has a schedule for, and a start a month before
# the next one begins
LAST = max(day.year for day in constants.holidays)
BEFORE_NEXT = datetime(LAST, 12, 1, 4, 0, tzinfo=UTC)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_a_start_weeks_before_a_year_without_a_schedule_warns_once_naming_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.runtime.runner"):
        warn_of_missing_holiday_schedule(default_settings(), BEFORE_NEXT)
    (line,) = _warnings(caplog)
    assert f"{LAST + 1}-01-01" in line
    assert "FINGERTIP_EXTRA_HOLIDAYS" in line


def test_no_warning_inside_scheduled_years_without_a_calendar_or_once_days_are_entered(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert (date(LAST + 1, 1, 1) - BEFORE_NEXT.date()).days < HOLIDAY_NOTICE_DAYS
    entered = default_settings().model_copy(update={"extra_workdays": [date(LAST + 1, 2, 4)]})
    with caplog.at_level(logging.WARNING, logger="bot.runtime.runner"):
        warn_of_missing_holiday_schedule(default_settings(), datetime(LAST, 6, 1, tzinfo=UTC))
        warn_of_missing_holiday_schedule(
            default_settings().model_copy(update={"calendar": "none"}), BEFORE_NEXT
        )
        warn_of_missing_holiday_schedule(entered, BEFORE_NEXT)
    assert _warnings(caplog) == []
