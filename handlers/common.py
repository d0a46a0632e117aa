"""Helpers shared by handlers: languages, translators, and the administrator check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from telegram import Chat, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import Forbidden, TelegramError

from bot.render.i18n import Translator
from bot.usecases.subscriptions import LinkOutcome
from handlers.context import BotContext

GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
PRESENT = (
    ChatMemberStatus.OWNER,
    ChatMemberStatus.ADMINISTRATOR,
    ChatMemberStatus.MEMBER,
    ChatMemberStatus.RESTRICTED,
)


def user_language(user: User | None, default: str) -> str:
    """The language for a private chat: Chinese for zh* clients, else English, else default."""
    if user is None or not user.language_code:
        return default
    return "zh" if user.language_code.lower().startswith("zh") else "en"


def command_name(message: Message) -> str:
    """The command ``message`` opens with, as "/name" (without an "@bot" suffix)."""
    return "/" + (message.text or "").split(maxsplit=1)[0].lstrip("/").partition("@")[0].lower()


async def group_translator(context: BotContext, chat: Chat) -> Translator:
    """A translator in the group's configured language."""
    found = context.services
    settings = await found.group(chat.id)
    return Translator(settings.language_or(found.settings))


def private_translator(context: BotContext, user: User | None) -> Translator:
    """A translator in the language of a private chat's user."""
    return Translator(user_language(user, context.services.settings.language))


async def is_group_admin(update: Update, context: BotContext) -> bool:
    """True when the sender of ``update`` administers its group.

    Anonymous administrators post "on behalf of the group" (``sender_chat`` is the group itself).
    Administrator lists are cached for a few minutes (see ``administers``).
    """
    chat = update.effective_chat
    message = update.effective_message
    if chat is None or chat.type not in GROUP_TYPES:
        return False
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    user = update.effective_user
    return user is not None and await administers(context, chat.id, user.id)


async def administers(context: BotContext, group_id: int, user_id: int) -> bool:
    """True when ``user_id`` administers ``group_id`` (False when Telegram cannot tell).

    The list is cached for a few minutes, and forgotten when the bot hears of a change of the
    group's administrators (it does where it is an administrator itself).
    """
    found = context.services
    admins = found.admins.get(group_id)
    if admins is None:
        try:
            members = await context.bot.get_chat_administrators(group_id)
        except TelegramError:
            return False
        admins = frozenset(member.user.id for member in members)
        found.admins.put(group_id, admins)
    return user_id in admins


def administers_check(context: BotContext) -> Callable[[int, int], Awaitable[bool]]:
    """``administers`` bound to ``context``: ``check(group_id, user_id)``, for use cases."""

    async def check(group_id: int, user_id: int) -> bool:
        return await administers(context, group_id, user_id)

    return check


async def is_member(context: BotContext, group_id: int, user_id: int) -> bool:
    """True when ``user_id`` currently belongs to ``group_id`` (asked of Telegram, not stored)."""
    try:
        member = await context.bot.get_chat_member(group_id, user_id)
    except TelegramError:
        return False
    return member.status in PRESENT


async def send_invite_in_private(
    context: BotContext, message: Message, user_id: int, text: str, link: str, _: Translator
) -> None:
    """Send ``text`` and the one-time ``link`` to ``user_id`` in private, then confirm in the chat.

    If the user has not started a private chat with the bot, ``message`` gets a reply asking
    them to do so instead.
    """
    try:
        await context.bot.send_message(
            user_id, f"{escape(text)}\n{escape(link)}", parse_mode=ParseMode.HTML
        )
    except Forbidden:
        await message.reply_text(
            _("Open a private chat with me and press Start, then send /subscribe again.")
        )
        return
    await message.reply_text(_("I sent you a one-time subscription link in private."))


def refused_link_text(_: Translator, outcome: LinkOutcome) -> str:
    """Why a one-time subscription link subscribed nobody, in one sentence (never whose rights
    or which group stopped it)."""
    if outcome is LinkOutcome.WITHDRAWN:
        return _(
            "This subscription link no longer works: whoever created it no longer administers "
            "every group it covers, or I am no longer in the group. Ask an admin again."
        )
    return _("This subscription link was already used or has expired; ask an admin again.")
