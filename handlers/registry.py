"""Every handler of the bot, its group and its order, in one table.

PTB tries the groups in ascending order and, within a group, the handlers in the order listed
here; the first handler of a group whose filters match handles the update.

* group -2: noting newcomers to a group (they may flag only from the week after they joined);
* group -1: counting every group message, before any command (so commands are counted too);
  a counted message that does not open with a command ends there: no handler of group 0 takes
  a group message but a command, and trying them all cost each message about as much as
  storing its context (``tests/handlers/test_registry.py`` keeps this true). The webhook's
  express path (``handlers/express.py``) counts such messages without this dispatch at all, so
  a handler that should see them must be added there too (``tests/handlers/test_express.py``
  fails otherwise);
* group 0: commands, buttons and membership changes;
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import (
    admin,
    commands_menu,
    cover_rewrites,
    digest_delivery,
    errors,
    flags,
    group_messages,
    membership,
    overview,
    rollup,
)
from handlers import private as private_chat
from handlers.context import App, BotContext

NEWCOMERS_GROUP = -2
COUNT_GROUP = -1
COMMAND_GROUP = 0

_GROUPS = filters.ChatType.GROUPS
_PRIVATE = filters.ChatType.PRIVATE


async def count_group_message(update: Update, context: BotContext) -> None:
    """Count the message (``handlers.group_messages``); unless it opens with a command, stop
    there, since no later handler takes it."""
    await group_messages.on_group_message(update, context)
    message = update.effective_message
    if message is not None and not group_messages.starts_with_command(message):
        raise ApplicationHandlerStop


@dataclass(frozen=True)
class Registration:
    """One handler and the group it runs in."""

    handler: BaseHandler[Update, BotContext, Any]
    group: int = COMMAND_GROUP


def registrations() -> tuple[Registration, ...]:
    """The bot's handlers in the order they are added."""
    return (
        Registration(
            MessageHandler(group_messages.COUNTED_MESSAGES, count_group_message),
            COUNT_GROUP,
        ),
        # membership
        Registration(
            ChatMemberHandler(
                membership.on_my_membership, chat_member_types=ChatMemberHandler.MY_CHAT_MEMBER
            )
        ),
        Registration(
            ChatMemberHandler(membership.on_member_change, ChatMemberHandler.CHAT_MEMBER)
        ),
        Registration(MessageHandler(filters.StatusUpdate.MIGRATE, membership.on_migrate)),
        # group administration
        Registration(CommandHandler("settings", admin.show_settings, filters=_GROUPS)),
        Registration(CommandHandler("set", admin.set_setting, filters=_GROUPS)),
        Registration(CommandHandler("subscribe", admin.subscribe, filters=_GROUPS)),
        Registration(CommandHandler("digest", admin.digest_now, filters=_GROUPS)),
        Registration(CommandHandler("erase", admin.erase, filters=_GROUPS)),
        Registration(CallbackQueryHandler(admin.confirm_erase, pattern=f"^{admin.ERASE_PREFIX}")),
        Registration(CommandHandler(admin.GROUP_COMMANDS, admin.in_private, filters=_PRIVATE)),
        # anonymous flags: a deep link from the group, the private dialogue, and newcomers
        # (noted before anything else sees the join; they may flag from the next week on)
        Registration(
            ChatMemberHandler(flags.on_member_change, ChatMemberHandler.CHAT_MEMBER),
            NEWCOMERS_GROUP,
        ),
        Registration(
            MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, flags.on_new_members),
            NEWCOMERS_GROUP,
        ),
        Registration(CommandHandler("flag", flags.flag_in_group, filters=_GROUPS)),
        Registration(flags.dialogue()),
        # private chat
        Registration(CommandHandler("start", private_chat.start, filters=_PRIVATE)),
        Registration(CommandHandler("help", private_chat.help_command)),
        Registration(CommandHandler("unsubscribe", private_chat.unsubscribe, filters=_PRIVATE)),
        Registration(CommandHandler("overview", overview.overview, filters=_PRIVATE)),
        Registration(
            CommandHandler(private_chat.PRIVATE_COMMANDS, private_chat.in_group, filters=_GROUPS)
        ),
    )


STARTUP_HOOKS: tuple[Callable[[App], Awaitable[None]], ...] = (
    commands_menu.on_startup,
    digest_delivery.on_startup,
    rollup.on_startup,
    cover_rewrites.on_startup,
)
"""Run in order once the application is initialised: menus, digest jobs, missed digests, the
weekly unit roll-ups, the cover rewrites of the append-only file."""


def register_all(app: App) -> None:
    """Add every handler of ``registrations()`` and the error handler to ``app``."""
    for entry in registrations():
        app.add_handler(entry.handler, group=entry.group)
    app.add_error_handler(errors.log_error)


async def run_startup_hooks(app: App) -> None:
    """Run ``STARTUP_HOOKS`` in order."""
    for hook in STARTUP_HOOKS:
        await hook(app)
