"""Rewrites of the store's append-only file at random times, besides the one after each flag.

A flag is followed by a rewrite of the append-only file (``Store.compact``), so that the file
never holds the order of flag writes. That rewrite is a trace of its own: the base file it writes
records its creation time, so one copy of the data directory would tell when the most recent flag
was stored. Rewrites at unpredictable times, with nothing to do with flags, make that moment one
of many: the newest rewrite may as well be one of these.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.context import App, BotContext

JOB_NAME = "cover-rewrite"


def cover_schedule(mean_minutes: float) -> tuple[timedelta, float] | None:
    """The fixed part of the gap between two cover rewrites and its random part in seconds,
    for gaps of ``mean_minutes`` on average (uniform between half and one and a half times
    the mean); None when they are switched off (0)."""
    if mean_minutes <= 0:
        return None
    mean = mean_minutes * 60
    return timedelta(seconds=mean / 2), mean


async def on_startup(app: App) -> None:
    """Start the cover rewrites (``FINGERTIP_COVER_REWRITE_MINUTES``)."""
    schedule = cover_schedule(app.bot_data.services.settings.cover_rewrite_minutes)
    if schedule is None or app.job_queue is None:
        return
    fixed, jitter = schedule
    # The job queue draws the random part anew for every gap (APScheduler's jitter).
    app.job_queue.run_repeating(
        _rewrite, interval=fixed, first=fixed, name=JOB_NAME, job_kwargs={"jitter": jitter}
    )


async def _rewrite(context: BotContext) -> None:
    await context.bot_data.services.store.compact()
