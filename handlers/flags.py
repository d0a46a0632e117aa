"""Anonymous flags: ``/flag`` in a group links to a private chat, where the member picks a type.

The member's identity is used only to check membership (asked of Telegram) and to derive the
unlinkable tokens of ``bot.core.flags``; nothing that identifies the member is stored with the
flag or written to the logs. The pending choice lives in memory only, until it is confirmed or
cancelled.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType

from bot.core.flags import FLAG_TEXT_MAX, FLAGS_PER_DAY, clean_flag_text
from bot.core.labels import ALL_LABELS, Label
from bot.core.worktime import iso_week
from bot.render.i18n import Translator
from bot.render.names import label_name
from handlers.common import group_translator, is_member, private_translator
from handlers.context import BotContext

log = logging.getLogger(__name__)
FLAG_PAYLOAD = "flag_"
PENDING = "fingertip.pending_flag"
CALLBACK = "flag:"


async def flag_in_group(update: Update, context: BotContext) -> None:
    """Answer with a deep link into a private chat; flags are never taken in the group."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    _ = await group_translator(context, chat)
    link = f"https://t.me/{context.bot.username}?start={FLAG_PAYLOAD}{chat.id}"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(_("Flag anonymously"), url=link)]])
    await message.reply_text(
        _(
            "Flags are anonymous and taken only in a private chat with me. "
            "Please do not describe the burden here."
        ),
        reply_markup=keyboard,
    )


async def start_flag(update: Update, context: BotContext, group_id: int) -> None:
    """Private: check membership of ``group_id``, then offer the burden types."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    _ = private_translator(context, user)
    if not await is_member(context, group_id, user.id):
        await message.reply_text(_("You can only flag groups you belong to."))
        return
    _pending(context).clear()
    _pending(context)["group"] = group_id
    title = (await context.services.group(group_id)).title or str(group_id)
    await message.reply_text(
        _("What kind of burden do you want to flag in {group}?", group=title),
        reply_markup=_label_keyboard(_),
    )


async def flag_in_private(update: Update, context: BotContext) -> None:
    """Private ``/flag``: offer the groups the member belongs to."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    _ = private_translator(context, user)
    found = context.services
    buttons = []
    for group_id in await found.store.groups():
        group = await found.group(group_id)
        if group.active and await is_member(context, group_id, user.id):
            title = group.title or str(group_id)
            buttons.append([InlineKeyboardButton(title, callback_data=f"{CALLBACK}g:{group_id}")])
    if not buttons:
        await message.reply_text(_("I found no group of yours that I audit."))
        return
    await message.reply_text(
        _("Which group do you want to flag?"), reply_markup=InlineKeyboardMarkup(buttons)
    )


def _label_keyboard(_: Translator) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(label_name(_, label), callback_data=f"{CALLBACK}l:{label.value}")]
        for label in ALL_LABELS
    ]
    rows.append([InlineKeyboardButton(_("Cancel"), callback_data=f"{CALLBACK}cancel")])
    return InlineKeyboardMarkup(rows)


def _confirm_keyboard(_: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Send flag"), callback_data=f"{CALLBACK}ok"),
                InlineKeyboardButton(_("Cancel"), callback_data=f"{CALLBACK}cancel"),
            ]
        ]
    )


def _pending(context: BotContext) -> dict[str, Any]:
    data = context.user_data
    if data is None:
        return {}
    pending: dict[str, Any] = data.setdefault(PENDING, {})
    return pending


async def on_button(update: Update, context: BotContext) -> None:
    """The flag dialogue's buttons: group, burden type, send, cancel."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.data is None:
        return
    if query.message is not None and query.message.chat.type != ChatType.PRIVATE:
        await query.answer()
        return
    _ = private_translator(context, user)
    await query.answer()
    action = query.data.removeprefix(CALLBACK)
    pending = _pending(context)
    if action.startswith("g:"):
        group_id = int(action[2:])
        if not await is_member(context, group_id, user.id):
            await query.edit_message_text(_("You can only flag groups you belong to."))
            return
        pending.clear()
        pending["group"] = group_id
        await query.edit_message_text(
            _("What kind of burden do you want to flag?"), reply_markup=_label_keyboard(_)
        )
    elif action.startswith("l:") and "group" in pending:
        pending["label"] = Label(action[2:])
        await query.edit_message_text(
            _(
                "Flag: {label}. You may send a short description now (optional, at most {max} "
                "characters; names and numbers are masked), then press Send flag.",
                label=label_name(_, pending["label"]),
                max=FLAG_TEXT_MAX,
            ),
            reply_markup=_confirm_keyboard(_),
        )
    elif action == "ok" and "label" in pending:
        await query.edit_message_text(await _submit(context, user.id, pending, _))
        pending.clear()
    else:
        pending.clear()
        await query.edit_message_text(_("Cancelled: nothing was sent."))


async def on_private_text(update: Update, context: BotContext) -> None:
    """The optional description of a pending flag."""
    message, user = update.effective_message, update.effective_user
    pending = _pending(context)
    if message is None or user is None or "label" not in pending or not message.text:
        return
    pending["text"] = clean_flag_text(message.text)
    _ = private_translator(context, user)
    await _ask_confirmation(message, _, pending)


async def _ask_confirmation(message: Message, _: Translator, pending: dict[str, Any]) -> None:
    await message.reply_text(
        _(
            "Description noted: “{text}”. Press Send flag to submit it anonymously.",
            text=pending["text"],
        ),
        reply_markup=_confirm_keyboard(_),
    )


async def _submit(
    context: BotContext, user_id: int, pending: dict[str, Any], _: Translator
) -> str:
    """Record the flag; return what to tell the member."""
    found = context.services
    group_id: int = pending["group"]
    if not await is_member(context, group_id, user_id):
        return _("You can only flag groups you belong to.")
    now = (await found.working_time(group_id)).local(found.clock())
    if not await found.store.flag_allowance(
        found.flag_keys.limiter_token(user_id, now.date()), FLAGS_PER_DAY
    ):
        return _("You reached today's limit of flags. Thank you; please try again tomorrow.")
    week = iso_week(now.date())
    await found.store.add_flag(
        group_id,
        week,
        pending["label"],
        pending.get("text"),
        found.flag_keys.member_token(group_id, week, user_id),
    )
    found.metrics.flags.inc()
    log.info("anonymous flag recorded for group %s", group_id)
    return _(
        "Thank you. Your flag was recorded anonymously: it appears in the weekly digest only as "
        "a count, and only when at least {minimum} members flagged this group this week.",
        minimum=found.settings.flag_min_members,
    )
