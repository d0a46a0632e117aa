"""The terminal report of ``fingertip audit`` (rich)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.core.digest import Status, WeekDigest
from bot.core.labels import ALL_LABELS
from bot.core.worktime import Band, WorkingTime
from bot.render.apps import app_lines
from bot.render.i18n import Translator
from bot.render.names import (
    WEEKDAY_NAMES,
    format_metric_number,
    headline,
    label_name,
    metric_name,
    reasons_text,
    status_name,
    threshold_text,
)
from bot.render.repeats import repeated_subjects
from bot.render.wording import describe_working_time, joined, week_figure

_STATUS_STYLE = {Status.OK: "green", Status.WARN: "yellow", Status.ALERT: "bold red"}
_SHADES = " ░▒▓█"


def print_audit(
    console: Console,
    group_name: str,
    working_time: WorkingTime,
    digests: Sequence[WeekDigest],
    language: str,
) -> None:
    """Print every week's digest of an audit, with the assumptions it was computed under."""
    _ = Translator(language)
    console.print(Text(_("Fingertip audit: {group}", group=group_name), style="bold"))
    console.print(
        _(
            "Assumed working time: {working_time}",
            working_time=describe_working_time(_, working_time),
        )
    )
    if not digests:
        console.print(_("No messages found in this chat."))
        return
    for digest in digests:
        console.print(render_week(digest, _))
    console.print(
        Text(
            _(
                "Statuses mark a possible conflict with the cited provision, not a verdict. "
                "Exempt messages (orders responding to a genuine emergency) are listed but "
                "not counted."
            ),
            style="dim",
        )
    )


def render_week(digest: WeekDigest, _: Translator) -> Panel:
    """Return one week's digest as a rich panel."""
    lines = headline(_, digest)
    parts: list[Text | Table] = [Text("\n".join(lines))]
    parts.append(_metrics_table(digest, _))
    if digest.status is not Status.OK:
        parts.append(_provisions(digest, _))
    parts.append(_labels_table(digest, _))
    if digest.repeated_reports:
        subjects = repeated_subjects(_, digest.repeated_reports)
        parts.append(Text(_("Asked for again: {subjects}", subjects=subjects)))
    apps = app_lines(_, digest)
    if apps:
        parts.append(Text(_("Apps") + "\n", style="bold") + Text("\n".join(apps)))
    parts.append(_trend_text(digest, _))
    parts.append(_heatmap(digest, _))
    if digest.flags is not None and digest.flags.by_label:
        flags = joined(_, (f"{label_name(_, k)} {v}" for k, v in digest.flags.by_label.items()))
        parts.append(
            Text(
                _(
                    "Anonymous flags (kinds flagged by at least {minimum} members): {flags}",
                    minimum=digest.flags.minimum,
                    flags=flags,
                )
            )
        )
    if digest.evidence:
        parts.append(_evidence(digest, _))
    title = _(
        "{week} ({start} – {end}): {status}",
        week=digest.week,
        start=digest.start.isoformat(),
        end=digest.end.isoformat(),
        status=status_name(_, digest.status),
    )
    return Panel(Group(*parts), title=title, border_style=_STATUS_STYLE[digest.status])


def _metrics_table(digest: WeekDigest, _: Translator) -> Table:
    # "fold" wraps Chinese (which has no spaces to break at) instead of cutting it to "…".
    table = Table(show_header=True, header_style="bold")
    table.add_column(_("metric"), overflow="fold", ratio=3)
    table.add_column(_("value"), justify="right", no_wrap=True)
    table.add_column(_("warn / alert"), justify="right", no_wrap=True)
    table.add_column(_("status"), overflow="fold", ratio=4)
    for result in digest.metrics:
        status = Text(status_name(_, result.status), style=_STATUS_STYLE[result.status])
        if result.reasons and result.status is not Status.OK:
            status.append(_(" ({reasons})", reasons=reasons_text(_, result)), style="dim")
        table.add_row(
            metric_name(_, result.id),
            format_metric_number(result.id, result.value),
            threshold_text(result),
            status,
        )
    return table


def _provisions(digest: WeekDigest, _: Translator) -> Text:
    """Each metric over its threshold, with the provision it may conflict with."""
    text = Text()
    for result in digest.metrics:
        if result.status is Status.OK:
            continue
        # No space after the bullet: a Chinese line has no other break, so it would wrap there.
        text.append(f"•{metric_name(_, result.id)}{_(': ')}", style=_STATUS_STYLE[result.status])
        text.append(_("possible conflict with: {provision}", provision=result.provision) + "\n")
    text.rstrip()
    return text


def _labels_table(digest: WeekDigest, _: Translator) -> Table:
    table = Table(show_header=True, header_style="bold", box=None)
    table.add_column(_("label"), overflow="fold")
    table.add_column(_("messages"), justify="right", overflow="fold")
    table.add_column(_("of which exempt"), justify="right", overflow="fold")
    for label in ALL_LABELS:
        table.add_row(label_name(_, label), str(digest.labels[label]), str(digest.exempt[label]))
    return table


def _trend_text(digest: WeekDigest, _: Translator) -> Text:
    points = joined(
        _,
        (
            f"{point.week}{_(': ')}" + week_figure(_, point.messages, point.after_hours_task_push)
            for point in reversed(digest.trend)
        ),
    )
    return Text(
        _(
            "After-hours task pushes in the previous 4 weeks: {points}; this week {now}",
            points=points,
            now=digest.after_hours_task_push,
        )
    )


def _heatmap(digest: WeekDigest, _: Translator) -> Text:
    peak = max((max(row) for row in digest.hour_matrix), default=0)
    text = Text(_("Demands by hour (00–23, local time):") + "\n", style="bold")
    for day, row in enumerate(digest.hour_matrix):
        cells = "".join(
            _SHADES[min(4, -(-count * 4 // peak))] if peak and count else "·" for count in row
        )
        text.append(f"{_(WEEKDAY_NAMES[day])} {cells}  {sum(row)}\n")
    return text


def _evidence(digest: WeekDigest, _: Translator) -> Text:
    text = Text(_("excerpt") + "\n", style="bold")
    text.append(_("☾ = sent outside working time") + "\n", style="dim")
    for item in digest.evidence:
        when = item.local_time + (" ☾" if item.band is not Band.WORK else "")
        labels = joined(_, (label_name(_, label) for label in item.labels))
        if item.exempt:
            labels += " " + _("(exempt)")
        text.append(f"{when}  ", style="bold")
        text.append(labels + "\n", style="dim")
        text.append(f"    {item.excerpt}\n")
    text.rstrip()
    return text
