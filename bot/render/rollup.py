"""The leaders' roll-up as JSON (``audit --all --format json``) and as plain lines.

The lines are shared by the terminal report and the Telegram HTML roll-up (which escapes them).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from bot.core.rollup import SCORE_WEIGHTS, RollupWeek, Totals
from bot.render.apps import kind_name
from bot.render.i18n import Translator
from bot.render.names import label_name, metric_name, status_name
from bot.render.telegram_html import split_html
from bot.render.wording import joined

MAX_GROUP_LINES = 30
"""Groups listed by name in a Telegram roll-up; the rest are summed in the totals."""


def _totals_dict(totals: Totals) -> dict[str, Any]:
    return {
        "week": totals.week,
        "groups": totals.groups,
        "active_groups": totals.active_groups,
        "demands": totals.demands,
        "after_hours_demands": totals.after_hours_demands,
        "app_demands": totals.app_demands,
        "over": totals.over,
    }


def rollup_week_to_dict(rollup: RollupWeek) -> dict[str, Any]:
    """One roll-up week in the documented JSON shape (groups ranked by score)."""
    return {
        "week": rollup.week,
        "unit": rollup.unit,
        "groups": [
            {
                "chat": {"id": g.group_id, "name": g.name},
                "unit": g.unit,
                "score": g.score,
                "status": g.status.value,
                "routine": g.routine,
                "over": [metric.value for metric in g.over],
                "metrics": {metric.value: value for metric, value in g.metrics.items()},
                "demands": g.demands,
                "after_hours_demands": g.after_hours_demands,
                "apps": dict(g.apps),
                "flags": (None if g.flags is None else {k.value: v for k, v in g.flags.items()}),
                "flagged_apps": dict(g.flagged_apps),
                "provisional_holiday_years": list(g.provisional_holiday_years),
            }
            for g in rollup.groups
        ],
        "totals": _totals_dict(rollup.totals),
        "trend": [_totals_dict(t) for t in rollup.trend],
        "apps": [
            {
                "app": a.app,
                "groups": a.groups,
                "demands": a.demands,
                "after_hours": a.after_hours,
                "kinds": {kind.value: n for kind, n in a.kinds.items()},
                "flagged": a.flagged,
                "flag_groups": a.flag_groups,
            }
            for a in rollup.apps
        ],
        "flags": {
            "groups_shown": rollup.flag_groups,
            "labels": {k.value: v for k, v in rollup.flags_shown.items()},
        },
    }


def rollup_to_dict(weeks: Sequence[RollupWeek]) -> dict[str, Any]:
    """The ``rollup`` object of ``audit --all --format json``."""
    return {"score_weights": dict(SCORE_WEIGHTS), "weeks": [rollup_week_to_dict(w) for w in weeks]}


def rollup_lines(_: Translator, rollup: RollupWeek, limit: int = MAX_GROUP_LINES) -> list[str]:
    """The roll-up of one week as plain lines: totals, trend, ranked groups, apps, flags."""
    t = rollup.totals
    lines = [
        _(
            "{week}: {groups} groups ({active} active), {demands} demands, {after} outside "
            "working time, {over} groups over a threshold",
            week=rollup.week,
            groups=t.groups,
            active=t.active_groups,
            demands=t.demands,
            after=t.after_hours_demands,
            over=t.over if t.over is not None else 0,
        ),
        _(
            "Demands in the previous 4 weeks: {points}",
            points=", ".join(f"{p.week}: {p.demands}" for p in reversed(rollup.trend)) or "–",
        ),
    ]
    for rank, group in enumerate(rollup.groups[:limit], start=1):
        over = ", ".join(metric_name(_, metric) for metric in group.over)
        line = _(
            "{rank}. {name}: score {score}, {status}",
            rank=rank,
            name=group.name,
            score=group.score,
            status=status_name(_, group.status),
        )
        if group.routine:
            line += " · " + _("routine after-hours pushes")
        if over:
            line += f" ({over})"
        lines.append(line)
    if len(rollup.groups) > limit:
        lines.append(_("… and {n} more groups", n=len(rollup.groups) - limit))
    for app in rollup.apps[:10]:
        kinds = ", ".join(f"{kind_name(_, k)} {n}" for k, n in app.kinds.items()) or "–"
        line = _(
            "App {app}: burdens {groups} groups, {demands} demands ({kinds})",
            app=app.app,
            groups=app.groups,
            demands=app.demands,
            kinds=kinds,
        )
        if app.flagged:
            line += " · " + _(
                "named in anonymous flags by {members} members in {groups} groups",
                members=app.flagged,
                groups=app.flag_groups,
            )
        lines.append(line)
    if rollup.provisional_holiday_years:
        lines.append(
            _(
                "Some groups' holidays in {years} are provisional (no official schedule yet): "
                "their after-hours figures may be off.",
                years=joined(_, (str(year) for year in rollup.provisional_holiday_years)),
            )
        )
    if rollup.flag_groups:
        flags = ", ".join(f"{label_name(_, k)} {v}" for k, v in rollup.flags_shown.items())
        lines.append(
            _(
                "Anonymous flags in {n} groups that met the anonymity minimum: {flags}",
                n=rollup.flag_groups,
                flags=flags,
            )
        )
    return lines


def rollup_html(rollup: RollupWeek, language: str) -> list[str]:
    """The roll-up of one week as Telegram HTML messages (every inserted text escaped)."""
    _ = Translator(language)
    title = _("Roll-up: {unit}", unit=rollup.unit or _("all groups"))
    lines = [f"<b>{escape(title)}</b>", *(escape(line) for line in rollup_lines(_, rollup))]
    return split_html(lines)
