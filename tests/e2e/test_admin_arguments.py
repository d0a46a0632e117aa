"""Admin commands with odd arguments, in the live bot: every one gets one clear line (never a
traceback, never silence, never a silently wrong setting)."""

from __future__ import annotations

from telegram import Chat, User

from bot.config.group_settings import GroupSettings
from bot.demo.playground import Playground
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
        assert "unknown time zone" in reply
        assert "Asia/Shanghai" in reply
    assert (await settings_of(playground, group)).timezone is None
