"""End to end: the real Application against the Bot API sandbox over HTTP, on a real Redis."""

from __future__ import annotations

from telegram import Chat, Update, User

from bot.core.labels import Label
from bot.core.worktime import Band
from bot.demo.playground import Playground
from tests.support.playground import at


def people(ground: Playground) -> tuple[Chat, User, User, User]:
    """A group with its owner (an admin), a member and a second member."""
    boss = ground.sandbox.add_user("主任", language_code="zh-hans")
    alice = ground.sandbox.add_user("Alice")
    bob = ground.sandbox.add_user("Bob")
    group = ground.sandbox.create_group("云溪街道工作群", owner=boss, members=[alice, bob])
    return group, boss, alice, bob


async def test_joining_posts_a_welcome_that_explains_what_is_recorded(
    playground: Playground,
) -> None:
    group, boss, _, _ = people(playground)
    playground.sandbox.add_bot_to_group(group, by=boss)
    await playground.drain()
    welcome = playground.sandbox.sent_to(group)
    assert len(welcome) == 1
    text = welcome[0].plain_text or ""
    assert "/flag" in text
    assert "无聊天记录" in text or "不记录" in text
    assert "⚠" not in text


async def test_privacy_mode_without_admin_rights_is_explained(playground: Playground) -> None:
    playground.sandbox.set_privacy(False)
    group, boss, _, _ = people(playground)
    playground.sandbox.add_bot_to_group(group, by=boss)
    await playground.drain()
    text = playground.sandbox.sent_to(group)[0].plain_text or ""
    assert "⚠" in text
    assert "@BotFather" in text


async def test_a_week_of_messages_is_counted_by_band_once_each(playground: Playground) -> None:
    group, boss, alice, _ = people(playground)
    sandbox = playground.sandbox
    sandbox.add_bot_to_group(group, by=boss)
    night = sandbox.post(
        group, boss, "请各位今晚11点前把走访台账填好报给我，并截图发群里。", at=at(0, 22, 30)
    )
    sandbox.post(group, alice, "收到", at=at(0, 22, 35))
    sandbox.post(group, boss, "明天上午十点开会，请大家准时参加。", at=at(1, 10))
    sandbox.post(group, alice, "今天食堂有饺子", at=at(1, 12))
    sandbox.post(group, boss, "周六请各位下载政务App并完成注册打卡。", at=at(5, 9))
    await playground.drain()
    # Telegram may deliver an update twice; edits re-label instead of adding.
    sandbox.edit(
        group, night.message_id, "请各位今晚11点前把走访台账填好报给我。", at=at(0, 22, 40)
    )
    await playground.drain()

    week = await playground.store.week(group.id, "2025-W46")
    assert week.messages == 5
    assert week.labelled.get(Label.PROOF_DEMAND, 0) == 0
    assert week.counted_label_in(Label.TASK_PUSH, Band.QUIET) == 1
    assert week.counted_label(Label.TASK_PUSH, outside_work_only=True) == 2
    assert week.counted_label(Label.APP_DEMAND) == 1
    assert week.acknowledgements == 1
    assert len(week.rest_days_with_demands) == 1


async def test_commands_and_service_messages_are_not_burdens(playground: Playground) -> None:
    group, boss, alice, _ = people(playground)
    playground.sandbox.add_bot_to_group(group, by=boss)
    playground.sandbox.command(group, alice, "/help", at=at(0, 23))
    await playground.drain()
    week = await playground.store.week(group.id, "2025-W46")
    assert week.messages == 1
    assert week.demands == 0


async def test_admins_change_settings_and_members_are_refused(playground: Playground) -> None:
    group, boss, alice, _ = people(playground)
    sandbox = playground.sandbox
    sandbox.add_bot_to_group(group, by=boss)
    await playground.drain()
    sandbox.command(group, alice, "/set tz Europe/Berlin")
    sandbox.command(group, boss, "/set hours mon-fri 8-17")
    sandbox.command(group, boss, "/set tz Europe/Berlin")
    await playground.drain()
    replies = [m.plain_text or "" for m in sandbox.sent_to(group)[1:]]
    assert len(replies) == 3
    assert "管理员" in replies[0]
    assert "/set hours" in replies[1]
    assert "Europe/Berlin" in replies[2]
    stored = await playground.store.group_settings(group.id)
    assert stored is not None
    assert stored.timezone == "Europe/Berlin"
    assert stored.working_hours is None


