"""The digest as Telegram HTML messages (Jinja2, autoescaped), split at the length limit."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment

from bot.core.digest import Status, WeekDigest
from bot.core.worktime import WorkingTime
from bot.render.apps import app_lines
from bot.render.i18n import Translator
from bot.render.jinja import template_environment
from bot.render.names import label_name, metric_name
from bot.render.repeats import repeated_subjects
from bot.render.wording import describe_working_time, joined, week_figure

TELEGRAM_LIMIT = 4096
_TAG = re.compile(r"</?[bi]>")
_PARTIAL_ENTITY = re.compile(r"&[#\w]*$")
_STATUS_MARK = {Status.OK: "🟢", Status.WARN: "🟡", Status.ALERT: "🔴"}
_CONTINUATION = "    "


@cache
def _environment() -> Environment:
    return template_environment(app_lines=app_lines, mark=_STATUS_MARK)


def _render(template: str, language: str, **context: object) -> list[str]:
    text = _environment().get_template(template).render(_=Translator(language), **context)
    return split_html(_blocks(text))


def _blocks(text: str) -> list[str]:
    """Lines of rendered HTML, an indented line kept with the line above it."""
    blocks: list[str] = []
    for line in text.strip("\n").split("\n"):
        if line.startswith(_CONTINUATION) and blocks:
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return blocks


def digest_html(
    digest: WeekDigest, language: str, working_time: WorkingTime | None = None
) -> list[str]:
    """Return the digest as one or more Telegram HTML messages, each within the length limit.

    With ``working_time`` the assumed working time is worded in ``language``.
    """
    _ = Translator(language)
    flag_counts = ""
    if digest.flags is not None:
        flag_counts = ", ".join(
            f"{label_name(_, k)} {v}" for k, v in digest.flags.by_label.items()
        )
    return _render(
        "digest.html.jinja",
        language,
        d=digest,
        subjects=repeated_subjects(_, digest.repeated_reports),
        trend=joined(
            _,
            (
                f"{p.week}{_(': ')}{week_figure(_, p.messages, p.after_hours_task_push)}"
                for p in reversed(digest.trend)
            ),
        ),
        working_time=(
            digest.working_time if working_time is None else describe_working_time(_, working_time)
        ),
        flag_counts=flag_counts,
    )


def overview_html(digests: list[WeekDigest], language: str) -> list[str]:
    """One line per group: a leader's view across the groups they receive digests for."""
    _ = Translator(language)
    over = [
        ", ".join(metric_name(_, m.id) for m in digest.metrics if m.status is not Status.OK)
        for digest in digests
    ]
    return _render("overview.html.jinja", language, digests=digests, over=over)


def split_html(lines: list[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Join ``lines`` into messages of at most ``limit`` characters, never splitting a line.

    A single line longer than ``limit`` is cut at the limit with its tags removed, so every
    message stays well-formed HTML.
    """
    messages: list[str] = []
    current = ""
    for raw in lines:
        line = raw if len(raw) <= limit else _shorten(raw, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            messages.append(current)
            current = line
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def _shorten(line: str, limit: int) -> str:
    plain = _TAG.sub("", line)[: limit - 1]
    # Never leave half an entity such as "&am" at the cut.
    return _PARTIAL_ENTITY.sub("", plain) + "…"
