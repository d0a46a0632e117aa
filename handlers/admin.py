"""Admin commands in a group: show and change settings, subscribe leaders, digest now, erase."""

from __future__ import annotations

import logging
import secrets
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.render.settings_html import settings_html
from bot.usecases.settings_commands import CommandArgumentError, apply_setting, usage
from handlers import digest_delivery, rollup
from handlers.common import (
    command_name,
    group_translator,
    is_group_admin,
    private_translator,
    send_invite_in_private,
)
from handlers.context import BotContext

log = logging.getLogger(__name__)
INVITE_SECONDS = 24 * 3600
ERASE_PREFIX = "erase:"
GROUP_COMMANDS = ("settings", "set", "subscribe", "digest", "erase")
"""The commands that act on the group they are sent in (``in_private`` answers them there)."""


async def _refuse_non_admin(update: Update, context: BotContext) -> bool:
    """Reply and return True when the sender is not an administrator of the group."""
    if await is_group_admin(update, context):
        return False
    chat, message = update.effective_chat, update.effective_message
    if chat is not None and message is not None:
        _ = await group_translator(context, chat)
        await message.reply_text(
            _("Only this group's administrators can do that. Members can flag with /flag.")
        )
    return True


async def in_private(update: Update, context: BotContext) -> None:
    """A group command sent to the bot in private: say where it works (not silence)."""
    message = update.effective_message
    if message is None:
        return
    _ = private_translator(context, update.effective_user)
    await message.reply_text(
        _(
            "{command} works in a work group: send it there, as one of its administrators.",
            command=command_name(message),
        )
    )


async def show_settings(update: Update, context: BotContext) -> None:
    """/settings: the group's effective settings (admins only)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or await _refuse_non_admin(update, context):
        return
    found = context.services
    _ = await group_translator(context, chat)
    text = settings_html(await found.group(chat.id), found.settings, _, usage())
    await message.reply_text(text, parse_mode=ParseMode.HTML)


async def set_setting(update: Update, context: BotContext) -> None:
    """/set KEY VALUE…: change one setting; a wrong argument gets one line with an example."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or await _refuse_non_admin(update, context):
        return
    found = context.services
    current = await found.group(chat.id)
    try:
        updated = apply_setting(current, context.args or [], found.settings, now=found.clock())
    except CommandArgumentError as error:
        _ = await group_translator(context, chat)
        await message.reply_text(_("Not changed: {reason}", reason=_.phrase(error.phrase)))
        return
    await found.save_group(chat.id, updated)
    digest_delivery.schedule_group(context.job_queue, found, chat.id, updated)
    _ = await group_translator(context, chat)
    reply = escape(_("Saved.")) + "\n\n" + settings_html(updated, found.settings, _, usage())
    await message.reply_text(reply, parse_mode=ParseMode.HTML)


async def subscribe(update: Update, context: BotContext) -> None:
    """/subscribe: send the admin a one-time link that subscribes a leader to the digest.

    ``/subscribe unit PATH`` hands out a unit's roll-up instead (see ``handlers.rollup``).
    """
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    if context.args and context.args[0].lower() == "unit":
        await rollup.subscribe_unit(update, context, " ".join(context.args[1:]))
        return
    if chat is None or message is None or await _refuse_non_admin(update, context):
        return
    _ = await group_translator(context, chat)
    if message.sender_chat is not None or user is None:
        await message.reply_text(
            _("Send /subscribe from your own account, not anonymously: the link comes in private.")
        )
        return
    token = secrets.token_urlsafe(18)
    found = context.services
    await found.store.create_invite(token, chat.id, user.id, INVITE_SECONDS)
    link = f"https://t.me/{context.bot.username}?start=sub_{token}"
    text = _(
        "One-time link for the weekly digest of {group}. Forward it to the leader who should "
        "receive it; it works once, within 24 hours:",
        group=chat.title or str(chat.id),
    )
    await send_invite_in_private(context, message, user.id, text, link, _)


async def digest_now(update: Update, context: BotContext) -> None:
    """/digest: this week's digest so far, in the group."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or await _refuse_non_admin(update, context):
        return
    await digest_delivery.send_current_week(context.bot, context.services, chat.id)


async def erase(update: Update, context: BotContext) -> None:
    """/erase: ask an administrator to confirm erasing everything stored about the group."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or await _refuse_non_admin(update, context):
        return
    _ = await group_translator(context, chat)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Erase all data"), callback_data=f"{ERASE_PREFIX}yes"),
                InlineKeyboardButton(_("Cancel"), callback_data=f"{ERASE_PREFIX}no"),
            ]
        ]
    )
    await message.reply_text(
        _("Erase every count, excerpt and flag stored for this group? This cannot be undone."),
        reply_markup=keyboard,
    )


async def confirm_erase(update: Update, context: BotContext) -> None:
    """The erase confirmation button (administrators only)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    _ = await group_translator(context, chat)
    if not await is_group_admin(update, context):
        await query.answer(_("Only this group's administrators can do that."), show_alert=True)
        return
    await query.answer()
    if query.data != f"{ERASE_PREFIX}yes":
        await query.edit_message_text(_("Nothing was erased."))
        return
    found = context.services
    group = await found.group(chat.id)
    removed = await found.store.erase_group(chat.id)
    found.forget_group(chat.id)
    # Keep collecting with the same settings: erasure is of the data, not of the bot.
    await found.save_group(chat.id, group)
    log.info("group %s erased (%d keys)", chat.id, removed)
    try:
        await query.edit_message_text(_("All data of this group was erased."))
    except TelegramError:
        log.warning("could not confirm erasure in group %s", chat.id)
