"""Anonymous flags end to end, and proof of what can NOT be recovered: not from Redis, not from
its append-only file (even with the deployment secret and the key files of the data directory),
not from the logs, not from /metrics, not from a digest an admin can see."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis
from telegram import Chat, User

from bot.config.secrets import process_secret
from bot.core.labels import Label
from bot.core.observation import IncomingMessage, observe
from bot.demo.playground import Playground
from bot.demo.sandbox import SentMessage
from bot.runtime.logs import QUIET_LOGGERS, quiet_third_party
from handlers.digest_delivery import deliver_due_digest
from storage.redis_store import RedisStore
from tests.support.playground import SHANGHAI

WEEK = "2025-W46"
MONDAY = date(2025, 11, 10)
NEXT_MONDAY_NINE = datetime(2025, 11, 17, 9, 0, tzinfo=SHANGHAI)


def group_with_members(ground: Playground, count: int) -> tuple[Chat, User, list[User]]:
    sandbox = ground.sandbox
    boss = sandbox.add_user("主任", language_code="zh-hans")
    members = [
        sandbox.add_user(f"member{i}", user_id=918_273_645 + i, language_code="zh-hans")
        for i in range(count)
    ]
    group = sandbox.create_group("云溪街道工作群", owner=boss, members=members)
    sandbox.add_bot_to_group(group, by=boss)
    return group, boss, members


async def subscribe_leader(ground: Playground, group: Chat, boss: User) -> User:
    """A leader subscribed to the group's digest through the admin's one-time link."""
    sandbox = ground.sandbox
    leader = sandbox.add_user("区领导", language_code="zh-hans")
    sandbox.private(boss, "/start")
    sandbox.command(group, boss, "/subscribe")
    await ground.drain()
    link = next(
        m.plain_text or "" for m in reversed(sandbox.sent_to(boss)) if "start=sub_" in m.text
    )
    sandbox.private(leader, f"/start {link.split('start=', 1)[1].split()[0]}")
    await ground.drain()
    return leader


def last_private(ground: Playground, user: User) -> SentMessage:
    return ground.sandbox.sent_to(user)[-1]


def with_buttons(ground: Playground, user: User) -> SentMessage:
    """The newest message in ``user``'s private chat that has buttons."""
    return next(m for m in reversed(ground.sandbox.sent_to(user)) if m.reply_markup is not None)


async def flag(
    ground: Playground,
    group: Chat,
    member: User,
    text: str | None,
    kind: Label = Label.PROOF_DEMAND,
) -> str:
    """Walk one member through the private flag dialogue; return the bot's last answer."""
    sandbox = ground.sandbox
    sandbox.command(group, member, "/flag")
    await ground.drain()
    link_message = sandbox.sent_to(group)[-1]
    assert link_message.reply_markup is not None
    url = link_message.reply_markup.inline_keyboard[0][0].url or ""
    sandbox.private(member, f"/start {url.split('start=', 1)[1]}")
    await ground.drain()
    sandbox.press(member, last_private(ground, member), f"flag:k:{kind.value}")
    await ground.drain()
    if text is None:
        sandbox.press(member, last_private(ground, member), "flag:skip")
    else:
        sandbox.private(member, text)
    await ground.drain()
    sandbox.press(member, last_private(ground, member), "flag:send")
    await ground.drain()
    return last_private(ground, member).plain_text or ""


async def leaders_digest_after_the_week(ground: Playground, group: Chat, leader: User) -> str:
    """Move to the Monday after the week, deliver the digest, return what the leader got."""
    ground.clock.set(NEXT_MONDAY_NINE)
    assert await deliver_due_digest(ground.application.bot, ground.services, group.id)
    return "\n".join(m.plain_text or "" for m in ground.sandbox.sent_to(leader))


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


def attacker_keys(ground: Playground) -> list[bytes]:
    """What a thief of the machine holds: the deployment secret in effect (the playground's
    per-process one) and every key file of the data directory."""
    keys = [process_secret()]
    data_dir = ground.settings.data_dir
    if data_dir.is_dir():
        keys += [bytes.fromhex(p.read_text().strip()) for p in data_dir.glob("*.key")]
    return keys


def guessed_tokens(keys: list[bytes], group_id: int, member_id: int, day: date) -> set[str]:
    """Member and limiter tokens an attacker derives from ``keys`` (the formulas of the old
    design, which kept a member token per group-week and a daily limiter token)."""
    tokens = set()
    for key in keys:
        for message in (f"member:{group_id}:{WEEK}:{member_id}", f"{member_id}"):
            tokens.add(hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32])
        day_key = hmac.new(key, f"day:{day.isoformat()}".encode(), hashlib.sha256).digest()
        limit = hmac.new(day_key, f"limit:{member_id}".encode(), hashlib.sha256)
        tokens.add(limit.hexdigest()[:32])
    return tokens


