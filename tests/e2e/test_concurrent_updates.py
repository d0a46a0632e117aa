"""Updates handled concurrently, as the webhook does: each chat's in order, each counted once."""

from __future__ import annotations

import asyncio
import json

from telegram import Chat, Message, Update

from bot.core.context import ConversationState
from bot.core.labels import Label
from bot.demo.playground import Playground
from bot.runtime.ordering import ChatOrder, express_in_chat_order, in_chat_order
from handlers.express import ExpressCounting
from tests.support.playground import at

GROUPS = 3
HANG_GUARD_SECONDS = 60.0  # only against a deadlock, never a timing claim


async def pending_updates(playground: Playground) -> list[Update]:
    return list(
        await playground.application.bot.get_updates(timeout=0, allowed_updates=Update.ALL_TYPES)
    )


Posted = tuple[Chat, Message, Message]
"""A group, the boss's form demand in it and the boss's chase of it."""


async def _demands_receipts_and_chases(
    playground: Playground,
) -> tuple[list[Posted], list[Update]]:
    """In each of ``GROUPS`` groups a form demand, a clerk's "收到" and, two days later, the
    boss's chase replying to the demand; the groups and the updates pending for them."""
    sandbox = playground.sandbox
    boss = sandbox.add_user("主任")
    clerk = sandbox.add_user("村文书")
    groups = [
        sandbox.create_group(f"镇村工作群 {n}", owner=boss, members=[clerk]) for n in range(GROUPS)
    ]
    for group in groups:
        sandbox.add_bot_to_group(group, by=boss)
    await playground.drain()

    # Posted round-robin, so the groups' messages interleave as they would in a busy worker.
    demands = [
        sandbox.post(group, boss, "请各村周五前把秋季征兵登记表填好报镇武装部。", at=at(0, 9))
        for group in groups
    ]
    for group in groups:
        sandbox.post(group, clerk, "收到", at=at(0, 10))
    chases = [
        sandbox.post(group, boss, "还差西岭、南岭", reply_to=demand, at=at(2, 20))
        for group, demand in zip(groups, demands, strict=True)
    ]
    updates = await pending_updates(playground)
    assert len(updates) == 3 * GROUPS
    return list(zip(groups, demands, chases, strict=True)), updates


async def _counted_once(
    playground: Playground, group: Chat, demand: Message, chase: Message
) -> ConversationState:
    """Check the group's three messages were each counted once, the chase after its demand;
    the group's stored conversation."""
    week = await playground.store.week(group.id, "2025-W46")
    assert week.messages == 3
    assert week.counted_label(Label.REPORT_DEMAND) == 2
    state = await playground.store.conversation(group.id)
    assert [d.message_id for d in state.demands] == [demand.message_id, chase.message_id]
    assert len(state.handled) == 3
    return state


async def test_concurrent_and_redelivered_updates_keep_each_chats_order_and_count_once(
    playground: Playground,
) -> None:
    groups, updates = await _demands_receipts_and_chases(playground)

    # Every update twice, all in flight at once: the second copy is a redelivery racing the
    # first. The chase can only be read as a demand after its demand is in the context.
    deliver = in_chat_order(playground.application.process_update)
    await asyncio.wait_for(
        asyncio.gather(*(deliver(update) for update in updates + updates)), HANG_GUARD_SECONDS
    )

    for group, demand, chase in groups:
        state = await _counted_once(playground, group, demand, chase)
        assert state.history(state.demands[0].sender_key).asks == 2


async def test_express_and_ptb_paths_share_each_chats_turns_and_count_once(
    playground: Playground,
) -> None:
    # As the webhook delivers them: a plain text message by the express path (from its JSON),
    # anything else through PTB, both in the same chat turns. Each update twice, the copies by
    # different paths, so a redelivery races the first delivery along the other path.
    groups, updates = await _demands_receipts_and_chases(playground)

    order = ChatOrder()
    by_ptb = in_chat_order(playground.application.process_update, order)
    counting = ExpressCounting(playground.application)
    by_express = express_in_chat_order(counting, order)
    deliveries = []
    for n, update in enumerate(updates + updates):
        data = json.loads(json.dumps(update.to_dict()))
        assert counting.read(data) is not None  # each is a plain group text message
        express = by_express(data) if n % 2 else None
        deliveries.append(express if express is not None else by_ptb(update))
    await asyncio.wait_for(asyncio.gather(*deliveries), HANG_GUARD_SECONDS)

    for group, demand, chase in groups:
        await _counted_once(playground, group, demand, chase)
