"""The command menus Telegram shows, per scope and language (``setMyCommands``)."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.error import TelegramError

from bot.render.i18n import Translator
from handlers.context import App

log = logging.getLogger(__name__)

DESCRIPTIONS = {
    "start": "Start; open links from your group",
    "flag": "Flag a burden anonymously",
    "help": "What Fingertip does",
    "settings": "Show this group's settings",
    "set": "Change a setting, e.g. /set tz Asia/Shanghai",
    "subscribe": "Get a one-time link that subscribes a leader to the digest",
    "digest": "This week's digest so far",
    "erase": "Erase all data of this group",
    "overview": "Last week across the groups whose digest you receive",
    "unsubscribe": "Stop receiving digests",
}
MENUS: tuple[tuple[BotCommandScope, tuple[str, ...]], ...] = (
    (BotCommandScopeAllPrivateChats(), ("start", "flag", "overview", "unsubscribe", "help")),
    (BotCommandScopeAllGroupChats(), ("flag", "help")),
    (
        BotCommandScopeAllChatAdministrators(),
        ("flag", "settings", "set", "subscribe", "digest", "erase", "help"),
    ),
)


async def on_startup(app: App) -> None:
    """Publish the menus in English (default) and Chinese (for zh clients)."""
    for scope, names in MENUS:
        for language_code in (None, "zh"):
            _ = Translator("zh" if language_code else "en")
            commands = [BotCommand(name, _(DESCRIPTIONS[name])) for name in names]
            try:
                await app.bot.set_my_commands(commands, scope=scope, language_code=language_code)
            except TelegramError as error:
                log.warning("could not publish the command menu: %s", type(error).__name__)
