"""The collector's settings for the live bot, and the fact they rest on: handling group messages
leaves no reference cycles for the collector to find."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest
from telegram import Update

from bot.demo.playground import Playground
from bot.runtime.heap import YOUNG_THRESHOLD, settle_heap
from bot.runtime.ordering import in_chat_order
from tests.support.playground import at

TEXTS = ["请各村今晚十点前把走访照片发群里", "收到", "明天上午九点开会", "好的"]


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector's state as it was before the test, whatever the test changed."""
    thresholds = gc.get_threshold()
    debug = gc.get_debug()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    gc.set_debug(debug)
    gc.garbage.clear()


@pytest.mark.usefixtures("collector")
def test_settle_heap_freezes_start_up_objects_and_raises_only_the_young_threshold() -> None:
    gc.unfreeze()
    _, middle, old = gc.get_threshold()
    built_at_start_up = [object(), {"table": [1, 2, 3]}]

    settle_heap()

    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (YOUNG_THRESHOLD, middle, old)
    tracked = {id(o) for o in gc.get_objects()}  # frozen objects are in no generation
    assert id(built_at_start_up[1]) not in tracked


@pytest.mark.usefixtures("collector")
async def test_handling_group_messages_leaves_no_reference_cycles(playground: Playground) -> None:
    sandbox = playground.sandbox
    boss = sandbox.add_user("主任")
    clerk = sandbox.add_user("村文书")
    groups = [sandbox.create_group(f"村工作群 {n}", owner=boss, members=[clerk]) for n in range(3)]
    for group in groups:
        sandbox.add_bot_to_group(group, by=boss)
    await playground.drain()
    for n in range(24):
        sender = boss if n % 2 == 0 else clerk
        sandbox.post(groups[n % 3], sender, TEXTS[n % len(TEXTS)], at=at(n // 8, 9 + n % 8))
    bot = playground.application.bot
    updates = list(await bot.get_updates(timeout=0, allowed_updates=Update.ALL_TYPES))
    assert len(updates) == 24
    deliver = in_chat_order(playground.application.process_update)
    await asyncio.gather(*(deliver(u) for u in updates[:4]))  # first use: lazy tables load
    gc.collect()
    gc.garbage.clear()

    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection would free is kept in gc.garbage
    await asyncio.gather(*(deliver(u) for u in updates[4:]))
    gc.collect()

    assert gc.garbage == []
    week = await playground.store.week(groups[0].id, "2025-W46")
    assert week.messages == 8  # they were handled, not skipped
