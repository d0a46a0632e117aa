"""The simulated Telegram's rules, checked without HTTP: who sees what, and misuse."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from telegram import Chat, User

from bot.demo.sandbox import ManualClock, RateLimit, Sandbox, SandboxServer, SandboxUsageError
from tests.support.sandbox import SANDBOX_START, make_bot

TOKEN = "4242:privacy-token"


@pytest.fixture
def world() -> Sandbox:
    sandbox = Sandbox(clock=ManualClock(SANDBOX_START))
    sandbox.add_bot(TOKEN, "quiet_bot", can_read_all_group_messages=False)
    return sandbox


@pytest.fixture
def owner(world: Sandbox) -> User:
    return world.add_user("Owner")


@pytest.fixture
def alice(world: Sandbox) -> User:
    return world.add_user("Alice", username="alice_w")


@pytest.fixture
def group(world: Sandbox, owner: User, alice: User) -> Chat:
    chat = world.create_group("街道群", owner=owner, members=[alice])
    world.add_bot_to_group(chat, by=owner)
    return chat


def pending_texts(world: Sandbox) -> list[str | None]:
    return [update.message.text for update in world.pending_updates() if update.message]


def confirm_all(world: Sandbox) -> None:
    queue = world.bot_state().updates
    for update in queue.take(100):
        queue.confirm(update.update_id + 1)


def test_privacy_mode_bot_sees_only_commands_and_replies(
    world: Sandbox, group: Chat, alice: User
) -> None:
    confirm_all(world)
    world.post(group, alice, "请大家下载打卡APP")
    world.command(group, alice, "/report")
    world.command(group, alice, "/report@quiet_bot")
    world.command(group, alice, "/report@other_bot")
    world.post(group, alice, "see /report later")
    assert pending_texts(world) == ["/report", "/report@quiet_bot"]


async def test_privacy_mode_bot_sees_replies_to_its_messages_only(
    world: Sandbox, group: Chat, alice: User
) -> None:
    member_message = world.post(group, alice, "普通消息")
    async with SandboxServer(world) as server, make_bot(server, TOKEN) as bot:
        bots_message = await bot.send_message(group.id, "请回复本消息")
    confirm_all(world)
    world.post(group, alice, "回复成员", reply_to=member_message)
    world.post(group, alice, "回复机器人", reply_to=bots_message.message_id)
    assert pending_texts(world) == ["回复机器人"]


def test_promoting_the_bot_lets_it_read_everything(
    world: Sandbox, group: Chat, owner: User, alice: User
) -> None:
    confirm_all(world)
    world.set_status(group, world.bot_state().user, "administrator", by=owner)
    world.post(group, alice, "请大家下载打卡APP")
    [promotion, message] = world.pending_updates()
    assert promotion.my_chat_member is not None
    assert promotion.my_chat_member.old_chat_member.status == "member"
    assert promotion.my_chat_member.new_chat_member.status == "administrator"
    assert message.message is not None
    assert message.message.text == "请大家下载打卡APP"


def test_chat_member_updates_reach_admin_bots_that_ask_for_them(
    world: Sandbox, group: Chat, owner: User
) -> None:
    world.set_status(group, world.bot_state().user, "administrator", by=owner)
    confirm_all(world)
    bob = world.add_user("Bob")
    world.set_status(group, bob, "member", by=owner)
    queue = world.bot_state().updates
    assert queue.take(100) == []  # chat_member is not in the default allowed_updates

    world.set_status(group, bob, "left", by=owner)
    queue.set_allowed(["message", "chat_member"])
    [update] = queue.take(100)
    assert update.chat_member is not None
    assert update.chat_member.new_chat_member.user.id == bob.id
    assert update.chat_member.new_chat_member.status == "left"


def test_removed_bot_receives_nothing_more(
    world: Sandbox, group: Chat, owner: User, alice: User
) -> None:
    confirm_all(world)
    world.remove_bot_from_group(group, by=owner)
    world.command(group, alice, "/report")
    [update] = world.pending_updates()
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "left"
    assert world.member_status(group, world.bot_state().user) == "left"


def test_supergroup_removal_is_a_ban(world: Sandbox, owner: User) -> None:
    chat = world.create_group("超级群", owner=owner, supergroup=True)
    world.add_bot_to_group(chat, by=owner)
    world.remove_bot_from_group(chat, by=owner)
    assert world.member_status(chat, world.bot_state().user) == "kicked"


def test_update_ids_increase_and_dates_follow_the_clock(owner: User) -> None:
    clock = ManualClock(datetime(2025, 3, 3, 21, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    world = Sandbox(clock=clock)
    world.add_bot(TOKEN, "quiet_bot", can_read_all_group_messages=True)
    boss = world.add_user("Boss")
    chat = world.create_group("群", owner=boss)
    world.add_bot_to_group(chat, by=boss)
    first = world.post(chat, boss, "今晚交")
    clock.advance(timedelta(minutes=5))
    second = world.post(chat, boss, "快点")
    assert second.date - first.date == timedelta(minutes=5)
    ids = [update.update_id for update in world.pending_updates()]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_misuse_is_reported_clearly(world: Sandbox, group: Chat, owner: User, alice: User) -> None:
    outsider = world.add_user("Outsider")
    with pytest.raises(SandboxUsageError, match="not a member"):
        world.post(group, outsider, "hi")
    with pytest.raises(SandboxUsageError, match="naive datetime"):
        world.post(group, owner, "hi", at=datetime(2025, 1, 1))  # noqa: DTZ001
    with pytest.raises(SandboxUsageError, match="Only an admin can post as the group"):
        world.post(group, alice, "hi", sender_chat=group)
    with pytest.raises(SandboxUsageError, match="not shaped like a bot token"):
        world.add_bot("no-colon")
    with pytest.raises(SandboxUsageError, match="add_bot_to_group"):
        world.add_member(group, world.bot_state().user)
    with pytest.raises(SandboxUsageError, match="starts with '/'"):
        world.command(group, owner, "settings")
    world.add_bot("5151:second", "second_bot")
    with pytest.raises(SandboxUsageError, match="no default one"):
        world.pending_updates()


def test_press_requires_a_bot_keyboard(world: Sandbox, group: Chat, alice: User) -> None:
    plain = world.post(group, alice, "no keyboard here")
    with pytest.raises(SandboxUsageError, match="no inline keyboard"):
        world.press(alice, plain, "anything")


def test_migrated_group_cannot_be_posted_to(world: Sandbox, group: Chat, owner: User) -> None:
    supergroup = world.migrate_to_supergroup(group)
    with pytest.raises(SandboxUsageError, match="migrated to supergroup"):
        world.post(group, owner, "hi")
    assert world.post(supergroup, owner, "hi").chat.id == supergroup.id


def test_clock_and_limit_validation() -> None:
    clock = ManualClock(SANDBOX_START)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(SandboxUsageError, match="messages >= 1"):
        RateLimit(messages=0)


def test_server_binds_loopback_only(world: Sandbox) -> None:
    with pytest.raises(SandboxUsageError, match="loopback"):
        SandboxServer(world, host="0.0.0.0")


async def test_server_restarts_cleanly(world: Sandbox) -> None:
    server = SandboxServer(world)
    async with server:
        first_port = server.port
    async with server:
        assert server.base_url == f"http://127.0.0.1:{server.port}/bot"
    assert first_port > 0
    with pytest.raises(SandboxUsageError, match="not running"):
        _ = server.port
