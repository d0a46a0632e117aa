"""Repeated report demands summarised for reports: every repeat counted, a ranked few kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.aggregates import RepeatedReport
from bot.core.repeats import summarise_repeats

repeats_lists = st.lists(
    st.builds(
        RepeatedReport, st.integers(1, 10_000), st.sampled_from(["表", "台账", "照片", "x"])
    ),
    max_size=120,
)


def test_most_repeated_subject_comes_first_then_earliest_message() -> None:
    repeats = [
        RepeatedReport(9, "台账"),
        RepeatedReport(3, "表"),
        RepeatedReport(7, "台账"),
        RepeatedReport(5, "台账"),
        RepeatedReport(1, "表"),
        RepeatedReport(2, "照片"),
    ]
    summary = summarise_repeats(repeats, limit=4, subject_limit=2)
    assert [r.message_id for r in summary.shown] == [5, 7, 9, 1]
    assert summary.total == 6
    assert summary.distinct_subjects == 3
    assert [(s.subject, s.repeats) for s in summary.subjects] == [("台账", 3), ("表", 2)]
    assert summary.subjects_not_shown == 1


def test_nothing_repeated_summarises_to_nothing() -> None:
    summary = summarise_repeats([])
    assert (summary.total, summary.distinct_subjects, summary.shown, summary.subjects) == (
        0,
        0,
        (),
        (),
    )


@given(repeats_lists, st.integers(0, 60))
def test_the_cap_keeps_a_subset_and_counts_everything(
    repeats: list[RepeatedReport], limit: int
) -> None:
    summary = summarise_repeats(repeats, limit=limit)
    assert len(summary.shown) == min(limit, len(repeats))
    assert set(summary.shown) <= set(repeats)
    assert summary.total == len(repeats)
    assert sum(s.repeats for s in summary.subjects) <= len(repeats)
    assert summary.distinct_subjects == len({r.subject for r in repeats})


@given(repeats_lists)
def test_the_ranking_does_not_depend_on_input_order(repeats: list[RepeatedReport]) -> None:
    assert summarise_repeats(repeats) == summarise_repeats(list(reversed(repeats)))
