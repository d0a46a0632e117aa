"""The machine-readable digest (``fingertip audit --format json``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.digest import WeekDigest
from bot.core.labels import ALL_LABELS
from bot.core.repeats import summarise_repeats
from bot.core.worktime import Band


def week_summary(digest: WeekDigest) -> dict[str, Any]:
    """The week's identity, status and message counts: the leading keys of every export."""
    return {
        "week": digest.week,
        "start": digest.start.isoformat(),
        "end": digest.end.isoformat(),
        "complete": digest.complete,
        "status": digest.status.value,
        "messages": digest.messages,
        "after_hours_messages": digest.after_hours_messages,
        "quiet_hours_messages": digest.quiet_hours_messages,
    }


def week_to_dict(digest: WeekDigest) -> dict[str, Any]:
    """Return one week of a digest in the documented JSON shape (extra keys allowed).

    ``repeated_reports`` lists at most ``REPEATS_SHOWN`` requests (most repeated subjects
    first); ``repeated_report_summary`` counts all of them.
    """
    repeats = summarise_repeats(digest.repeated_reports)
    return {
        **week_summary(digest),
        "labels": {label.value: digest.labels[label] for label in ALL_LABELS},
        "exempt": digest.exempt_messages,
        "exempt_labels": {label.value: digest.exempt[label] for label in ALL_LABELS},
        "counted_labels": {label.value: digest.counted[label] for label in ALL_LABELS},
        "after_hours_task_push": digest.after_hours_task_push,
        "quiet_hours_task_push": digest.quiet_hours_task_push,
        "task_push_senders": digest.task_push_senders,
        "demands": digest.demands,
        "after_hours_demands": digest.after_hours_demands,
        "demand_senders": digest.demand_senders,
        "rest_day_demand_days": [day.isoformat() for day in digest.rest_day_demand_days],
        "provisional_holiday_years": list(digest.provisional_holiday_years),
        "acknowledgements": digest.acknowledgements,
        "repeated_reports": [
            {"message_id": r.message_id, "subject": r.subject} for r in repeats.shown
        ],
        "repeated_report_summary": {
            "total": repeats.total,
            "distinct_subjects": repeats.distinct_subjects,
            "shown": len(repeats.shown),
            "subjects": [{"subject": s.subject, "repeats": s.repeats} for s in repeats.subjects],
        },
        "routine": digest.routine,
        "trend": [
            {
                "week": point.week,
                "messages": point.messages,
                "demands": point.demands,
                "after_hours_task_push": point.after_hours_task_push,
            }
            for point in digest.trend
        ],
        "hour_matrix": [list(row) for row in digest.hour_matrix],
        "metrics": [
            {
                "id": m.id.value,
                "value": m.value,
                "warn": m.warn,
                "alert": m.alert,
                "comparison": m.comparison,
                "status": m.status.value,
                "reasons": [reason.value for reason in m.reasons],
                "provision": m.provision,
            }
            for m in digest.metrics
        ],
        "evidence": [
            {
                "message_id": e.message_id,
                "time": e.local_time,
                "after_hours": e.band is not Band.WORK,
                "band": e.band.value,
                "labels": [label.value for label in e.labels],
                "exempt": e.exempt,
                "excerpt": e.excerpt,
            }
            for e in digest.evidence
        ],
        "apps": [
            {
                "app": app.app,
                "demands": app.demands,
                "kinds": {kind.value: n for kind, n in app.kinds.items()},
                "after_hours": app.after_hours,
                "trend": list(app.trend),
            }
            for app in digest.apps
            if app.demands
        ],
        "platforms": dict(digest.platforms),
        "flags": (
            None
            if digest.flags is None
            else {
                "minimum_members": digest.flags.minimum,
                "labels": {k.value: v for k, v in digest.flags.by_label.items()},
                "texts": [{"label": t.label.value, "text": t.text} for t in digest.flags.texts],
                "apps": dict(digest.flags.by_app),
            }
        ),
    }


def audit_to_dict(
    group_id: int, group_name: str, timezone: str, working_time: str, digests: Sequence[WeekDigest]
) -> dict[str, Any]:
    """Return a whole audit: the group, the assumptions and every week's digest."""
    return {
        "group": {"id": group_id, "name": group_name},
        "timezone": timezone,
        "working_time": working_time,
        "weeks": [week_to_dict(digest) for digest in digests],
    }
