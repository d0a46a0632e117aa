"""Wording that depends on the figures: reached versus over a threshold, separators per
language, the working time in words, and "no data" for weeks without messages."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.digest import MetricResult
from bot.core.metrics import Comparison
from bot.core.worktime import WorkingTime
from bot.render.i18n import Translator


def joined(_: Translator, parts: Iterable[str], *, strong: bool = False) -> str:
    """``parts`` joined with the language's list separator ("，"/", ") or, when ``strong``,
    its clause separator ("；"/"; ")."""
    return (_("; ") if strong else _(", ")).join(parts)


def count_reason(_: Translator, result: MetricResult) -> str:
    """Why the count itself set the status: it *reached* the threshold (equal to it, under a
    ">=" rule) or went *over* it."""
    comparison = Comparison(result.comparison)
    threshold = result.alert if comparison.reached(result.value, result.alert) else result.warn
    if threshold is not None and result.value == threshold:
        return _("count reached the threshold")
    return _("count over the threshold")


def describe_working_time(_: Translator, working_time: WorkingTime) -> str:
    """The working time in words of ``_``'s language, e.g. "Asia/Shanghai, mon-fri 09:00-18:00,
    holiday calendar cn, quiet hours 22:00-07:00". The schedule keeps the syntax of the
    setting, so a reader can copy it into ``/set hours``."""
    calendar = _("holiday calendar {name}", name=working_time.calendar.name)
    extras = [
        _("{count} extra holidays", count=len(working_time.calendar.extra_holidays)),
        _("{count} extra working days", count=len(working_time.calendar.extra_workdays)),
    ]
    counts = (len(working_time.calendar.extra_holidays), len(working_time.calendar.extra_workdays))
    shown = [text for text, count in zip(extras, counts, strict=True) if count]
    if shown:
        calendar += _(" ({extras})", extras=joined(_, shown))
    quiet = (
        _("no quiet hours")
        if working_time.quiet.is_off
        else _("quiet hours {band}", band=str(working_time.quiet))
    )
    return joined(_, [working_time.timezone.key, str(working_time.schedule), calendar, quiet])


def week_figure(_: Translator, messages: int, value: int) -> str:
    """A past week's figure, or "no data" when the week had no messages at all (before the
    export begins, or before the bot joined): a zero there would read as "no pushes"."""
    return str(value) if messages else _("no data")