async def test_an_anonymous_admin_is_recognised(playground: Playground) -> None:
    group, boss, _, _ = people(playground)
    playground.sandbox.add_bot_to_group(group, by=boss)
    playground.sandbox.add_member(group, boss, "creator", anonymous=True)
    playground.sandbox.post(group, boss, "/set lang en", sender_chat=group)
    await playground.drain()
    stored = await playground.store.group_settings(group.id)
    assert stored is not None
    assert stored.language == "en"


async def test_the_digest_so_far_and_the_erasure(playground: Playground) -> None:
    group, boss, alice, _ = people(playground)
    sandbox = playground.sandbox
    sandbox.add_bot_to_group(group, by=boss)
    sandbox.post(group, boss, "请大家今晚10点前截图发群里", at=at(0, 21))
    sandbox.command(group, boss, "/digest")
    await playground.drain()
    digest, chart = sandbox.sent_to(group)[-2:]
    assert digest.parse_mode == "HTML"
    assert "2025-W46" in (digest.plain_text or "")
    assert chart.kind == "photo"

    sandbox.command(group, alice, "/erase")
    sandbox.command(group, boss, "/erase")
    await playground.drain()
    prompt = sandbox.sent_to(group)[-1]
    assert prompt.reply_markup is not None
    sandbox.press(alice, prompt, "erase:yes")
    await playground.drain()
    assert (await playground.store.week(group.id, "2025-W46")).messages > 0
    sandbox.press(boss, prompt, "erase:yes")
    await playground.drain()
    assert (await playground.store.week(group.id, "2025-W46")).messages == 0


async def test_removal_stops_collection(playground: Playground) -> None:
    group, boss, alice, _ = people(playground)
    sandbox = playground.sandbox
    sandbox.add_bot_to_group(group, by=boss)
    sandbox.post(group, alice, "早上好", at=at(0, 9))
    sandbox.remove_bot_from_group(group, by=boss)
    await playground.drain()
    stored = await playground.store.group_settings(group.id)
    assert stored is not None
    assert not stored.active
    assert (await playground.store.week(group.id, "2025-W46")).messages == 1


async def test_an_upgrade_to_supergroup_keeps_data_and_settings(playground: Playground) -> None:
    group, boss, alice, _ = people(playground)
    sandbox = playground.sandbox
    sandbox.add_bot_to_group(group, by=boss)
    sandbox.command(group, boss, "/set lang en")
    sandbox.post(group, boss, "请各村今晚报送统计表", at=at(0, 20))
    await playground.drain()
    supergroup = sandbox.migrate_to_supergroup(group, by=boss)
    sandbox.post(supergroup, alice, "收到", at=at(0, 20, 5))
    await playground.drain()
    moved = await playground.store.week(supergroup.id, "2025-W46")
    assert moved.counted_label(Label.REPORT_DEMAND) == 1
    assert moved.acknowledgements == 1
    settings = await playground.store.group_settings(supergroup.id)
    assert settings is not None
    assert settings.language == "en"
    assert (await playground.store.week(group.id, "2025-W46")).messages == 0