async def test_only_a_leader_reads_flags_and_only_after_the_week(
    playground: Playground,
) -> None:
    group, boss, members = group_with_members(playground, 3)
    leader = await subscribe_leader(playground, group, boss)
    texts = ["王主任每天要我们截图打卡", "周末也要拍照留痕", "Boss Alice wants photos at 11pm"]
    answers = [await flag(playground, group, m, t) for m, t in zip(members, texts, strict=True)]
    assert all("匿名" in answer for answer in answers)

    before = len(playground.sandbox.sent_to(group))
    playground.sandbox.command(group, boss, "/digest")
    await playground.drain()
    mid_week = playground.sandbox.sent_to(group)[before:]
    assert mid_week
    in_group = "\n".join(m.plain_text or "" for m in mid_week)
    assert "匿名反映" not in in_group
    assert "截图打卡" not in in_group

    digest = await leaders_digest_after_the_week(playground, group, leader)
    assert "匿名反映" in digest
    assert "[name]主任每天要我们截图打卡" in digest
    assert "周末也要拍照留痕" in digest
    assert "Boss [name] wants photos" in digest
    for name in ("王主任", "Alice"):
        assert name not in digest


async def test_fewer_than_three_members_leave_no_trace_in_the_digest(
    playground: Playground,
) -> None:
    group, boss, members = group_with_members(playground, 2)
    for member in members:
        await flag(playground, group, member, "太多了")
    playground.sandbox.post(group, boss, "今晚10点前交台账")
    await playground.drain()
    playground.clock.set(NEXT_MONDAY_NINE)
    before = len(playground.sandbox.sent_to(group))
    assert await deliver_due_digest(playground.application.bot, playground.services, group.id)
    digest = "\n".join(m.plain_text or "" for m in playground.sandbox.sent_to(group)[before:])
    assert "2025-W46" in digest
    for trace in ("太多了", "匿名反映", "人数不足", "too few"):
        assert trace not in digest


async def test_one_member_counts_once_per_kind_and_fills_one_text_slot(
    playground: Playground,
) -> None:
    group, _, members = group_with_members(playground, 1)
    member = members[0]
    first = await flag(playground, group, member, "第一次")
    again = await flag(playground, group, member, "第二次")
    other_kind = await flag(playground, group, member, "第三次", kind=Label.ACK_DEMAND)
    assert "匿名" in first
    assert "只计一次" in again
    assert "文字未保留" in other_kind
    week = await playground.store.week(group.id, WEEK)
    assert week.flags.by_label == {Label.PROOF_DEMAND: 1, Label.ACK_DEMAND: 1}
    assert [t.text for t in week.flags.texts] == ["第一次"]


async def test_nothing_stored_links_a_flag_to_its_member_even_with_the_secret(
    playground: Playground, redis_client: Redis
) -> None:
    group, _, members = group_with_members(playground, 3)
    for member in members:
        await flag(playground, group, member, "每天都要截图打卡")
    await flag(playground, group, members[0], None, kind=Label.ACK_DEMAND)
    playground.clock.advance(timedelta(days=1))
    await flag(playground, group, members[1], None, kind=Label.REPORT_DEMAND)

    stored = await everything_in(redis_client)
    assert "flaglimit" not in stored
    for member in members:
        assert str(member.id) not in stored
        assert member.first_name not in stored
    keys = attacker_keys(playground)
    for member in members:
        for day in (date(2025, 11, 10), date(2025, 11, 11)):
            assert not guessed_tokens(keys, group.id, member.id, day) & set(stored.split())
    # Test-adding each member's guessed tokens to a copy of every HyperLogLog changes it: no
    # member is found inside. A HyperLogLog answers "maybe present" by chance now and then (a
    # register already as high), so one stray hit is noise; a leak would find every member.
    probes = hits = 0
    async for key in redis_client.scan_iter(match="*:fl:*"):
        if (await redis_client.type(key)) != b"string":
            continue
        # The copy keeps the key's hash tag, so it lives in the same slot on a cluster too.
        probe = key + b":probe"
        for member in members:
            for token in guessed_tokens(keys, group.id, member.id, date(2025, 11, 10)):
                await redis_client.copy(key, probe, replace=True)
                probes += 1
                hits += await redis_client.pfadd(probe, token) == 0
        await redis_client.delete(probe)
    assert probes >= len(members)
    assert hits <= 1

    # Once the week is over, even the running bot cannot link its flags any more.
    assert (group.id, WEEK) in playground.services.flag_salts.held()
    playground.clock.set(NEXT_MONDAY_NINE)
    await deliver_due_digest(playground.application.bot, playground.services, group.id)
    assert (group.id, WEEK) not in playground.services.flag_salts.held()


