"""Which app demand a message chases.

``AppTrail`` serves readers that see a chat in order (the export audit); the live bot gets the
same ``ChasedApps`` from the demands of its conversation context state (``chased_in_state``),
which keep their apps' names. Both follow the same rules.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.apps.demand import NO_CHASE, AppDemand, ChasedApps, Role
from bot.core.context.model import Demand

FOLLOW_WINDOW = timedelta(hours=24)
"""A demand naming no app follows the latest app demand sent at most this long before it."""
REMEMBERED_DEMANDS = 512


@dataclass
class AppTrail:
    """The apps of recent app demands of one chat, by message id (bounded, in memory)."""

    by_message: OrderedDict[int, tuple[str, ...]] = field(default_factory=OrderedDict)
    latest: tuple[datetime, tuple[str, ...]] | None = None

    def chased(self, reply_to: int | None, sent_at: datetime) -> ChasedApps:
        """The apps a message sent at ``sent_at``, replying to ``reply_to``, may chase."""
        if reply_to is not None:
            # A reply is anchored to what it answers: it chases that message's apps or none.
            replied = self.by_message.get(reply_to, ())
            return ChasedApps(replied=replied) if replied else NO_CHASE
        recent: tuple[str, ...] = ()
        if self.latest is not None and timedelta(0) <= sent_at - self.latest[0] <= FOLLOW_WINDOW:
            recent = self.latest[1]
        return ChasedApps(recent=recent) if recent else NO_CHASE

    def remember(self, message_id: int, sent_at: datetime, demands: tuple[AppDemand, ...]) -> None:
        """Record the burden apps of a message, so later replies and follow-ups can chase it."""
        apps = tuple(d.app for d in demands if d.role is Role.BURDEN)
        if not apps:
            return
        self.by_message[message_id] = apps
        self.by_message.move_to_end(message_id)
        while len(self.by_message) > REMEMBERED_DEMANDS:
            self.by_message.popitem(last=False)
        self.latest = (sent_at, apps)


def chased_in_state(
    demands: Sequence[Demand], reply_to: int | None, sent_at: datetime
) -> ChasedApps:
    """The apps a message may chase, from a group's remembered demands (oldest first).

    As ``AppTrail.chased``: a reply chases the apps of the demand it replies to, or none; any
    other message those of the latest app demand sent at most ``FOLLOW_WINDOW`` before it.
    """
    if reply_to is not None:
        replied = next((d.apps for d in reversed(demands) if d.message_id == reply_to), ())
        return ChasedApps(replied=replied) if replied else NO_CHASE
    for demand in reversed(demands):
        if demand.apps:
            if timedelta(0) <= sent_at - demand.sent_at <= FOLLOW_WINDOW:
                return ChasedApps(recent=demand.apps)
            break
    return NO_CHASE
