"""The weekly digest arrives once, at the group's local time, with the right numbers."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Chat, User

from bot.demo.playground import Playground
from handlers.digest_delivery import JOB_PREFIX
from tests.support.playground import SHANGHAI, at


def subscribed_leader(ground: Playground) -> tuple[Chat, User, User, User]:
    """A group with its admin, a member, and a leader subscribed through a one-time link."""
    sandbox = ground.sandbox
    boss = sandbox.add_user("书记", language_code="zh-hans")
    member = sandbox.add_user("网格员")
    leader = sandbox.add_user("区领导", language_code="zh-hans")
    group = sandbox.create_group("云溪街道工作群", owner=boss, members=[member])
    sandbox.add_bot_to_group(group, by=boss)
    sandbox.private(boss, "/start")
    sandbox.command(group, boss, "/subscribe")
    return group, boss, member, leader


async def subscribe(ground: Playground, boss: User, leader: User) -> None:
    await ground.drain()
    links = [m.plain_text or "" for m in ground.sandbox.sent_to(boss)]
    link = next(text for text in reversed(links) if "start=sub_" in text)
    token = link.split("start=", 1)[1].split()[0]
    ground.sandbox.private(leader, f"/start {token}")
    await ground.drain()


def texts(ground: Playground, chat: Chat | User) -> list[str]:
    """The text messages the bot sent to ``chat`` (charts are photos, counted apart)."""
    return [m.plain_text or "" for m in ground.sandbox.sent_to(chat) if m.kind == "text"]


def photos(ground: Playground, chat: Chat | User) -> int:
    """How many photos (digest charts) the bot sent to ``chat``."""
    return sum(1 for m in ground.sandbox.sent_to(chat) if m.kind == "photo")


def groups_with_a_demand(ground: Playground, count: int) -> list[Chat]:
    """``count`` groups of one admin, each with the bot and one demand in the test week."""
    sandbox = ground.sandbox
    boss = sandbox.add_user("Boss")
    groups: list[Chat] = []
    for n in range(count):
        group = sandbox.create_group(f"Ward {n}", owner=boss)
        sandbox.add_bot_to_group(group, by=boss)
        sandbox.post(group, boss, "Everyone send a photo of the ward log by 9pm.", at=at(1, 22))
        groups.append(group)
    return groups


def digests_of_week(ground: Playground, chat: Chat | User, week: str) -> int:
    """How many of the bot's text messages to ``chat`` are ``week``'s digest."""
    return sum(week in text for text in texts(ground, chat))


def post_week(ground: Playground, group: Chat, boss: User, member: User) -> None:
    sandbox = ground.sandbox
    sandbox.post(group, boss, "请各网格今晚10点前把入户照片发群里", at=at(0, 21))
    sandbox.post(group, member, "收到", at=at(0, 21, 5))
    sandbox.post(group, boss, "今晚11点前每人下载政务App并打卡截图", at=at(2, 22, 30))
    sandbox.post(group, boss, "周末加班，周六上午到社区集合，拍照留痕", at=at(4, 23, 10))
    sandbox.post(group, member, "好的", at=at(4, 23, 15))


async def leader_with_a_week(ground: Playground) -> tuple[Chat, User]:
    """A subscribed leader's group after a week of night and weekend demands (``post_week``)."""
    group, boss, member, leader = subscribed_leader(ground)
    await subscribe(ground, boss, leader)
    post_week(ground, group, boss, member)
    await ground.drain()
    return group, leader


async def test_the_digest_arrives_once_at_monday_nine_and_survives_a_restart(
    playground: Playground,
) -> None:
    group, boss, member, leader = subscribed_leader(playground)
    await subscribe(playground, boss, leader)
    assert "将收到" in (playground.sandbox.sent_to(leader)[-1].plain_text or "")
    post_week(playground, group, boss, member)
    await playground.drain()

    jobs = playground.application.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{group.id}")
    assert len(jobs) == 1
    next_run = jobs[0].next_t
    assert next_run is not None
    local = next_run.astimezone(SHANGHAI)
    assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)

    # Sunday night: nothing is due yet.
    playground.clock.set(at(6, 23))
    await jobs[0].run(playground.application)
    assert len(texts(playground, leader)) == 1

    playground.clock.set(datetime(2025, 11, 17, 9, 0, tzinfo=SHANGHAI))
    await jobs[0].run(playground.application)
    received = texts(playground, leader)[1:]
    assert len(received) == 1
    digest = received[0]
    assert "2025-W46" in digest
    assert "非工作时间任务推送: 3" in digest
    assert "回复" not in digest.split("紧急时限")[-1]
    assert all(m.parse_mode == "HTML" for m in playground.sandbox.sent_to(leader)[1:-1])
    assert photos(playground, leader) == 1
    assert digest not in texts(playground, group)

    await jobs[0].run(playground.application)
    playground.clock.advance(timedelta(minutes=5))
    await playground.restart_bot()
    restarted = playground.application.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{group.id}")
    assert len(restarted) == 1
    await restarted[0].run(playground.application)
    assert len(texts(playground, leader)) == 2
    assert photos(playground, leader) == 1