def files_under(directory: Path) -> bytes | None:
    """Every byte of the regular files under ``directory``, or None if it is not here."""
    if not directory.is_dir():
        return None
    return b"".join(
        path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not path.is_socket()
    )


async def aof_bytes(ground: Playground, redis: Redis) -> bytes:
    """Every byte of the server's persistence files, once the rewrites the bot started (and
    any other) are done."""
    assert isinstance(ground.store, RedisStore)
    await ground.store.rewrites_settled()
    for _ in range(500):  # bounded wait for a running rewrite, not a timing assertion
        info = await redis.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            break
        await asyncio.sleep(0.02)
    found = await asyncio.to_thread(files_under, Path((await redis.config_get("dir"))["dir"]))
    if found is None:
        pytest.skip("the Redis under test keeps its files on another machine")
    return found


async def test_the_append_only_file_is_no_diary_of_flags(
    playground: Playground, redis_client: Redis
) -> None:
    group, boss, members = group_with_members(playground, 2)
    unique = "独一无二的负担描述"
    await flag(playground, group, members[0], unique)
    await flag(playground, group, members[1], None)
    written = await aof_bytes(playground, redis_client)
    for member in members:
        for token in guessed_tokens(attacker_keys(playground), group.id, member.id, MONDAY):
            assert token.encode() not in written
    assert b"flaglimit" not in written
    # The tokens the running bot derived for these members (it alone holds the salt).
    live = [
        playground.services.flag_salts.entry(
            group.id, WEEK, Label.PROOF_DEMAND, m.id, None, keep_weeks=8
        )
        for m in members
    ]
    for entry in live:
        assert entry.kind_token.encode() not in written
        assert entry.text_token.encode() not in written

    playground.sandbox.command(group, boss, "/erase")
    await playground.drain()
    playground.sandbox.press(boss, playground.sandbox.sent_to(group)[-1], "erase:yes")
    await playground.drain()
    assert unique.encode() not in await aof_bytes(playground, redis_client)


async def test_the_group_sees_no_sign_of_who_asked_to_flag(playground: Playground) -> None:
    group, _, members = group_with_members(playground, 1)
    playground.sandbox.command(group, members[0], "/flag")
    await playground.drain()
    answer = playground.sandbox.sent_to(group)[-1]
    assert answer.message.reply_to_message is None
    # The /flag message is not counted: its "seen" entry would hold the sender's pseudonym.
    assert (await playground.store.week(group.id, WEEK)).messages == 0


async def test_flags_leave_no_log_line_and_no_metric(
    playground: Playground, caplog: pytest.LogCaptureFixture
) -> None:
    group, _, members = group_with_members(playground, 3)
    await playground.drain()
    # The levels ``fingertip run`` sets, restored afterwards.
    saved = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    quiet_third_party()
    caplog.set_level(logging.INFO)
    caplog.clear()
    try:
        for member in members:
            await flag(playground, group, member, "太多截图")
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
    for record in caplog.records:
        line = record.getMessage().lower()
        assert "flag" not in line
        assert str(group.id) not in line
        assert all(str(m.id) not in line for m in members)
    assert b"flag" not in playground.services.metrics.exposition()


async def test_non_members_cannot_flag_a_group(playground: Playground) -> None:
    group, _, _ = group_with_members(playground, 1)
    stranger = playground.sandbox.add_user("Stranger")
    playground.sandbox.private(stranger, f"/start flag_{group.id}")
    await playground.drain()
    assert "只能反映" in (last_private(playground, stranger).plain_text or "")
    assert (await playground.store.week(group.id, WEEK)).flags.by_label == {}


async def test_the_dialogue_keeps_nothing_once_it_ends(playground: Playground) -> None:
    group, _, members = group_with_members(playground, 1)
    member = members[0]
    await flag(playground, group, member, "一段文字")
    app = playground.application
    assert member.id not in app.user_data
    playground.sandbox.private(member, "/flag")
    await playground.drain()
    playground.sandbox.press(member, last_private(playground, member), "flag:cancel")
    await playground.drain()
    assert "已取消" in (last_private(playground, member).plain_text or "")
    assert member.id not in app.user_data


