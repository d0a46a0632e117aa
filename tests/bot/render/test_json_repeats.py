"""The JSON report caps the repeated report demands it lists and summarises them all."""

from __future__ import annotations

from bot.core.aggregates import RepeatedReport, WeekAggregate
from bot.core.digest import WeekDigest
from bot.core.labels import Label
from bot.core.repeats import REPEATS_SHOWN
from bot.core.worktime import Band
from bot.render.i18n import Translator
from bot.render.json_report import week_to_dict
from bot.render.text_report import render_week
from tests.support.builders import digest_of

SUBJECTS = ["走访台账", "统计表", "照片"]


def digest_with_repeats(count: int) -> WeekDigest:
    repeats = tuple(RepeatedReport(i + 1, SUBJECTS[i % 7 % 3]) for i in range(count))
    current = WeekAggregate(
        week="2025-W39",
        messages=count * 2,
        counted={(Label.REPORT_DEMAND, Band.WORK): count},
        demands_by_band={Band.WORK: count},
        repeated_reports=repeats,
    )
    return digest_of(current)


def test_json_lists_at_most_the_cap_and_counts_every_repeat() -> None:
    week = week_to_dict(digest_with_repeats(700))
    assert len(week["repeated_reports"]) == REPEATS_SHOWN
    summary = week["repeated_report_summary"]
    assert summary["total"] == 700
    assert summary["shown"] == REPEATS_SHOWN
    assert summary["distinct_subjects"] == len(SUBJECTS)
    counts = {s["subject"]: s["repeats"] for s in summary["subjects"]}
    assert sum(counts.values()) == 700
    top = max(counts, key=lambda subject: counts[subject])
    assert {r["subject"] for r in week["repeated_reports"]} == {top}


def test_a_short_list_is_listed_whole() -> None:
    week = week_to_dict(digest_with_repeats(4))
    assert sorted(r["message_id"] for r in week["repeated_reports"]) == [1, 2, 3, 4]
    assert week["repeated_report_summary"]["total"] == 4


def test_text_report_names_each_subject_once_with_its_count() -> None:
    from rich.console import Console

    console = Console(record=True, width=200)
    console.print(render_week(digest_with_repeats(90), Translator("en")))
    text = console.export_text()
    line = next(line for line in text.splitlines() if "Asked for again" in line)
    for subject in SUBJECTS:
        assert line.count(f"“{subject}”") == 1
    assert "×" in line
