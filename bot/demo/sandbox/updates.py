"""One bot's queue of pending updates, with update ids and long-poll waiting."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.constants import UpdateType

# What Telegram delivers when a bot never asked for specific update types.
DEFAULT_ALLOWED_UPDATES = frozenset(
    str(kind)
    for kind in UpdateType
    if kind
    not in {UpdateType.CHAT_MEMBER, UpdateType.MESSAGE_REACTION, UpdateType.MESSAGE_REACTION_COUNT}
)


@dataclass(frozen=True)
class QueuedUpdate:
    """An update waiting for the bot, with its type (``"message"``, ``"callback_query"``...)."""

    kind: str
    update: Update


class UpdateQueue:
    """Pending updates of one bot, confirmed the way getUpdates' ``offset`` confirms them."""

    def __init__(self, first_update_id: int = 1) -> None:
        self._pending: list[QueuedUpdate] = []
        self._next_update_id = first_update_id
        self._waiters: list[asyncio.Future[None]] = []
        self._closed = False
        self.allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES

    @property
    def pending(self) -> list[QueuedUpdate]:
        """A copy of the updates not confirmed yet, oldest first."""
        return list(self._pending)

    @property
    def waiting(self) -> int:
        """How many getUpdates long-polls are waiting right now."""
        return sum(1 for waiter in self._waiters if not waiter.done())

    def push(self, kind: str, payload: Any) -> Update:
        """Append an update carrying ``payload`` under the field ``kind``; wake long-polls."""
        update = Update(update_id=self._next_update_id, **{kind: payload})
        self._next_update_id += 1
        self._pending.append(QueuedUpdate(kind, update))
        self._wake()
        return update

    def set_allowed(self, kinds: Iterable[str] | None) -> None:
        """Remember which update types the bot wants; an empty list means the default set."""
        chosen = frozenset(kinds or ())
        self.allowed_updates = chosen or DEFAULT_ALLOWED_UPDATES

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last ``-offset``."""
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [item for item in self._pending if item.update.update_id >= offset]

    def take(self, limit: int) -> list[Update]:
        """Return up to ``limit`` allowed updates; updates of unwanted types are dropped."""
        self._pending = [item for item in self._pending if item.kind in self.allowed_updates]
        return [item.update for item in self._pending[:limit]]

    def clear(self) -> None:
        """Drop every pending update (``drop_pending_updates``)."""
        self._pending = []

    def has_allowed(self) -> bool:
        """Whether an update the bot wants is pending."""
        return any(item.kind in self.allowed_updates for item in self._pending)

    async def wait(self, seconds: float) -> None:
        """Return when an allowed update is pending, the queue closes, or ``seconds`` pass."""
        if self._closed or seconds <= 0 or self.has_allowed():
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self._closed and not self.has_allowed():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(waiter), remaining)
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
                waiter.cancel()

    def close(self) -> None:
        """Release every long-poll now and make future waits return at once."""
        self._closed = True
        self._wake()

    def reopen(self) -> None:
        """Let long-polls wait again (the sandbox is served again after a stop)."""
        self._closed = False

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.get_loop().call_soon_threadsafe(_resolve, waiter)
        self._waiters = []


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