async def test_a_chat_the_bot_never_joined_is_never_treated_as_a_group(
    playground: Playground,
) -> None:
    # A user who talks to the bot, and whose personal chat an audit once wrote into the store.
    person = playground.sandbox.add_user("Someone")
    playground.sandbox.private(person, "/start")
    await playground.drain()
    before = len(playground.sandbox.sent_to(person))
    services = playground.services
    message = IncomingMessage(
        group_id=person.id,
        message_id=1,
        sent_at=datetime(2025, 11, 10, 23, 0, tzinfo=SHANGHAI),
        text="今晚12点前把表交上来",
        sender_id="user1",
    )
    working_time = await services.working_time(person.id)
    await playground.store.ingest(
        observe(message, services.classifier, working_time, services.hasher)
    )
    playground.clock.set(NEXT_MONDAY_NINE)
    await playground.restart_bot()
    assert (
        await deliver_due_digest(playground.application.bot, playground.services, person.id) == 0
    )
    assert len(playground.sandbox.sent_to(person)) == before


async def test_accounts_added_this_week_cannot_flag_until_next_week(
    playground: Playground,
) -> None:
    group, boss, members = group_with_members(playground, 1)
    sandbox = playground.sandbox
    bot = sandbox.bot_state().id
    # As an administrator the bot hears of every member who joins.
    sandbox.set_status(group, bot, "administrator", by=boss)
    puppets = [sandbox.add_user(f"puppet{i}", language_code="zh-hans") for i in range(2)]
    for puppet in puppets:
        sandbox.set_status(group, puppet, "member", by=boss)
    await playground.drain()

    refused = [await start_flagging(playground, group, puppet) for puppet in puppets]
    assert all("下周起" in answer for answer in refused)
    assert "哪类负担" in await start_flagging(playground, group, members[0])

    playground.clock.set(NEXT_MONDAY_NINE)
    assert "哪类负担" in await start_flagging(playground, group, puppets[0])


async def start_flagging(ground: Playground, group: Chat, member: User) -> str:
    """Follow the group's deep link in private; return the bot's first answer."""
    ground.sandbox.private(member, f"/start flag_{group.id}")
    await ground.drain()
    return last_private(ground, member).plain_text or ""


async def test_members_name_an_app_and_leaders_see_it_only_past_the_minimum(
    playground: Playground, redis_client: Redis
) -> None:
    group, boss, members = group_with_members(playground, 4)
    leader = await subscribe_leader(playground, group, boss)
    texts = ["每天晚上都要在浙政钉打卡", "政钉积分排名天天催", "浙政钉签到太多"]
    for member, text in zip(members[:3], texts, strict=True):
        await flag(playground, group, member, text, kind=Label.APP_DEMAND)
    # the preview says which app is counted; a name captured only by phrasing is refused
    playground.sandbox.command(group, members[3], "/flag")
    await playground.drain()
    url = playground.sandbox.sent_to(group)[-1].reply_markup.inline_keyboard[0][0].url or ""  # type: ignore[union-attr]
    playground.sandbox.private(members[3], f"/start {url.split('start=', 1)[1]}")
    await playground.drain()
    playground.sandbox.press(members[3], last_private(playground, members[3]), "flag:k:app_demand")
    await playground.drain()
    playground.sandbox.private(members[3], "还要下载“李四通”和学习强国")
    await playground.drain()
    preview = last_private(playground, members[3]).plain_text or ""
    assert "学习强国" in preview
    assert "“学习强国”也会计入" in preview
    playground.sandbox.press(members[3], last_private(playground, members[3]), "flag:send")
    await playground.drain()

    week = await playground.store.week(group.id, WEEK)
    assert week.flags.by_app == {"浙政钉": 3, "学习强国": 1}
    stored = await everything_in(redis_client)
    for member in members:
        assert str(member.id) not in stored

    digest = await leaders_digest_after_the_week(playground, group, leader)
    assert "匿名反映中提到的应用" in digest
    assert "浙政钉 3" in digest
    # one member is below the minimum of three: not shown, not even as a zero
    assert "学习强国 1" not in digest
    assert "李四通" not in digest.split("匿名反映中提到的应用")[1].splitlines()[0]


