"""Anonymous flags end to end, and proof of what is NOT stored."""

from __future__ import annotations

from datetime import timedelta

from redis.asyncio import Redis
from telegram import Chat, User

from bot.core.labels import Label
from bot.demo.playground import Playground
from bot.demo.sandbox import SentMessage


def group_with_members(ground: Playground, count: int) -> tuple[Chat, User, list[User]]:
    sandbox = ground.sandbox
    boss = sandbox.add_user("主任")
    members = [
        sandbox.add_user(f"member{i}", user_id=918_273_645 + i, language_code="zh-hans")
        for i in range(count)
    ]
    group = sandbox.create_group("云溪街道工作群", owner=boss, members=members)
    sandbox.add_bot_to_group(group, by=boss)
    return group, boss, members


def last_private(ground: Playground, user: User) -> SentMessage:
    return ground.sandbox.sent_to(user)[-1]


async def flag(ground: Playground, group: Chat, member: User, text: str | None) -> str:
    """Walk one member through the private flag dialogue; return the bot's last answer."""
    sandbox = ground.sandbox
    sandbox.command(group, member, "/flag")
    await ground.drain()
    link_message = sandbox.sent_to(group)[-1]
    assert link_message.reply_markup is not None
    url = link_message.reply_markup.inline_keyboard[0][0].url or ""
    payload = url.split("start=", 1)[1]
    sandbox.private(member, f"/start {payload}")
    await ground.drain()
    sandbox.press(member, last_private(ground, member), "flag:l:proof_demand")
    await ground.drain()
    if text is not None:
        sandbox.private(member, text)
        await ground.drain()
    sandbox.press(member, last_private(ground, member), "flag:ok")
    await ground.drain()
    return last_private(ground, member).plain_text or ""


async def everything_in(redis: Redis) -> str:
    """Every key and every value in the database, as one searchable text."""
    parts = []
    async for key in redis.scan_iter(count=500):
        parts.append(key.decode())
        kind = (await redis.type(key)).decode()
        if kind == "string":
            value = await redis.get(key)
            parts.append(value.decode("utf-8", "replace") if value else "")
        elif kind == "hash":
            for field, value in (await redis.hgetall(key)).items():
                parts.extend([field.decode(), value.decode("utf-8", "replace")])
        elif kind == "set":
            parts.extend(member.decode() for member in await redis.smembers(key))
        elif kind == "zset":
            parts.extend(member.decode() for member in await redis.zrange(key, 0, -1))
    return "\n".join(parts)


async def test_three_members_flag_and_the_digest_counts_them(
    playground: Playground, redis_client: Redis
) -> None:
    group, _, members = group_with_members(playground, 3)
    answers = [await flag(playground, group, m, "每天都要截图打卡") for m in members]
    assert all("匿名" in answer for answer in answers)
    week = await playground.store.week(group.id, "2025-W46")
    assert week.flags.by_label == {Label.PROOF_DEMAND: 3}
    assert week.flags.members == 3
    assert week.flags.texts == ("每天都要截图打卡",) * 3

    stored = await everything_in(redis_client)
    for member in members:
        assert str(member.id) not in stored
        assert member.first_name not in stored
    # The flag text was not taken in the group.
    assert all("截图打卡" not in (m.plain_text or "") for m in playground.sandbox.sent_to(group))


async def test_two_flags_of_one_member_on_different_days_cannot_be_linked(
    playground: Playground, redis_client: Redis
) -> None:
    group, _, members = group_with_members(playground, 1)
    member = members[0]
    await flag(playground, group, member, None)
    first_day = await everything_in(redis_client)
    playground.clock.advance(timedelta(days=1))
    await flag(playground, group, member, None)
    second_day = await everything_in(redis_client)

    limiter_keys = {line for line in second_day.splitlines() if line.startswith("ft:flaglimit:")}
    assert len(limiter_keys) == 2
    week = await playground.store.week(group.id, "2025-W46")
    assert week.flags.by_label == {Label.PROOF_DEMAND: 2}
    assert week.flags.members == 1
    assert str(member.id) not in first_day + second_day


async def test_non_members_cannot_flag_a_group(playground: Playground) -> None:
    group, _, _ = group_with_members(playground, 1)
    stranger = playground.sandbox.add_user("Stranger")
    playground.sandbox.private(stranger, f"/start flag_{group.id}")
    await playground.drain()
    assert "只能反映" in (last_private(playground, stranger).plain_text or "") or "only flag" in (
        last_private(playground, stranger).plain_text or ""
    )
    assert (await playground.store.week(group.id, "2025-W46")).flags.members == 0


async def test_flags_below_the_minimum_are_withheld_from_the_digest(
    playground: Playground,
) -> None:
    group, boss, members = group_with_members(playground, 2)
    for member in members:
        await flag(playground, group, member, "太多了")
    playground.sandbox.command(group, boss, "/digest")
    await playground.drain()
    digest = playground.sandbox.sent_to(group)[-1].plain_text or ""
    assert "太多了" not in digest
    assert "人数不足" in digest
