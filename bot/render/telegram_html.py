"""The digest as Telegram HTML messages: every piece of user text escaped, split at the limit."""

from __future__ import annotations

import re
from html import escape

from bot.digest import Status, WeekDigest
from bot.i18n import Translator
from bot.labels import ALL_LABELS
from bot.render.names import (
    format_metric_number,
    headline,
    label_name,
    metric_name,
    reasons_text,
    status_name,
    threshold_text,
)
from bot.worktime import Band

TELEGRAM_LIMIT = 4096
_TAG = re.compile(r"</?[bi]>")
_PARTIAL_ENTITY = re.compile(r"&[#\w]*$")
_STATUS_MARK = {Status.OK: "🟢", Status.WARN: "🟡", Status.ALERT: "🔴"}


def digest_html(digest: WeekDigest, language: str) -> list[str]:
    """Return the digest as one or more Telegram HTML messages, each within the length limit."""
    _ = Translator(language)
    lines = [
        "<b>" + escape(_("Fingertip weekly digest: {group}", group=digest.group_name)) + "</b>",
        escape(
            _(
                "{week} ({start} – {end}): {status}",
                week=digest.week,
                start=digest.start.isoformat(),
                end=digest.end.isoformat(),
                status=status_name(_, digest.status),
            )
        ),
        "<i>"
        + escape(_("Assumed working time: {working_time}", working_time=digest.working_time))
        + "</i>",
    ]
    lines.extend(escape(line) for line in headline(_, digest))
    lines.extend(["", "<b>" + escape(_("metric")) + "</b>"])
    for result in digest.metrics:
        line = (
            f"{_STATUS_MARK[result.status]} {escape(metric_name(_, result.id))}: "
            f"<b>{format_metric_number(result.id, result.value)}</b> "
            f"({escape(threshold_text(result))})"
        )
        if result.status is not Status.OK:
            conflict = _("possible conflict with: {provision}", provision=result.provision)
            line += f"\n    {escape(reasons_text(_, result))}. {escape(conflict)}"
        lines.append(line)
    lines.extend(["", "<b>" + escape(_("labels")) + "</b>"])
    for label in ALL_LABELS:
        exempt = digest.exempt[label]
        extra = f" ({escape(_('of which exempt'))} {exempt})" if exempt else ""
        lines.append(f"• {escape(label_name(_, label))}: {digest.labels[label]}{extra}")
    if digest.repeated_reports:
        subjects = "; ".join(f"“{r.subject}”" for r in digest.repeated_reports)
        lines.append(escape(_("Asked for again: {subjects}", subjects=subjects)))
    points = ", ".join(f"{p.week}: {p.after_hours_task_push}" for p in reversed(digest.trend))
    lines.append(
        escape(
            _(
                "After-hours task pushes in the previous 4 weeks: {points}; this week {now}",
                points=points,
                now=digest.after_hours_task_push,
            )
        )
    )
    lines.extend(_flag_lines(digest, _))
    if digest.evidence:
        lines.extend(["", "<b>" + escape(_("excerpt")) + "</b>"])
        for item in digest.evidence:
            moon = " ☾" if item.band is not Band.WORK else ""
            mark = " " + escape(_("(exempt)")) if item.exempt else ""
            lines.append(f"{escape(item.local_time)}{moon}{mark}: <i>{escape(item.excerpt)}</i>")
    lines.extend(
        [
            "",
            "<i>"
            + escape(
                _(
                    "Statuses mark a possible conflict with the cited provision, not a verdict. "
                    "Exempt messages (emergencies, duty rosters) are listed but not counted."
                )
            )
            + "</i>",
        ]
    )
    return split_html(lines)


def _flag_lines(digest: WeekDigest, _: Translator) -> list[str]:
    if digest.flags is not None:
        counts = ", ".join(f"{label_name(_, k)} {v}" for k, v in digest.flags.by_label.items())
        lines = [escape(_("Anonymous flags: {flags}", flags=counts))]
        lines.extend(f"• <i>{escape(text)}</i>" for text in digest.flags.texts)
        return lines
    if digest.flags_withheld:
        return [escape(_("Anonymous flags were received from too few members to be shown."))]
    return []


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


def overview_html(digests: list[WeekDigest], language: str) -> list[str]:
    """One line per group: a leader's view across the groups they receive digests for."""
    _ = Translator(language)
    lines = ["<b>" + escape(_("Fingertip overview of your groups")) + "</b>"]
    for digest in digests:
        over = [
            escape(metric_name(_, result.id))
            for result in digest.metrics
            if result.status is not Status.OK
        ]
        lines.append(
            f"{_STATUS_MARK[digest.status]} <b>{escape(digest.group_name)}</b> "
            f"({escape(digest.week)}): "
            + escape(
                _(
                    "{messages} messages, {demands} demands, {after} after-hours task pushes",
                    messages=digest.messages,
                    demands=digest.demands,
                    after=digest.after_hours_task_push,
                )
            )
            + (f"\n    {', '.join(over)}" if over else "")
        )
    if len(lines) == 1:
        lines.append(escape(_("You do not receive the digest of any group yet.")))
    return split_html(lines)
