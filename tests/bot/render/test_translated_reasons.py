"""A refused argument's reason in the group's language: translated template, nested parts
translated too, the admin's words and command tokens inserted as they are."""

from __future__ import annotations

from bot.core.translatable import N_, Phrase
from bot.core.worktime import WorkingTime, WorkTimeError
from bot.render.i18n import Translator


def _quiet_error(quiet: str) -> WorkTimeError:
    try:
        WorkingTime.from_strings(
            timezone="UTC", hours="mon-fri 09:00-18:00", calendar="cn", quiet=quiet
        )
    except WorkTimeError as error:
        return error
    raise AssertionError(f"{quiet!r} was accepted")


def test_chinese_translates_every_nested_part() -> None:
    error = _quiet_error("22:00")
    assert Translator("zh").phrase(error.phrase) == (
        "静默时段“22:00”不是“开始-结束”的格式，例如写作 '22:00-07:00'（可跨午夜）或 'off'"
    )


def test_english_is_the_error_text() -> None:
    error = _quiet_error("22:00")
    assert Translator("en").phrase(error.phrase) == str(error)


def test_a_template_without_a_translation_stays_english() -> None:
    phrase = Phrase(N_("no such template {value}"), {"value": "{x}"})
    assert Translator("zh").phrase(phrase) == "no such template {x}"
