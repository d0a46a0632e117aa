"""Updates of one chat in order, updates of different chats at the same time.

A webhook answers many requests at once. Counting is idempotent whatever the order, but a
group's conversation context is not: a chase must be decided after the demand it chases, from
the state that demand left. ``ChatOrder`` lets the updates of one chat take turns in the order
they arrived while other chats go ahead, so concurrency costs no ordering within a group.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram import Update

from handlers.express import ExpressCounting, ExpressMessage


class ChatOrder:
    """Turns per key: holders of one key run one at a time, first come first served."""

    def __init__(self) -> None:
        # The last turn handed out per key: the next arrival waits for it. A key leaves the
        # table when its last turn ends, so the table holds only keys with work in flight.
        self._last: dict[Hashable, asyncio.Future[None]] = {}

    def busy(self) -> int:
        """How many keys have a turn running or waiting (for metrics and tests)."""
        return len(self._last)

    def turn(self, key: Hashable | None) -> _Turn:
        """Wait until every earlier holder of ``key`` is done, then hold it for the block.

        The place in line is taken on entering the block, before any waiting, so the order is
        the order of entry. ``None`` (an update with no chat) waits for nobody. A holder that
        is cancelled or fails still hands its turn on.
        """
        return _Turn(self._last, key)


class _Turn:
    """One holder's turn (a plain class, not a generator-based context manager: it is entered
    once per update, and the generator machinery cost more than the turn itself)."""

    __slots__ = ("_before", "_key", "_last", "_mine")

    def __init__(self, last: dict[Hashable, asyncio.Future[None]], key: Hashable | None) -> None:
        self._last = last
        self._key = key
        self._mine: asyncio.Future[None] | None = None
        self._before: asyncio.Future[None] | None = None

    async def __aenter__(self) -> None:
        if self._key is None:
            return
        self._mine = asyncio.get_running_loop().create_future()
        before = self._before = self._last.get(self._key)
        self._last[self._key] = self._mine
        if before is None:
            return
        try:
            # shield: a cancelled waiter must not cancel the turn it waits for
            await asyncio.shield(before)
        except BaseException:
            self._end()
            raise

    async def __aexit__(self, *_: object) -> None:
        self._end()

    def _end(self) -> None:
        if self._mine is None:
            return
        before = self._before
        if before is not None and not before.done():
            # cancelled while waiting: whoever is behind still waits for ``before``
            before.add_done_callback(self._hand_on)
        else:
            self._hand_on()

    def _hand_on(self, _: object = None) -> None:
        mine = self._mine
        if mine is None or mine.done():
            return
        mine.set_result(None)
        if self._last.get(self._key) is mine:
            del self._last[self._key]


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


def express_in_chat_order(
    counting: ExpressCounting, order: ChatOrder
) -> Callable[[dict[str, Any]], Awaitable[None] | None]:
    """``counting``'s express path for the webhook (``webhook_app``'s ``express``): a decoded
    update it takes is counted in its chat's turn of ``order``, the turns the PTB-parsed
    updates of ``in_chat_order(..., order)`` take too, so one chat's updates stay in order
    whichever path each takes."""

    def express(update: dict[str, Any]) -> Awaitable[None] | None:
        message = counting.read(update)
        if message is None:
            return None
        return _counted(counting, message, update, order)

    return express


async def _counted(
    counting: ExpressCounting, message: ExpressMessage, update: dict[str, Any], order: ChatOrder
) -> None:
    async with order.turn(message.chat_id):
        await counting.count(message, update)
