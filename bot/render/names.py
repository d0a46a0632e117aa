"""Human names of labels, metrics, statuses and reasons, through the translations."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.digest import MetricResult, Reason, Status, WeekDigest
from bot.core.labels import LABEL_TABLE, Label
from bot.core.metrics import MetricId
from bot.core.thresholds import DEFINITIONS
from bot.core.worktime import DAY_NAMES
from bot.render.i18n import Translator
from bot.render.wording import count_reason, joined

LABEL_NAMES: Mapping[Label, str] = {spec.label: spec.name for spec in LABEL_TABLE}
METRIC_NAMES: Mapping[MetricId, str] = {
    metric: definition.name for metric, definition in DEFINITIONS.items()
}
STATUS_NAMES: Mapping[Status, str] = {Status.OK: "ok", Status.WARN: "warn", Status.ALERT: "alert"}
REASON_NAMES: Mapping[Reason, str] = {
    Reason.COUNT: "count over threshold",
    Reason.QUIET_HOURS: "pushed in quiet hours",
    Reason.ROUTINE: "routine: after-hours pushes in 3 of the last 4 weeks",
    Reason.REPEATS: "the same form or data asked for again",
}
WEEKDAY_NAMES = tuple(day.title() for day in DAY_NAMES)
"""English weekday names, Monday first ("Mon" …), also their translation ids."""


def label_name(_: Translator, label: Label) -> str:
    """The translated name of ``label``."""
    return _(LABEL_NAMES[label])


def metric_name(_: Translator, metric: MetricId) -> str:
    """The translated name of ``metric``."""
    return _(METRIC_NAMES[metric])


def weekday_name(_: Translator, weekday: int) -> str:
    """The translated short name of ``weekday`` (Monday=0)."""
    return _(WEEKDAY_NAMES[weekday])


def status_name(_: Translator, status: Status) -> str:
    """The translated name of ``status``."""
    return _(STATUS_NAMES[status])


def format_metric_number(metric: MetricId, value: float | None) -> str:
    """Format a metric value or threshold: shares as percentages, counts as integers."""
    if value is None:
        return "–"
    if metric is MetricId.AFTER_HOURS_DEMAND_SHARE:
        return f"{value:.0%}"
    return f"{value:g}"


def threshold_text(result: MetricResult) -> str:
    """Return e.g. ">=3 / >=6": the warn and alert thresholds of ``result``."""
    warn = format_metric_number(result.id, result.warn)
    alert = format_metric_number(result.id, result.alert)
    return f"{result.comparison}{warn} / {result.comparison}{alert}"


def reasons_text(_: Translator, result: MetricResult) -> str:
    """The translated reasons behind a non-ok status, joined ("reached" or "over" as it was)."""
    return joined(
        _,
        (
            count_reason(_, result) if reason is Reason.COUNT else _(REASON_NAMES[reason])
            for reason in result.reasons
        ),
        strong=True,
    )


def headline(_: Translator, digest: WeekDigest) -> list[str]:
    """The plain-text summary lines every rendering of a digest starts with."""
    lines = [
        _(
            "Messages {messages}; outside working time {after} ({share}), "
            "of which in quiet hours {quiet}",
            messages=digest.messages,
            after=digest.after_hours_messages,
            share=f"{digest.after_hours_share:.0%}",
            quiet=digest.quiet_hours_messages,
        ),
        _(
            "Demands {demands} (outside working time {after}) from {senders} senders; "
            "acknowledgement replies {acks}; exempt messages {exempt}",
            demands=digest.demands,
            after=digest.after_hours_demands,
            senders=digest.demand_senders,
            acks=digest.acknowledgements,
            exempt=digest.exempt_messages,
        ),
    ]
    if digest.rest_day_demand_days:
        days = joined(_, (day.isoformat() for day in digest.rest_day_demand_days))
        lines.append(_("Weekend/holiday days with demands: {days}", days=days))
    if digest.provisional_holiday_years:
        years = joined(_, (str(year) for year in digest.provisional_holiday_years))
        lines.append(
            _(
                "No official holiday schedule for {years} yet: only the statutory festival days "
                "count as holidays, and make-up working days are unknown. An admin can add the "
                "published days with /set holiday and /set workday (for every group: "
                "FINGERTIP_EXTRA_HOLIDAYS and FINGERTIP_EXTRA_WORKDAYS).",
                years=years,
            )
        )
    if digest.routine:
        lines.append(_("After-hours task pushes happened in 3 of the last 4 weeks (routine)."))
    if not digest.complete:
        lines.append(_("This week is not over yet: figures so far."))
    return lines
