"""Survive a store outage without losing group messages.

While the store cannot be reached, messages wait in a bounded queue in memory, in arrival order,
and a background task replays them once the store answers again. Replaying is safe because
ingesting is idempotent per message id. Every message received during an outage is either
counted later or counted in ``fingertip_messages_dropped``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.core.context import ContextMessage
from bot.core.observation import IncomingMessage
from bot.usecases.metrics import Metrics
from storage.base import StoreError

log = logging.getLogger(__name__)

MAX_QUEUED = 10_000
"""Messages held during an outage; later ones are dropped (a full week of a busy group fits)."""
FIRST_RETRY_SECONDS = 0.2
LAST_RETRY_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class HeldMessage:
    """A group message waiting for the store: as observed, and as its conversation sees it."""

    incoming: IncomingMessage
    context: ContextMessage


Count = Callable[[HeldMessage], Awaitable[None]]
Ping = Callable[[], Awaitable[bool]]


@dataclass
class Outage:
    """The queue of messages waiting for the store, and the task that replays them."""

    limit: int = MAX_QUEUED
    queue: deque[HeldMessage] = field(default_factory=deque)
    dropped: int = 0
    _since: float | None = None
    _replay: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        """Whether messages are being held for the store."""
        return self._since is not None

    def begin(self, error: StoreError, count: Count, ping: Ping, metrics: Metrics) -> None:
        """Start holding messages and retrying until ``ping``; logs one line per outage."""
        if self.active:
            return
        self._since = time.monotonic()
        self.dropped = 0
        log.warning(
            "store unreachable (%s); holding up to %d group messages until it is back",
            error,
            self.limit,
        )
        self._replay = asyncio.create_task(self._replay_when_back(count, ping, metrics))

    def hold(self, message: HeldMessage, metrics: Metrics) -> None:
        """Queue ``message`` for the replay, or drop it (counted) when the queue is full."""
        if len(self.queue) >= self.limit:
            self.dropped += 1
            metrics.dropped.inc()
            return
        self.queue.append(message)
        metrics.queued.set(len(self.queue))

    async def _replay_when_back(self, count: Count, ping: Ping, metrics: Metrics) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            await asyncio.sleep(delay)
            delay = min(delay * 2, LAST_RETRY_SECONDS)
            if not await ping():
                continue
            try:
                while self.queue:
                    await count(self.queue[0])
                    self.queue.popleft()
                    metrics.queued.set(len(self.queue))
            except StoreError:
                continue  # down again: keep the rest, keep retrying
            self._end()
            return

    def _end(self) -> None:
        since = self._since or time.monotonic()
        log.warning(
            "store back after %.0f s; the held messages are counted (%d dropped)",
            time.monotonic() - since,
            self.dropped,
        )
        self._since = None
        self._replay = None

    def abandon(self) -> None:
        """At shutdown: stop retrying and say in one line how many held messages are lost."""
        if self._replay is not None:
            self._replay.cancel()
        if self.queue:
            log.warning(
                "stopping with %d group messages not counted: the store did not come back",
                len(self.queue),
            )
            self.queue.clear()
        self._since = None
        self._replay = None

    async def wait_until_replayed(self) -> None:
        """Return once no messages are held (at once when there is no outage)."""
        replay = self._replay
        if replay is not None:
            await asyncio.shield(replay)
