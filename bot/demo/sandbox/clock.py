"""A clock tests and demos can set and advance by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.demo.sandbox.world import require_aware


class ManualClock:
    """A callable clock that returns a fixed aware time until moved.

    Pass it as ``Sandbox(clock=ManualClock(start))`` to make message dates and rate-limit
    windows deterministic.
    """

    def __init__(self, start: datetime) -> None:
        self._now = require_aware(start, "The clock's start")

    def __call__(self) -> datetime:
        """Return the current manual time."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by ``delta`` and return the new time."""
        if delta < timedelta(0):
            raise ValueError("A clock only moves forward; pass a non-negative timedelta.")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (an aware datetime), forwards or backwards."""
        self._now = require_aware(moment, "The new clock time")