async def test_members_pick_an_app_the_group_was_asked_to_use(
    playground: Playground, redis_client: Redis
) -> None:
    group, boss, members = group_with_members(playground, 3)
    leader = await subscribe_leader(playground, group, boss)
    sandbox = playground.sandbox
    sandbox.post(group, boss, "请大家今天下载浙政钉并完成注册。")
    sandbox.post(group, boss, "今晚前在学习强国完成积分任务，截图发群里。")
    await playground.drain()
    for member in members:
        sandbox.command(group, member, "/flag")
        await playground.drain()
        markup = sandbox.sent_to(group)[-1].reply_markup
        assert markup is not None
        url = markup.inline_keyboard[0][0].url or ""
        sandbox.private(member, f"/start {url.split('start=', 1)[1]}")
        await playground.drain()
        sandbox.press(member, last_private(playground, member), "flag:k:app_demand")
        await playground.drain()
        prompt = last_private(playground, member)
        assert prompt.reply_markup is not None
        offered = {
            button.callback_data: button.text
            for row in prompt.reply_markup.inline_keyboard
            for button in row
        }
        assert any("浙政钉" in text for text in offered.values())
        pick = next(data for data, text in offered.items() if "浙政钉" in text)
        sandbox.press(member, prompt, str(pick))
        await playground.drain()
        assert "浙政钉" in (last_private(playground, member).plain_text or "")
        sandbox.press(member, last_private(playground, member), "flag:send")
        await playground.drain()

    assert (await playground.store.week(group.id, WEEK)).flags.by_app == {"浙政钉": 3}
    stored = await everything_in(redis_client)
    for member in members:
        assert str(member.id) not in stored
    digest = await leaders_digest_after_the_week(playground, group, leader)
    assert "浙政钉 3" in digest


async def test_moving_the_clock_back_never_reopens_a_week_a_leader_has_read(
    playground: Playground,
) -> None:
    # A leader read the week's flags on Monday morning in Shanghai. An admin then sets a time
    # zone where it is still Sunday: without a floor, the next flag would join the week already
    # read, and the leader (reloading its page, or after the admin sets the zone back) would see
    # which kind and which text the member seen flagging just then added.
    group, boss, members = group_with_members(playground, 4)
    leader = await subscribe_leader(playground, group, boss)
    for member in members[:3]:
        await flag(playground, group, member, "每天都要截图")
    digest = await leaders_digest_after_the_week(playground, group, leader)
    assert "匿名反映" in digest

    playground.sandbox.command(group, boss, "/set tz Pacific/Pago_Pago")
    await playground.drain()
    assert (await playground.services.group(group.id)).timezone == "Pacific/Pago_Pago"
    assert "匿名" in await flag(playground, group, members[3], "新来的一条", kind=Label.ACK_DEMAND)

    read = await playground.store.week(group.id, WEEK)
    assert read.flags.by_label == {Label.PROOF_DEMAND: 3}
    assert {t.text for t in read.flags.texts} == {"每天都要截图"}
    # the flag counts in the week after, whose flags no one has read
    later = await playground.store.week(group.id, "2025-W47")
    assert later.flags.by_label == {Label.ACK_DEMAND: 1}


async def test_text_while_a_button_is_awaited_is_answered_with_one_line_and_not_logged(
    playground: Playground, caplog: pytest.LogCaptureFixture
) -> None:
    group, _, members = group_with_members(playground, 1)
    member = members[0]
    # The levels ``fingertip run`` sets, restored afterwards.
    saved = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    quiet_third_party()
    caplog.set_level(logging.INFO)
    caplog.clear()
    try:
        await type_instead_of_pressing(playground, group, member)
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
    for record in caplog.records:
        line = record.getMessage()
        assert "网格通" not in line
        assert str(member.id) not in line


async def type_instead_of_pressing(playground: Playground, group: Chat, member: User) -> None:
    """Type text where the flag dialogue asks for a button (the group, then the kind): one
    line answers, and the dialogue goes on."""
    sandbox = playground.sandbox
    sandbox.private(member, "/flag")  # buttons: which group
    await playground.drain()
    sandbox.private(member, "网格通每天打卡")
    await playground.drain()
    hint = last_private(playground, member).plain_text or ""
    assert "按钮" in hint
    assert "/cancel" in hint
    assert "\n" not in hint
    sandbox.press(member, with_buttons(playground, member), f"flag:g:{group.id}")  # which kind
    await playground.drain()
    sandbox.private(member, "网格通每天打卡")
    await playground.drain()
    assert last_private(playground, member).plain_text == hint
    # The dialogue goes on where it was.
    sandbox.press(member, with_buttons(playground, member), f"flag:k:{Label.PROOF_DEMAND.value}")
    await playground.drain()
    asked = with_buttons(playground, member)
    assert "几句话" in (asked.plain_text or "")
    sandbox.press(member, asked, "flag:cancel")
    await playground.drain()
    cancelled = sandbox.message(member, asked.message_id)
    assert "已取消" in (cancelled.text or "")
