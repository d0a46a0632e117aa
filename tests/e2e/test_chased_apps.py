"""End to end: a demand that names no app but chases one that does is about that app."""

from __future__ import annotations

from telegram import Chat, User

from bot.demo.playground import Playground
from tests.support.playground import at

WEEK = "2025-W46"


def people(ground: Playground) -> tuple[Chat, User, User]:
    boss = ground.sandbox.add_user("主任", language_code="zh-hans")
    alice = ground.sandbox.add_user("Alice")
    group = ground.sandbox.create_group("青禾社区网格群", owner=boss, members=[alice])
    ground.sandbox.add_bot_to_group(group, by=boss)
    return group, boss, alice


async def test_a_reply_chasing_an_app_demand_counts_for_that_app(playground: Playground) -> None:
    group, boss, alice = people(playground)
    sandbox = playground.sandbox
    notice = sandbox.post(group, boss, "请大家今天下载浙政钉并完成注册。", at=at(0, 9))
    sandbox.post(group, alice, "收到", at=at(0, 9, 5))
    sandbox.post(group, boss, "还有5个人没注册的抓紧", reply_to=notice, at=at(0, 15))
    await playground.drain()
    week = await playground.store.week(group.id, WEEK)
    assert set(week.apps) == {"浙政钉"}
    assert week.apps["浙政钉"].demands == 2


async def test_a_follow_up_after_an_unlisted_app_counts_for_it(playground: Playground) -> None:
    group, boss, _ = people(playground)
    sandbox = playground.sandbox
    sandbox.post(group, boss, "请各位今天下载“青禾网格通”App并注册。", at=at(1, 9))
    sandbox.post(group, boss, "没下载的抓紧装一下，二维码见上", at=at(1, 10))
    await playground.drain()
    week = await playground.store.week(group.id, WEEK)
    assert set(week.apps) == {"青禾网格通"}
    assert week.apps["青禾网格通"].demands == 2


async def test_a_reply_to_a_demand_without_an_app_takes_no_app(playground: Playground) -> None:
    group, boss, _ = people(playground)
    sandbox = playground.sandbox
    sandbox.post(group, boss, "请大家今天下载浙政钉并完成注册。", at=at(2, 9))
    form = sandbox.post(group, boss, "请各组今天下班前报送走访台账。", at=at(2, 10))
    sandbox.post(group, boss, "还有谁没交的抓紧", reply_to=form, at=at(2, 15))
    await playground.drain()
    week = await playground.store.week(group.id, WEEK)
    assert week.apps["浙政钉"].demands == 1
