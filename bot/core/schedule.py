"""When a weekly digest is due: pure calendar arithmetic in a group's local time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.core.translatable import N_
from bot.core.worktime import DAY_NAMES, WorkTimeError, iso_week


def weekday_index(name: str) -> int:
    """Return 0 for "mon" … 6 for "sun"; raise ``WorkTimeError`` (a ``ValueError``) for
    anything else."""
    try:
        return DAY_NAMES.index(name.strip().lower()[:3])
    except ValueError:
        raise WorkTimeError(
            N_("unknown weekday {name!r}; use one of {days}"), name=name, days=", ".join(DAY_NAMES)
        ) from None


def ptb_day(weekday: int) -> int:
    """Convert Monday=0 to python-telegram-bot's JobQueue numbering (Sunday=0)."""
    return (weekday + 1) % 7


def due_week(local_now: datetime, weekday: int, at: time) -> str:
    """Return the ISO week whose digest is due most recently at ``local_now``.

    The digest of week W is due on ``weekday`` at ``at`` in the week after W (by default Monday
    09:00); before that moment in the current week, the latest due digest is the one of two weeks
    back.
    """
    monday = local_now.date() - timedelta(days=local_now.weekday())
    due_this_week = datetime.combine(monday + timedelta(days=weekday), at, local_now.tzinfo)
    weeks_back = 1 if local_now >= due_this_week else 2
    return iso_week(monday - timedelta(weeks=weeks_back))
