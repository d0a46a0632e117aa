"""A leader subscribes to a unit and receives its weekly roll-up: ranked groups and apps."""

from __future__ import annotations

from datetime import datetime

from telegram import Chat, User

from bot.demo.playground import Playground
from handlers.rollup import JOB_NAME
from tests.support.playground import SHANGHAI, at

UNIT = "城南区/城南街道"


def texts(ground: Playground, chat: Chat | User) -> list[str]:
    return [m.plain_text or "" for m in ground.sandbox.sent_to(chat) if m.kind == "text"]


async def two_groups_in_a_unit(ground: Playground) -> tuple[Chat, Chat, User, User]:
    sandbox = ground.sandbox
    boss = sandbox.add_user("书记", language_code="zh-hans")
    leader = sandbox.add_user("区领导", language_code="zh-hans")
    member = sandbox.add_user("网格员")
    busy = sandbox.create_group("青禾社区工作群", owner=boss, members=[member])
    calm = sandbox.create_group("云溪社区工作群", owner=boss, members=[member])
    for group, community in ((busy, "青禾社区"), (calm, "云溪社区")):
        sandbox.add_bot_to_group(group, by=boss)
        sandbox.command(group, boss, f"/set unit {UNIT}/{community}")
    sandbox.private(boss, "/start")
    sandbox.post(
        busy, boss, "强国积分本周排名后三位的要通报，请大家每天登录学习打卡", at=at(0, 21)
    )
    sandbox.post(busy, boss, "请各网格今晚10点前把入户照片发群里", at=at(1, 22))
    sandbox.post(busy, member, "收到", at=at(1, 22, 5))
    sandbox.post(calm, boss, "明天上午开会", at=at(2, 10))
    await ground.drain()
    return busy, calm, boss, leader


async def redeem_unit_link(ground: Playground, boss: User, leader: User) -> None:
    links = [text for text in texts(ground, boss) if "start=unit_" in text]
    token = links[-1].split("start=", 1)[1].split()[0]
    ground.sandbox.private(leader, f"/start {token}")
    await ground.drain()


async def test_the_unit_rollup_ranks_groups_and_names_apps(playground: Playground) -> None:
    busy, _calm, boss, leader = await two_groups_in_a_unit(playground)
    assert any(f"所属单位：{UNIT}/青禾社区" in text for text in texts(playground, busy))
    playground.sandbox.command(busy, boss, f"/subscribe unit {UNIT}")
    await playground.drain()
    await redeem_unit_link(playground, boss, leader)
    assert UNIT in texts(playground, leader)[-1]

    playground.clock.set(datetime(2025, 11, 17, 9, 0, tzinfo=SHANGHAI))
    (job,) = playground.application.job_queue.get_jobs_by_name(JOB_NAME)
    await job.run(playground.application)
    rollup = texts(playground, leader)[-1]
    assert "2025-W46" in rollup
    assert rollup.index("青禾社区工作群") < rollup.index("云溪社区工作群")
    assert "学习强国" in rollup

    # Once per unit, week and leader, even when the job runs again.
    await job.run(playground.application)
    assert texts(playground, leader)[-1] == rollup

    playground.sandbox.private(leader, "/overview")
    await playground.drain()
    assert "学习强国" in texts(playground, leader)[-1]


async def test_only_an_admin_of_every_group_of_the_unit_can_share_it(
    playground: Playground,
) -> None:
    busy, _calm, boss, _leader = await two_groups_in_a_unit(playground)
    sandbox = playground.sandbox
    other = sandbox.add_user("另一位书记")
    foreign = sandbox.create_group("外单位群", owner=other)
    sandbox.add_bot_to_group(foreign, by=other)
    sandbox.command(foreign, other, f"/set unit {UNIT}/外单位")
    await playground.drain()
    sandbox.command(busy, boss, f"/subscribe unit {UNIT}")
    await playground.drain()
    assert not any("start=unit_" in text for text in texts(playground, boss))
    assert "外单位群" in texts(playground, busy)[-1]


async def test_a_unit_outside_the_groups_own_is_refused(playground: Playground) -> None:
    busy, _calm, boss, _leader = await two_groups_in_a_unit(playground)
    playground.sandbox.command(busy, boss, "/subscribe unit 城北区")
    await playground.drain()
    assert "城北区" in texts(playground, busy)[-1]
    assert not any("start=unit_" in text for text in texts(playground, boss))