async def test_a_digest_missed_while_down_is_sent_at_start_up(playground: Playground) -> None:
    _, leader = await leader_with_a_week(playground)
    await playground.stop_bot()
    playground.clock.set(datetime(2025, 11, 18, 14, 0, tzinfo=SHANGHAI))
    await playground.start_bot()
    assert len(texts(playground, leader)) == 2


async def test_without_subscribers_the_digest_goes_to_the_group_in_its_time_zone(
    playground: Playground,
) -> None:
    sandbox = playground.sandbox
    boss = sandbox.add_user("Boss")
    group = sandbox.create_group("Riverside Clinic", owner=boss)
    sandbox.add_bot_to_group(group, by=boss)
    sandbox.command(group, boss, "/set tz America/New_York")
    sandbox.command(group, boss, "/set lang en")
    await playground.drain()
    new_york = ZoneInfo("America/New_York")
    sandbox.post(
        group,
        boss,
        "Everyone send me a photo of your shift log by 9pm tonight.",
        at=datetime(2025, 11, 11, 19, 0, tzinfo=new_york),
    )
    await playground.drain()
    job = playground.application.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{group.id}")[0]
    assert job.next_t is not None
    assert job.next_t.astimezone(new_york).hour == 9
    playground.clock.set(datetime(2025, 11, 17, 9, 1, tzinfo=new_york))
    before = len(texts(playground, group))
    await job.run(playground.application)
    digest = texts(playground, group)[before:]
    assert len(digest) == 1
    assert "after-hours task pushes: 1" in digest[0]


async def test_a_leader_sees_last_week_across_their_groups(playground: Playground) -> None:
    group, boss, member, leader = subscribed_leader(playground)
    await subscribe(playground, boss, leader)
    sandbox = playground.sandbox
    other = sandbox.create_group("城东网格群", owner=boss, members=[member])
    sandbox.add_bot_to_group(other, by=boss)
    sandbox.command(other, boss, "/subscribe")
    await subscribe(playground, boss, leader)
    post_week(playground, group, boss, member)
    sandbox.post(other, member, "大家周末愉快", at=at(4, 18))
    await playground.drain()
    playground.clock.set(datetime(2025, 11, 17, 10, 0, tzinfo=SHANGHAI))
    sandbox.private(leader, "/overview")
    await playground.drain()
    text = sandbox.sent_to(leader)[-1].plain_text or ""
    assert "云溪街道工作群 (2025-W46)" in text
    assert "城东网格群 (2025-W46)" in text
    assert "非工作时间任务推送 3 条" in text


async def test_a_leader_who_unsubscribes_no_longer_receives_it(playground: Playground) -> None:
    group, boss, member, leader = subscribed_leader(playground)
    await subscribe(playground, boss, leader)
    playground.sandbox.private(leader, "/unsubscribe")
    await playground.drain()
    # one subscription: said without a count ("1 digests")
    assert "不再收到所订阅的周报" in texts(playground, leader)[-1]
    settings = await playground.store.group_settings(group.id)
    assert settings is not None
    assert settings.digest_recipients == []
    post_week(playground, group, boss, member)
    await playground.drain()
    playground.clock.set(datetime(2025, 11, 17, 9, 0, tzinfo=SHANGHAI))
    job = playground.application.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{group.id}")[0]
    await job.run(playground.application)
    assert len(texts(playground, leader)) == 2
    assert any("2025-W46" in text for text in texts(playground, group))


async def test_unsubscribing_without_a_subscription_says_there_was_none(
    playground: Playground,
) -> None:
    sandbox = playground.sandbox
    for user, expected in (
        (sandbox.add_user("区领导", language_code="zh-hans"), "没有订阅"),
        (sandbox.add_user("Leader", language_code="en"), "not subscribed"),
    ):
        sandbox.private(user, "/unsubscribe")
        await playground.drain()
        [answer] = texts(playground, user)
        assert expected in answer
        assert "/subscribe" in answer
        assert "0" not in answer
        assert "\n" not in answer
