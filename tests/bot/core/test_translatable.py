"""Errors that carry an English template and its values: ``str()`` is the English sentence the
command line and settings loading print, unchanged; the parts stay apart for translation."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import date

import pytest

from bot.core.apps.catalogue import CatalogueError, check_name
from bot.core.schedule import weekday_index
from bot.core.thresholds import ThresholdError, parse_metric
from bot.core.translatable import N_, Phrase, TranslatableError, phrase_of
from bot.core.worktime import WorkingTime, WorkTimeError, make_calendar, week_start


def test_the_english_text_fills_the_template_and_nested_phrases() -> None:
    inner = Phrase(N_("quiet hours {hours!r}"), {"hours": "22:00"})
    error = WorkTimeError(N_("{context} are not START-END"), context=inner)
    assert str(error) == "quiet hours '22:00' are not START-END"
    assert error.template == "{context} are not START-END"
    assert error.values == {"context": inner}


def test_braces_in_a_value_are_inserted_not_read_as_placeholders() -> None:
    error = TranslatableError(N_("unknown time zone {key!r}"), key="{0}{x}")
    assert str(error) == "unknown time zone '{0}{x}'"


def test_an_error_survives_pickling_with_its_parts() -> None:
    error = ThresholdError(N_("unknown metric {name!r}"), name="{x}")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ThresholdError
    assert (str(copy), copy.template, copy.values) == (str(error), error.template, error.values)


def test_phrase_of_keeps_the_parts_of_a_translatable_error_only() -> None:
    translatable = CatalogueError(N_("not a usable app name: {name!r}"), name="a|b")
    assert phrase_of(translatable) is translatable.phrase
    assert phrase_of(ValueError("plain")) == "plain"


@pytest.mark.parametrize(
    ("raises", "english"),
    [
        (
            lambda: WorkingTime.from_strings(
                timezone="Asia", hours="mon-fri 09:00-18:00", calendar="cn", quiet="off"
            ),
            "unknown time zone 'Asia'; use an IANA name such as 'Asia/Shanghai' or "
            "'Europe/Berlin'",
        ),
        (
            lambda: WorkingTime.from_strings(
                timezone="UTC", hours="mon-fri", calendar="cn", quiet="off"
            ),
            "working hours 'mon-fri' need days and then intervals; write e.g. "
            "'mon-fri 09:00-18:00' or 'mon-fri 08:30-12:00,14:00-18:00; sat 09:00-12:00'",
        ),
        (
            lambda: WorkingTime.from_strings(
                timezone="UTC", hours="mon-fri 09:00-18:00", calendar="cn", quiet="22:00-07:61"
            ),
            "quiet hours '22:00-07:61': '07:61' is out of range 00:00..23:59 (24:00 only as an "
            "end); e.g. '22:00-07:00' (may wrap midnight) or 'off'",
        ),
        (
            lambda: make_calendar("cn", [date(2025, 1, 1)], [date(2025, 1, 1)]),
            "2025-01-01 is listed both as an extra holiday and an extra working day; keep it in "
            "only one of the two lists",
        ),
        (
            lambda: week_start("2025-W60"),
            "'2025-W60' does not exist (weeks run 01..52, or 53 in long years); e.g. 2025-W39",
        ),
        (
            lambda: weekday_index("someday"),
            "unknown weekday 'someday'; use one of mon, tue, wed, thu, fri, sat, sun",
        ),
        (
            lambda: parse_metric("proof"),
            "unknown metric 'proof'; valid metrics are: after_hours_task_push, "
            "after_hours_demand_share, rest_day_demand_days, proof_demand, report_demand, "
            "ack_demand, app_demand, urgent_deadline",
        ),
        (lambda: check_name("a|b"), "not a usable app name: 'a|b' (1-40 characters)"),
    ],
)
def test_the_english_text_is_what_it_was(raises: Callable[[], object], english: str) -> None:
    """The sentences the command line printed before the errors became translatable."""
    with pytest.raises(TranslatableError) as raised:
        raises()
    assert str(raised.value) == english
    assert isinstance(raised.value, ValueError)


def test_weekday_index_still_raises_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown weekday"):
        weekday_index("someday")
