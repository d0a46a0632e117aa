"""Admin commands with odd arguments, in the live bot: every one gets one clear line (never a
traceback, never silence, never a silently wrong setting)."""

from __future__ import annotations

from telegram import Chat, User

from bot.config.group_settings import GroupApp, GroupSettings
from bot.core.metrics import MetricId
from bot.demo.playground import Playground
from bot.usecases.settings_commands import MAX_GROUP_APPS
from tests.e2e.test_group_flow import people


async def in_group(ground: Playground) -> tuple[Chat, User, User]:
    """A group with the bot, its owner (an admin) and a member, the welcome already read."""
    group, boss, alice, _ = people(ground)
    ground.sandbox.add_bot_to_group(group, by=boss)
    await ground.drain()
    return group, boss, alice


async def answer(ground: Playground, chat: Chat | User, sender: User, text: str) -> list[str]:
    """Send ``text`` as ``sender`` in ``chat`` (a group, or ``sender``'s private chat) and
    return what the bot answered there."""
    sandbox = ground.sandbox
    if chat.id == sender.id:
        sandbox.private(sender, text)
    else:
        sandbox.command(chat, sender, text)
    # The bot answers only once its updates are processed, so this count is of earlier ones.
    before = len(sandbox.sent_to(chat))
    await ground.drain()
    return [m.plain_text or "" for m in sandbox.sent_to(chat)[before:]]


async def settings_of(ground: Playground, group: Chat) -> GroupSettings:
    stored = await ground.store.group_settings(group.id)
    return stored if stored is not None else GroupSettings()


async def test_a_time_zone_that_names_a_region_or_is_too_long_is_explained(
    playground: Playground,
) -> None:
    group, boss, _ = await in_group(playground)
    for value in ("Asia", "A" * 300):
        [reply] = await answer(playground, group, boss, f"/set tz {value}")
        assert "未知时区" in reply
        assert "Asia/Shanghai" in reply
    assert (await settings_of(playground, group)).timezone is None


async def test_very_long_arguments_get_one_short_line(playground: Playground) -> None:
    group, boss, _ = await in_group(playground)
    for command in (
        "/set threshold " + "x" * 4000 + " warn=1",
        "/set " + "k" * 4000,
        "/set hours " + "mon-fri 08:00-09:00," * 200,
        "/set holiday" + " 2025-12-31" * 360,
    ):
        [reply] = await answer(playground, group, boss, command)
        assert "参数过长" in reply
        assert len(reply) < 500
    assert await settings_of(playground, group) == GroupSettings(title=group.title or "")


async def test_the_settings_stay_readable_with_the_most_apps_a_group_may_have(
    playground: Playground,
) -> None:
    group, boss, _ = await in_group(playground)
    names = [f"{i:02d}" + "政" * 38 for i in range(MAX_GROUP_APPS)]
    crowded = (await settings_of(playground, group)).model_copy(
        update={
            "apps": [GroupApp(name=name) for name in names],
            "required_apps": [name.replace("政", "务") for name in names],
        }
    )
    await playground.services.save_group(group.id, crowded)
    [shown] = await answer(playground, group, boss, "/settings")
    assert names[0] in shown
    [refused] = await answer(playground, group, boss, "/set app required 又一个应用")
    assert str(MAX_GROUP_APPS) in refused
    [saved] = await answer(playground, group, boss, "/set lang en")
    assert "Saved" in saved


async def test_commands_sent_in_the_wrong_kind_of_chat_say_where_they_work(
    playground: Playground,
) -> None:
    group, boss, alice = await in_group(playground)
    for command in ("/settings", "/set tz Asia/Tokyo", "/digest", "/erase", "/subscribe"):
        [reply] = await answer(playground, boss, boss, command)
        assert command.split()[0] in reply
        assert "工作群" in reply
    for command in ("/overview", "/unsubscribe"):
        [reply] = await answer(playground, group, alice, command)
        assert command in reply
        assert "私聊" in reply
    assert (await settings_of(playground, group)).timezone is None


async def test_a_threshold_set_on_one_side_shows_that_side_only_and_keeps_the_other(
    playground: Playground,
) -> None:
    group, boss, _ = await in_group(playground)
    await answer(playground, group, boss, "/set threshold proof_demand alert=4")
    await answer(playground, group, boss, "/set threshold report_demand warn=off")
    # Read back from the store, as after a restart or on another worker.
    await playground.restart_bot()
    default = playground.settings.base_thresholds().rule(MetricId.PROOF_DEMAND)
    effective = (await settings_of(playground, group)).thresholds_from(playground.settings)
    assert effective.rule(MetricId.PROOF_DEMAND).warn == default.warn
    assert effective.rule(MetricId.PROOF_DEMAND).alert == 4
    assert effective.rule(MetricId.PROOF_DEMAND).provision_zh == default.provision_zh
    assert effective.rule(MetricId.REPORT_DEMAND).warn is None
    assert effective.rule(MetricId.REPORT_DEMAND).alert is not None
    for language, heading in (("zh", "阈值调整："), ("en", "Threshold overrides: ")):
        await answer(playground, group, boss, f"/set lang {language}")
        [shown] = await answer(playground, group, boss, "/settings")
        [overrides] = [line for line in shown.splitlines() if line.startswith(heading)]
        assert overrides == heading + "proof_demand alert=4, report_demand warn=off"


async def test_undoing_an_app_the_group_never_listed_says_so_and_changes_nothing(
    playground: Playground,
) -> None:
    group, boss, _ = await in_group(playground)
    [saved] = await answer(playground, group, boss, "/set app required 浙政钉")
    assert saved.startswith("已保存")
    listed = await settings_of(playground, group)
    for command in ("/set app optional 网格通", "/set app remove 网格通"):
        [reply] = await answer(playground, group, boss, command)
        assert reply.startswith("未修改：“网格通”不在本群")
        assert "/settings" in reply
        assert "\n" not in reply
    assert await settings_of(playground, group) == listed
