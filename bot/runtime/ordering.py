"""Updates of one chat in order, updates of different chats at the same time.

A webhook answers many requests at once. Counting is idempotent whatever the order, but a
group's conversation context is not: a chase must be decided after the demand it chases, from
the state that demand left. ``ChatOrder`` lets the updates of one chat take turns in the order
they arrived while other chats go ahead, so concurrency costs no ordering within a group.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager

from telegram import Update


class ChatOrder:
    """Turns per key: holders of one key run one at a time, first come first served."""

    def __init__(self) -> None:
        # The last turn handed out per key: the next arrival waits for it. A key leaves the
        # table when its last turn ends, so the table holds only keys with work in flight.
        self._last: dict[Hashable, asyncio.Future[None]] = {}

    def busy(self) -> int:
        """How many keys have a turn running or waiting (for metrics and tests)."""
        return len(self._last)

    @asynccontextmanager
    async def turn(self, key: Hashable | None) -> AsyncIterator[None]:
        """Wait until every earlier holder of ``key`` is done, then hold it for the block.

        The place in line is taken at the call, before any waiting, so the order is the order
        of the calls. ``None`` (an update with no chat) waits for nobody. A holder that is
        cancelled or fails still hands its turn on.
        """
        if key is None:
            yield
            return
        loop = asyncio.get_running_loop()
        mine: asyncio.Future[None] = loop.create_future()
        before = self._last.get(key)
        self._last[key] = mine

        def hand_on(_: object = None) -> None:
            mine.set_result(None)
            if self._last.get(key) is mine:
                del self._last[key]

        try:
            if before is not None:
                # shield: a cancelled waiter must not cancel the turn it waits for
                await asyncio.shield(before)
            yield
        finally:
            if before is not None and not before.done():
                # cancelled while waiting: whoever is behind still waits for ``before``
                before.add_done_callback(hand_on)
            else:
                hand_on()


def in_chat_order(
    handle: Callable[[Update], Awaitable[object]], order: ChatOrder | None = None
) -> Callable[[Update], Awaitable[object]]:
    """``handle`` run for each update in its chat's turn (see ``ChatOrder``)."""
    turns = order or ChatOrder()

    async def ordered(update: Update) -> object:
        chat = update.effective_chat
        async with turns.turn(chat.id if chat is not None else None):
            return await handle(update)

    return ordered
