"""A week whose holidays the calendar only stands in for says so in every rendering."""

from __future__ import annotations

import pytest

from bot.core.aggregates import WeekAggregate
from bot.render.i18n import Translator
from bot.render.json_report import week_to_dict
from bot.render.names import headline
from tests.support.builders import digest_of


def _notes(language: str, week: str) -> list[str]:
    lines = headline(Translator(language), digest_of(WeekAggregate(week=week)))
    return [line for line in lines if "/set holiday" in line]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_headline_names_the_year_and_how_to_add_its_days(language: str) -> None:
    # 2035: no chinesecalendar release will carry its schedule for years
    (line,) = _notes(language, "2035-W10")
    assert "2035" in line
    assert "/set workday" in line
    if language == "zh":
        assert "调休" in line
    assert _notes(language, "2025-W39") == []


def test_the_json_report_lists_the_provisional_years() -> None:
    spanning = week_to_dict(digest_of(WeekAggregate(week="2036-W01")))
    assert spanning["provisional_holiday_years"] == [2035, 2036]
    official = week_to_dict(digest_of(WeekAggregate(week="2025-W39")))
    assert official["provisional_holiday_years"] == []