async def test_a_stale_redelivery_of_the_original_does_not_undo_an_edit(
    playground: Playground,
) -> None:
    group, boss, _, _ = people(playground)
    sandbox = playground.sandbox
    sandbox.add_bot_to_group(group, by=boss)
    await playground.drain()
    original = sandbox.post(group, boss, "请各位今晚11点前截图发群里。", at=at(0, 22, 30))
    # Keep the original update as Telegram would redeliver it, then handle it normally.
    [first_delivery] = await playground.application.bot.get_updates(
        offset=playground._offset, timeout=0
    )
    await playground.drain()
    sandbox.edit(group, original.message_id, "明天上午十点开会。", at=at(0, 22, 40))
    await playground.drain()
    edited = await playground.store.week(group.id, "2025-W46")
    assert edited.labelled.get(Label.PROOF_DEMAND, 0) == 0

    await playground.application.process_update(first_delivery)

    week = await playground.store.week(group.id, "2025-W46")
    assert week.messages == 1
    assert week.labelled == edited.labelled


async def unconfirmed_batch(playground: Playground) -> tuple[Update, ...]:
    """The pending updates, read without confirming them: polling confirms a batch with the
    next getUpdates, so a bot killed after handling it gets the same batch after its restart."""
    return await playground.application.bot.get_updates(
        offset=playground._offset, timeout=0, allowed_updates=Update.ALL_TYPES
    )


async def replay_after_restart(playground: Playground, batch: tuple[Update, ...]) -> None:
    """Restart the bot and hand it ``batch`` again, as Telegram does after a crash."""
    await playground.restart_bot()
    for update in batch:
        await playground.application.process_update(update)


async def test_a_batch_redelivered_after_a_crash_across_the_upgrade_counts_once(
    playground: Playground,
) -> None:
    group, boss, _, _ = people(playground)
    sandbox = playground.sandbox
    sandbox.add_bot_to_group(group, by=boss)
    await playground.drain()
    sandbox.post(group, boss, "请各村今晚报送统计表", at=at(0, 20))
    supergroup = sandbox.migrate_to_supergroup(group, by=boss)
    batch = await unconfirmed_batch(playground)  # the message, then the migration
    await playground.drain()
    await replay_after_restart(playground, batch)

    moved = await playground.store.week(supergroup.id, "2025-W46")
    assert (moved.messages, moved.counted_label(Label.REPORT_DEMAND)) == (1, 1)
    assert (await playground.store.week(group.id, "2025-W46")).messages == 0
    assert await playground.store.groups() == [supergroup.id]


async def test_a_redelivered_addition_welcomes_once_and_a_re_addition_again(
    playground: Playground,
) -> None:
    group, boss, _, _ = people(playground)
    sandbox = playground.sandbox
    sandbox.add_bot_to_group(group, by=boss)
    batch = await unconfirmed_batch(playground)
    await playground.drain()
    await replay_after_restart(playground, batch)
    assert len(sandbox.sent_to(group)) == 1

    # A real removal, then the bot is added back (in the same second, even): welcomed again.
    sandbox.remove_bot_from_group(group, by=boss)
    sandbox.add_bot_to_group(group, by=boss)
    await playground.drain()
    welcomes = sandbox.sent_to(group)
    assert len(welcomes) == 2
    assert "/flag" in (welcomes[1].plain_text or "")


async def test_a_redelivered_addition_before_the_upgrade_does_not_revive_the_old_chat(
    playground: Playground,
) -> None:
    # Promoting the bot in a basic group upgrades it: the addition, a message and the
    # migration can come in one batch, and come again after a crash.
    group, boss, _, _ = people(playground)
    sandbox = playground.sandbox
    sandbox.add_bot_to_group(group, by=boss)
    sandbox.post(group, boss, "请各村今晚报送统计表", at=at(0, 20))
    supergroup = sandbox.migrate_to_supergroup(group, by=boss)
    batch = await unconfirmed_batch(playground)
    await playground.drain()
    welcomes = len(sandbox.sent_to(group))
    await replay_after_restart(playground, batch)

    moved = await playground.store.week(supergroup.id, "2025-W46")
    assert moved.messages == 1
    assert (await playground.store.week(group.id, "2025-W46")).messages == 0
    assert await playground.store.groups() == [supergroup.id]
    old = await playground.store.group_settings(group.id)
    assert old is not None
    assert (old.active, old.migrated_to) == (False, supergroup.id)
    assert len(sandbox.sent_to(group)) == welcomes
