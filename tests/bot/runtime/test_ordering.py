"""One chat's updates take turns in arrival order; different chats run at the same time."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.runtime.ordering import ChatOrder, in_chat_order

HANG_GUARD_SECONDS = 30.0  # only against a deadlock, never a timing claim
SENDER = User(id=7, first_name="Boss", is_bot=False)


def group_update(update_id: int, chat_id: int) -> Update:
    chat = Chat(id=chat_id, type=Chat.SUPERGROUP, title=f"Ward {chat_id}")
    message = Message(
        message_id=update_id,
        date=datetime(2025, 9, 23, 20, 0, tzinfo=UTC),
        chat=chat,
        from_user=SENDER,
        text=f"message {update_id}",
    )
    return Update(update_id=update_id, message=message)


async def test_updates_of_one_chat_run_one_at_a_time_in_arrival_order() -> None:
    shuffle = random.Random(12)
    running: dict[int, int] = {}
    seen: dict[int, list[int]] = {}
    overlaps = []

    async def handle(update: Update) -> None:
        assert update.effective_chat is not None
        chat = update.effective_chat.id
        running[chat] = running.get(chat, 0) + 1
        if running[chat] > 1:
            overlaps.append(update.update_id)
        # Hand the loop around a varying number of times, as a handler awaiting Redis does.
        for _ in range(shuffle.randrange(6)):
            await asyncio.sleep(0)
        seen.setdefault(chat, []).append(update.update_id)
        running[chat] -= 1

    ordered = in_chat_order(handle)
    chat_of = {n: -100 - n % 3 for n in range(90)}
    updates = [group_update(n, chat) for n, chat in chat_of.items()]
    await asyncio.wait_for(
        asyncio.gather(*(ordered(update) for update in updates)), HANG_GUARD_SECONDS
    )
    assert overlaps == []
    for chat, ids in seen.items():
        assert ids == [n for n, its_chat in chat_of.items() if its_chat == chat]
    assert sum(map(len, seen.values())) == len(updates)


async def test_different_chats_do_not_wait_for_each_other() -> None:
    # The first chat's update can only finish once the second chat's update has run: if the
    # chats were served one after the other this would never end.
    second_ran = asyncio.Event()

    async def handle(update: Update) -> None:
        if update.update_id == 1:
            await second_ran.wait()
        else:
            second_ran.set()

    ordered = in_chat_order(handle)
    await asyncio.wait_for(
        asyncio.gather(ordered(group_update(1, -1)), ordered(group_update(2, -2))),
        HANG_GUARD_SECONDS,
    )
    assert second_ran.is_set()


async def test_a_failing_update_hands_its_turn_on() -> None:
    order = ChatOrder()
    done = []

    async def handle(update: Update) -> None:
        if update.update_id == 1:
            raise RuntimeError("handler failed")
        done.append(update.update_id)

    ordered = in_chat_order(handle, order)
    outcomes = await asyncio.wait_for(
        asyncio.gather(*(ordered(group_update(n, -5)) for n in range(3)), return_exceptions=True),
        HANG_GUARD_SECONDS,
    )
    assert isinstance(outcomes[1], RuntimeError)
    assert done == [0, 2]
    assert order.busy() == 0


async def test_a_cancelled_waiter_does_not_let_the_next_overtake_the_running_one() -> None:
    order = ChatOrder()
    release_first = asyncio.Event()
    log: list[str] = []

    async def first() -> None:
        async with order.turn(-9):
            log.append("first starts")
            await release_first.wait()
            log.append("first ends")

    async def second() -> None:
        async with order.turn(-9):
            log.append("second runs")  # never: it is cancelled while waiting

    async def third() -> None:
        async with order.turn(-9):
            log.append("third runs")

    tasks = [asyncio.create_task(job()) for job in (first, second, third)]
    await asyncio.sleep(0)
    tasks[1].cancel()
    for _ in range(5):  # let the cancellation and any premature turn happen
        await asyncio.sleep(0)
    assert log == ["first starts"]
    release_first.set()
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), HANG_GUARD_SECONDS)
    assert log == ["first starts", "first ends", "third runs"]
    assert order.busy() == 0


async def test_updates_without_a_chat_wait_for_nobody() -> None:
    order = ChatOrder()
    inside = []
    # Nested turns of one chat would wait for each other forever; without a chat they do not.
    async with order.turn(None), order.turn(None):
        inside.append(True)
    assert inside == [True]
    assert order.busy() == 0
