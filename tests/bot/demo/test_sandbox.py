"""The Bot API double, driven over HTTP by the real python-telegram-bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Message,
    MessageOriginUser,
    Update,
    User,
)
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.demo.sandbox import (
    GROUP_ANONYMOUS_BOT_ID,
    SECRET_HEADER,
    ManualClock,
    RateLimit,
    Sandbox,
    SandboxServer,
)
from tests.support.http import closing_session
from tests.support.sandbox import (
    BOT_TOKEN,
    BOT_USERNAME,
    application_builder,
    make_bot,
)

# Generous bound for "the call came back": it guards against hangs, it measures nothing.
HANG_GUARD = 10.0


@pytest.fixture
def owner(sandbox: Sandbox) -> User:
    return sandbox.add_user("Owner", username="group_owner", language_code="zh-hans")


@pytest.fixture
def alice(sandbox: Sandbox) -> User:
    return sandbox.add_user("Alice", language_code="zh-hans")


@pytest.fixture
def group(sandbox: Sandbox, owner: User, alice: User) -> Chat:
    chat = sandbox.create_group("云溪街道工作群", owner=owner, supergroup=True, members=[alice])
    sandbox.add_bot_to_group(chat, by=owner)
    return chat


@pytest.fixture
async def bot(sandbox_server: SandboxServer) -> AsyncIterator[Bot]:
    async with make_bot(sandbox_server) as connected:
        yield connected


async def eventually(condition: Callable[[], bool]) -> None:
    """Wait (bounded by HANG_GUARD) until ``condition()`` holds; fail if it never does."""
    for _ in range(int(HANG_GUARD / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    pytest.fail("the condition never became true")


async def drain(bot: Bot) -> list[Update]:
    """Fetch and confirm every pending update."""
    updates = await bot.get_updates(timeout=0)
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    return list(updates)


# --------------------------------------------------------------------------- account basics


async def test_get_me_reports_the_configured_bot(sandbox_clock: ManualClock) -> None:
    world = Sandbox(clock=sandbox_clock)
    world.add_bot("777:abc", "audit_bot", first_name="Audit", can_read_all_group_messages=False)
    async with SandboxServer(world) as server, make_bot(server, "777:abc") as connected:
        me = await connected.get_me()
    assert (me.id, me.username, me.first_name, me.is_bot) == (777, "audit_bot", "Audit", True)
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False


async def test_unknown_token_is_unauthorized(sandbox_server: SandboxServer) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with make_bot(sandbox_server, "999:not-a-known-token"):
            pass
    [call] = sandbox_server.sandbox.calls("getMe")
    assert (call.error_code, call.description, call.bot_id) == (401, "Unauthorized", None)


async def test_unknown_method_is_not_found(sandbox_server: SandboxServer) -> None:
    url = f"{sandbox_server.base_url}{BOT_TOKEN}/makeCoffee"
    async with closing_session() as session, session.post(url) as response:
        body = await response.json()
    assert response.status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_json_bodies_are_accepted_like_form_bodies(
    sandbox: Sandbox, sandbox_server: SandboxServer, group: Chat
) -> None:
    url = f"{sandbox_server.base_url}{BOT_TOKEN}/sendMessage"
    payload = {"chat_id": group.id, "text": "通知", "reply_markup": {"inline_keyboard": []}}
    async with closing_session() as session, session.post(url, json=payload) as response:
        body = await response.json()
    assert body["ok"] is True
    assert body["result"]["text"] == "通知"
    assert "group_chat_created" not in body["result"]  # Telegram omits false service flags
    assert [sent.text for sent in sandbox.sent_to(group)] == ["通知"]


# ---------------------------------------------------------------------------------- sending


async def test_send_message_is_recorded_with_parse_mode_and_keyboard(
    sandbox: Sandbox, bot: Bot, group: Chat
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("设置", callback_data="settings:tz")]])
    returned = await bot.send_message(
        group.id, "<b>本周</b> 3 &lt; 5", parse_mode="HTML", reply_markup=keyboard
    )

    [sent] = sandbox.sent_to(group)
    assert sent.message_id == returned.message_id
    assert (sent.text, sent.parse_mode) == ("<b>本周</b> 3 &lt; 5", "HTML")
    assert sent.plain_text == "本周 3 < 5" == returned.text
    assert sent.callback_data == ["settings:tz"]
    assert [(e.type, e.offset, e.length) for e in returned.entities] == [("bold", 0, 2)]
    [call] = sandbox.calls("sendMessage")
    assert call.ok
    assert call.chat_id == group.id
    assert call.params["parse_mode"] == "HTML"
    assert call.params["reply_markup"] == keyboard.to_dict()


@pytest.mark.parametrize(
    ("text", "parse_mode", "accepted"),
    [
        ("字" * 4096, None, True),
        ("字" * 4097, None, False),
        ("<b>" + "字" * 4096 + "</b>", "HTML", True),  # tags do not count
        ("&lt;" * 4096, "HTML", True),  # an entity counts as one character
        ("&lt;" * 4097, "HTML", False),
    ],
)
async def test_text_limit_counts_characters_after_parsing(
    bot: Bot, group: Chat, text: str, parse_mode: str | None, accepted: bool
) -> None:
    if accepted:
        sent = await bot.send_message(group.id, text, parse_mode=parse_mode)
        assert len(sent.text or "") == 4096
    else:
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(group.id, text, parse_mode=parse_mode)


async def test_unescaped_html_is_rejected_like_telegram(bot: Bot, group: Chat) -> None:
    with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
        await bot.send_message(group.id, "<截图> 今晚交", parse_mode="HTML")


async def test_empty_text_and_unknown_chat_are_bad_requests(bot: Bot, group: Chat) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(group.id, "   ")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-100123, "hello")


async def test_forbidden_answers(sandbox: Sandbox, bot: Bot, owner: User, alice: User) -> None:
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(alice.id, "hi")
    sandbox.private(alice, "/start")
    await bot.send_message(alice.id, "welcome")
    sandbox.block_bot(alice)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "still there?")
    lonely = sandbox.create_group("Other", owner=owner)
    with pytest.raises(Forbidden, match="bot is not a member of the group chat"):
        await bot.send_message(lonely.id, "hi")
    assert [sent.text for sent in sandbox.sent_to(alice)] == ["welcome"]


async def test_multipart_send_document_keeps_name_and_size(
    sandbox: Sandbox, bot: Bot, group: Chat
) -> None:
    content = "周报,签到\n3,5\n".encode()
    sent = await bot.send_document(
        group.id,
        document=content,
        filename="weekly.csv",
        caption="<i>digest</i>",
        parse_mode="HTML",
    )

    [call] = sandbox.calls("sendDocument")
    assert call.files["document"].filename == "weekly.csv"
    assert call.files["document"].size == len(content)
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.file_size) == ("weekly.csv", len(content))
    assert sent.caption == "digest"
    [stored] = sandbox.sent_to(group)
    assert (stored.kind, stored.text) == ("document", "<i>digest</i>")
    downloaded = await (await sent.document.get_file()).download_as_bytearray()
    assert bytes(downloaded) == content


async def test_send_photo_by_upload(sandbox: Sandbox, bot: Bot, group: Chat) -> None:
    sent = await bot.send_photo(group.id, photo=b"\x89PNG fake", filename="chart.png")
    assert sent.photo
    assert sandbox.calls("sendPhoto")[0].files["photo"].filename == "chart.png"
    assert sandbox.sent_to(group)[0].kind == "photo"


async def test_rate_limit_answers_retry_after(
    sandbox: Sandbox,
    sandbox_clock: ManualClock,
    bot: Bot,
    group: Chat,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # PTB 22 warns about the int form of retry_after unless the timedelta form is opted in.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    sandbox.set_rate_limit(RateLimit(messages=2, per=timedelta(seconds=30)))
    await bot.send_message(group.id, "one")
    sandbox_clock.advance(timedelta(seconds=10))
    await bot.send_message(group.id, "two")

    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(group.id, "three")
    assert limited.value.retry_after == timedelta(seconds=20)

    sandbox_clock.advance(timedelta(seconds=20))
    await bot.send_message(group.id, "three, later")
    assert [sent.text for sent in sandbox.sent_to(group)] == ["one", "two", "three, later"]
    assert [call.error_code for call in sandbox.calls("sendMessage")] == [None, None, 429, None]


async def test_edit_message_text_updates_the_stored_message(
    sandbox: Sandbox, bot: Bot, group: Chat
) -> None:
    sent = await bot.send_message(group.id, "draft")
    edited = await bot.edit_message_text("final", chat_id=group.id, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "final"
    [stored] = sandbox.sent_to(group)
    assert (stored.text, stored.edit_count) == ("final", 1)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("final", chat_id=group.id, message_id=sent.message_id)


async def test_delete_message_rules(sandbox: Sandbox, bot: Bot, group: Chat, alice: User) -> None:
    own = await bot.send_message(group.id, "temporary")
    members = sandbox.post(group, alice, "收到")
    assert await bot.delete_message(group.id, own.message_id)
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(group.id, members.message_id)
    assert sandbox.sent_to(group) == []


# ------------------------------------------------------------------------------- chat info


async def test_chat_info_and_members(
    sandbox: Sandbox, bot: Bot, group: Chat, owner: User, alice: User
) -> None:
    stranger = sandbox.add_user("Bob")
    chat = await bot.get_chat(group.id)
    assert (chat.id, chat.type, chat.title) == (group.id, "supergroup", "云溪街道工作群")
    assert (await bot.get_chat_member(group.id, alice.id)).status == "member"
    assert (await bot.get_chat_member(group.id, stranger.id)).status == "left"
    admins = await bot.get_chat_administrators(group.id)
    assert [(admin.user.id, admin.status) for admin in admins] == [(owner.id, "creator")]
    assert await bot.get_chat_member_count(group.id) == 3  # owner, alice, the bot


async def test_leave_chat_sends_my_chat_member(sandbox: Sandbox, bot: Bot, group: Chat) -> None:
    await drain(bot)
    assert await bot.leave_chat(group.id)
    [update] = await drain(bot)
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "left"
    assert sandbox.member_status(group, bot.id) == "left"
    with pytest.raises(Forbidden, match="not a member of the supergroup chat"):
        await bot.send_message(group.id, "hello?")


# --------------------------------------------------------------------------------- updates


async def test_joining_a_group_queues_my_chat_member_then_service_message(
    bot: Bot, group: Chat, owner: User
) -> None:
    first, second = await drain(bot)
    assert first.my_chat_member is not None
    assert first.my_chat_member.from_user.id == owner.id
    assert first.my_chat_member.old_chat_member.status == "left"
    assert first.my_chat_member.new_chat_member.status == "member"
    assert second.message is not None
    assert [member.id for member in second.message.new_chat_members] == [bot.id]
    assert second.update_id == first.update_id + 1


async def test_long_poll_returns_when_a_message_is_posted(
    sandbox: Sandbox, bot: Bot, group: Chat, alice: User
) -> None:
    await drain(bot)
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    queue = sandbox.bot_state().updates
    await eventually(lambda: queue.waiting > 0 or poll.done())
    assert not poll.done(), "getUpdates returned before anything was posted"

    posted = sandbox.post(group, alice, "请今晚10点前截图发群里")

    updates = await asyncio.wait_for(poll, HANG_GUARD)
    assert [update.message.text for update in updates if update.message] == [posted.text]


async def test_idle_long_poll_returns_empty_after_its_timeout(bot: Bot, group: Chat) -> None:
    await drain(bot)
    updates = await asyncio.wait_for(
        bot.get_updates(timeout=timedelta(milliseconds=200)), HANG_GUARD
    )
    assert updates == ()


async def test_offset_confirms_updates(sandbox: Sandbox, bot: Bot, group: Chat) -> None:
    updates = await bot.get_updates(timeout=0)
    assert len(updates) == 2
    again = await bot.get_updates(offset=updates[1].update_id, timeout=0)
    assert [update.update_id for update in again] == [updates[1].update_id]
    await bot.get_updates(offset=updates[1].update_id + 1, timeout=0)
    assert sandbox.pending_updates() == []


async def test_posts_carry_date_reply_forward_and_anonymous_admin(
    sandbox: Sandbox, sandbox_clock: ManualClock, bot: Bot, group: Chat, owner: User, alice: User
) -> None:
    sandbox.add_member(group, owner, "creator", anonymous=True)
    await drain(bot)
    late = sandbox_clock() + timedelta(hours=13)
    push = sandbox.post(group, owner, "今晚10点前上报", at=late, sender_chat=group)
    reply = sandbox.post(group, alice, "收到", reply_to=push)
    forwarded = sandbox.post(group, alice, "转发：打卡", forward_from=owner)
    photo = sandbox.post(group, alice, photo=True, caption="截图")
    by_id = {u.message.message_id: u.message for u in await drain(bot) if u.message}

    anonymous = by_id[push.message_id]
    assert anonymous.from_user is not None
    assert anonymous.from_user.id == GROUP_ANONYMOUS_BOT_ID
    assert anonymous.sender_chat is not None
    assert anonymous.sender_chat.id == group.id
    assert anonymous.date == late
    replied = by_id[reply.message_id].reply_to_message
    assert replied is not None
    assert replied.message_id == push.message_id
    origin = by_id[forwarded.message_id].forward_origin
    assert isinstance(origin, MessageOriginUser)
    assert origin.sender_user.id == owner.id
    assert by_id[photo.message_id].caption == "截图"
    assert by_id[photo.message_id].photo


async def test_command_entities_and_private_start(
    sandbox: Sandbox, bot: Bot, group: Chat, alice: User
) -> None:
    await drain(bot)
    sandbox.command(group, alice, f"/settings@{BOT_USERNAME} tz Asia/Shanghai")
    sandbox.private(alice, "/start flag_xxx")
    group_update, private_update = await drain(bot)

    assert group_update.message is not None
    assert group_update.message.parse_entities(["bot_command"]) == {
        group_update.message.entities[0]: f"/settings@{BOT_USERNAME}"
    }
    assert private_update.message is not None
    assert private_update.message.chat.type == "private"
    assert private_update.message.chat.id == alice.id
    assert private_update.message.text == "/start flag_xxx"


async def test_member_edit_queues_edited_message(
    sandbox: Sandbox, bot: Bot, group: Chat, alice: User
) -> None:
    original = sandbox.post(group, alice, "明天交")
    await drain(bot)
    sandbox.edit(group, original.message_id, "今晚交")
    [update] = await drain(bot)
    assert update.edited_message is not None
    assert (update.edited_message.message_id, update.edited_message.text) == (
        original.message_id,
        "今晚交",
    )
    assert update.edited_message.edit_date is not None


async def test_callback_press_round_trip(
    sandbox: Sandbox, bot: Bot, group: Chat, alice: User
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("标记负担", callback_data="flag:42")]])
    await bot.send_message(group.id, "这条消息是负担吗？", reply_markup=keyboard)
    await drain(bot)
    [sent] = sandbox.sent_to(group)

    pressed = sandbox.press(alice, sent, "flag:42")
    [update] = await drain(bot)
    query = update.callback_query
    assert query is not None
    assert (query.id, query.data, query.from_user.id) == (pressed.id, "flag:42", alice.id)
    assert query.message is not None
    assert query.message.message_id == sent.message_id

    assert await bot.answer_callback_query(query.id, text="已匿名记录")
    answer = sandbox.callback_answer(pressed)
    assert answer is not None
    assert (answer.text, answer.show_alert) == ("已匿名记录", False)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)


async def test_set_my_commands_is_stored_per_scope_and_language(
    sandbox: Sandbox, bot: Bot
) -> None:
    group_scope = BotCommandScopeAllGroupChats()
    await bot.set_my_commands([BotCommand("settings", "Group settings")], scope=group_scope)
    await bot.set_my_commands(
        [BotCommand("settings", "群设置")], scope=group_scope, language_code="zh"
    )
    await bot.set_my_commands([BotCommand("start", "Start")])

    assert [c.description for c in await bot.get_my_commands(scope=group_scope)] == [
        "Group settings"
    ]
    zh = await bot.get_my_commands(scope=group_scope, language_code="zh")
    assert [(c.command, c.description) for c in zh] == [("settings", "群设置")]
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert sandbox.commands(scope={"type": "all_group_chats"}, language_code="zh") == [
        BotCommand("settings", "群设置")
    ]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad Name", "x")])


async def test_profile_texts_and_menu_button_are_stored(bot: Bot) -> None:
    await bot.set_my_description("Audits work groups")
    await bot.set_my_description("审计工作群", language_code="zh")
    await bot.set_my_short_description("审计", language_code="zh")
    await bot.set_chat_menu_button(menu_button=MenuButtonCommands())

    assert (await bot.get_my_description(language_code="zh")).description == "审计工作群"
    assert (await bot.get_my_description(language_code="en")).description == "Audits work groups"
    assert (await bot.get_my_short_description()).short_description == ""
    assert (await bot.get_my_name()).name == "Fingertip"
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)
    rights = await bot.get_my_default_administrator_rights()
    assert rights.can_delete_messages is False


async def test_migration_to_supergroup(
    sandbox: Sandbox, sandbox_clock: ManualClock, owner: User, alice: User
) -> None:
    basic = sandbox.create_group("社区群", owner=owner, members=[alice])
    sandbox.add_bot_to_group(basic, by=owner)
    async with SandboxServer(sandbox) as server, make_bot(server) as connected:
        await drain(connected)
        supergroup = sandbox.migrate_to_supergroup(basic)
        to_update, from_update = await drain(connected)
        with pytest.raises(ChatMigrated) as migrated:
            await connected.send_message(basic.id, "hello")
        await connected.send_message(supergroup.id, "hello again")

    assert supergroup.type == "supergroup"
    assert supergroup.id != basic.id
    assert to_update.message is not None
    assert (to_update.message.chat.id, to_update.message.migrate_to_chat_id) == (
        basic.id,
        supergroup.id,
    )
    assert from_update.message is not None
    assert (from_update.message.chat.id, from_update.message.migrate_from_chat_id) == (
        supergroup.id,
        basic.id,
    )
    assert migrated.value.new_chat_id == supergroup.id
    assert sandbox.member_status(supergroup, alice) == "member"
    assert [sent.text for sent in sandbox.sent_to(supergroup)] == ["hello again"]


# --------------------------------------------------------------------------------- webhook


async def test_webhook_delivery_carries_the_secret(
    sandbox: Sandbox, bot: Bot, group: Chat, alice: User
) -> None:
    received: list[dict[str, object]] = []

    async def receive(request: web.Request) -> web.Response:
        if request.headers.get(SECRET_HEADER) != "s3cret-token":
            return web.Response(status=403)
        received.append(await request.json())
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        await drain(bot)
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret-token")
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        posted = sandbox.post(group, alice, "接龙：收到请回复")

        assert await sandbox.deliver_webhook(secret_token="forged") == [403]
        assert (await bot.get_webhook_info()).pending_update_count == 1
        assert await sandbox.deliver_webhook() == [200]
    finally:
        await runner.cleanup()

    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == (f"http://127.0.0.1:{port}/hook", 0)
    assert [update["message"]["text"] for update in received] == [posted.text]  # type: ignore[index]
    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


# ----------------------------------------------------------------------------- application


async def test_real_application_echoes_through_polling(
    sandbox: Sandbox, sandbox_server: SandboxServer, group: Chat, alice: User
) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    application = application_builder(sandbox_server).build()
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(timeout=1, drop_pending_updates=True)
        await application.start()
        try:
            sandbox.post(group, alice, "今晚加班")
            await eventually(lambda: bool(sandbox.sent_to(group)))
        finally:
            await application.updater.stop()
            await application.stop()

    [reply] = sandbox.sent_to(group)
    assert reply.text == "echo: 今晚加班"
    assert reply.message.reply_to_message is not None
    assert reply.message.reply_to_message.from_user is not None
    assert reply.message.reply_to_message.from_user.id == alice.id
    assert sandbox.calls("deleteWebhook")[0].params["drop_pending_updates"] is True
