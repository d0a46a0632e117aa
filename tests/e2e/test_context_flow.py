"""End to end: the live bot decides labels in the group's conversation context."""

from __future__ import annotations

import json

from bot.core.labels import Label
from bot.demo.playground import Playground
from storage import keys
from storage.redis_store import RedisStore
from tests.support.playground import at


async def test_a_chase_is_counted_and_a_members_file_is_not(playground: Playground) -> None:
    sandbox = playground.sandbox
    boss = sandbox.add_user("主任")
    clerk = sandbox.add_user("村文书")
    group = sandbox.create_group("镇村工作群", owner=boss, members=[clerk])
    sandbox.add_bot_to_group(group, by=boss)
    demand = sandbox.post(group, boss, "请各村周五前把秋季征兵登记表填好报镇武装部。", at=at(0, 9))
    sandbox.post(
        group,
        clerk,
        caption="东岭村",
        document=("东岭村征兵登记表.xlsx", b"x"),
        at=at(1, 10),
    )
    chase = sandbox.post(group, boss, "还差西岭、南岭", reply_to=demand, at=at(2, 20))
    await playground.drain()
    # An edit of the chase is decided again but does not move the context a second time.
    sandbox.edit(group, chase.message_id, "还差西岭、南岭两个村", at=at(2, 20, 5))
    await playground.drain()

    week = await playground.store.week(group.id, "2025-W46")
    assert week.messages == 3
    assert week.counted_label(Label.REPORT_DEMAND) == 2
    assert week.counted_label(Label.TASK_PUSH, outside_work_only=True) == 1
    assert week.demand_senders == 1
    state = await playground.store.conversation(group.id)
    assert [d.message_id for d in state.demands] == [demand.message_id, chase.message_id]
    assert state.history(state.demands[0].sender_key).asks == 2


async def test_the_stored_context_holds_no_user_id_name_or_words(playground: Playground) -> None:
    # The state must let nobody without the deployment secret tell who said what: labels,
    # message ids, times, subject keys and group pseudonyms only.
    sandbox = playground.sandbox
    boss = sandbox.add_user("主任", user_id=7_305_551_234)
    clerk = sandbox.add_user("村文书", user_id=7_305_559_876)
    group = sandbox.create_group("镇村工作群", owner=boss, members=[clerk])
    sandbox.add_bot_to_group(group, by=boss)
    demand = sandbox.post(group, boss, "请各村周五前把秋季征兵登记表填好报镇武装部。", at=at(0, 9))
    sandbox.post(
        group, clerk, caption="东岭村", document=("东岭村登记表.xlsx", b"x"), at=at(1, 10)
    )
    sandbox.post(group, boss, "还差西岭、南岭", reply_to=demand, at=at(2, 20))
    await playground.drain()

    assert isinstance(playground.store, RedisStore)
    stored = await playground.store.client.get(keys.conversation(group.id))
    assert stored is not None and stored.startswith(b"[2,")
    state = await playground.store.conversation(group.id)
    assert len(state.handled) == 3  # all three messages went through the context
    assert stored.isascii()
    for user in (boss, clerk):
        assert str(user.id).encode() not in stored
        assert str(user.id)[-6:].encode() not in stored  # nor a recognisable part of it
    for words in (
        "征兵登记表",
        "登记表",
        "东岭村",
        "西岭",
        "武装部",
        "主任",
        "村文书",
        "镇村工作群",
    ):
        assert json.dumps(words).strip('"').encode() not in stored  # nor \u-escaped
    senders = {key for key, _ in state.senders}
    assert len(senders) == 2 and not senders & {str(boss.id), str(clerk.id), "主任", "村文书"}
