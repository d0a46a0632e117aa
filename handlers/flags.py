"""Anonymous flags: a ``ConversationHandler`` in the member's private chat with the bot.

``/flag`` in a group only answers with a deep link (and removes the command where the bot may);
the dialogue runs in private: pick the group, pick the kind of burden, optionally write a short
text, read the masked preview, send or cancel. The member's id is used for two things only:
asking Telegram whether they belong to the group, and deriving the salted tokens of
``bot.core.flags``. The draft lives in ``user_data`` until the dialogue ends, times out or is
cancelled, and is then dropped with the rest of the member's ``user_data``. Nothing here logs
or counts a flag: a log line or a metric would time-stamp it.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.core.apps import app_in_flag
from bot.core.flags import FLAG_TEXT_MAX, flag_week, mask_flag_text, newcomers_expire_at
from bot.core.labels import ALL_LABELS, Label
from bot.core.worktime import iso_week, previous_weeks
from bot.render.i18n import Translator
from bot.render.names import label_name
from handlers.common import PRESENT, group_translator, is_member, private_translator
from handlers.context import BotContext

FLAG_PAYLOAD = "flag_"
CALLBACK = "flag:"
DRAFT = "fingertip.flag_draft"
DIALOGUE_SECONDS = 15 * 60
"""A dialogue left alone this long ends, and its draft is dropped."""
OFFERED_APPS = 5
"""Apps offered as buttons after the kind (the group's most demanded of this week and last)."""

PICK_GROUP, PICK_KIND, DESCRIBE, CONFIRM = range(4)
_LABELS_BY_VALUE = {label.value: label for label in ALL_LABELS}
_START_FLAG = re.compile(rf"^/start {FLAG_PAYLOAD}(-?\d+)$")


@dataclass(frozen=True, slots=True)
class Draft:
    """A flag being written: which group, which kind, which (already masked) text."""

    group_id: int
    group_title: str
    label: Label | None = None
    text: str | None = None
    app: str | None = None
    """A known app named in the text or picked (counted per app); never free text."""
    offered: tuple[str, ...] = ()
    """The apps offered as buttons: those the group's demands burdened this week or last."""


def dialogue() -> ConversationHandler[BotContext]:
    """The private flag dialogue, keyed per chat and user, ending itself after a while."""
    private = filters.ChatType.PRIVATE
    text = private & filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():
        # Every step edits the dialogue's own message, and the keys include the user, so
        # PTB's advice to track callback queries per message does not apply here.
        warnings.filterwarnings("ignore", message=".*per_message", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler(
                    "start", start_from_link, filters=private & filters.Regex(_START_FLAG)
                ),
                CommandHandler("flag", flag_in_private, filters=private),
            ],
            states={
                PICK_GROUP: [
                    CallbackQueryHandler(pick_group, pattern=rf"^{CALLBACK}g:-?\d+$"),
                    MessageHandler(text, press_a_button),
                ],
                PICK_KIND: [
                    CallbackQueryHandler(pick_kind, pattern=rf"^{CALLBACK}k:\w+$"),
                    MessageHandler(text, press_a_button),
                ],
                DESCRIBE: [
                    MessageHandler(text, describe),
                    CallbackQueryHandler(skip_text, pattern=f"^{CALLBACK}skip$"),
                    CallbackQueryHandler(pick_app, pattern=rf"^{CALLBACK}a:\d+$"),
                ],
                CONFIRM: [
                    CallbackQueryHandler(send_flag, pattern=f"^{CALLBACK}send$"),
                    MessageHandler(text, describe),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[
                CallbackQueryHandler(cancel_dialogue, pattern=f"^{CALLBACK}cancel$"),
                CommandHandler("cancel", cancel_dialogue, filters=private),
            ],
            allow_reentry=True,
            per_chat=True,
            per_user=True,
            per_message=False,
            conversation_timeout=DIALOGUE_SECONDS,
            name="flag",
        )


async def flag_in_group(update: Update, context: BotContext) -> None:
    """Answer with a deep link into a private chat; flags are never taken in the group."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    _ = await group_translator(context, chat)
    link = f"https://t.me/{context.bot.username}?start={FLAG_PAYLOAD}{chat.id}"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(_("Flag anonymously"), url=link)]])
    # Not a reply, and the command removed where the bot may: the less the group sees of who
    # asked, the better. (Sending /flag to the bot in private shows the group nothing.)
    with contextlib.suppress(TelegramError):
        await message.delete()
    await context.bot.send_message(
        chat.id,
        _(
            "Flags are anonymous and taken only in a private chat with me; you can also send "
            "/flag to me directly. Please do not describe the burden here."
        ),
        reply_markup=keyboard,
    )


async def _offer_kinds(
    context: BotContext,
    group_id: int,
    user_id: int,
    _: Translator,
    send: Callable[..., Awaitable[object]],
) -> int:
    """Refuse through ``send`` if the user may not flag the group, else start a draft and offer
    the kinds of burden."""
    refusal = await _refusal(context, group_id, user_id, _)
    if refusal is not None:
        await send(refusal)
        return _end(context, user_id)
    draft = Draft(group_id=group_id, group_title=await _title(context, group_id))
    _save(context, draft)
    await send(
        _("What kind of burden do you want to flag in {group}?", group=draft.group_title),
        reply_markup=_kind_keyboard(_),
    )
    return PICK_KIND


async def start_from_link(update: Update, context: BotContext) -> int:
    """Private ``/start flag_<group>`` (the group's deep link): offer the kinds of burden."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return ConversationHandler.END
    _ = private_translator(context, user)
    match = _START_FLAG.match(message.text)
    group_id = int(match[1]) if match else 0
    return await _offer_kinds(context, group_id, user.id, _, message.reply_text)


async def flag_in_private(update: Update, context: BotContext) -> int:
    """Private ``/flag``: offer the audited groups the member belongs to."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return ConversationHandler.END
    _ = private_translator(context, user)
    buttons = []
    for group_id in await context.services.store.groups():
        if await _refusal(context, group_id, user.id, _) is None:
            title = await _title(context, group_id)
            buttons.append([InlineKeyboardButton(title, callback_data=f"{CALLBACK}g:{group_id}")])
    if not buttons:
        await message.reply_text(_("I found no group of yours that I audit."))
        return _end(context, user.id)
    buttons.append([_cancel_button(_)])
    await message.reply_text(
        _("Which group do you want to flag?"), reply_markup=InlineKeyboardMarkup(buttons)
    )
    return PICK_GROUP


async def pick_group(update: Update, context: BotContext) -> int:
    """A group button: check membership again, then offer the kinds of burden."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.data is None:
        return ConversationHandler.END
    await query.answer()
    _ = private_translator(context, user)
    group_id = int(query.data.removeprefix(f"{CALLBACK}g:"))
    return await _offer_kinds(context, group_id, user.id, _, query.edit_message_text)


async def press_a_button(update: Update, context: BotContext) -> None:
    """Text typed while the dialogue waits for a button: say so, and stay where it was.

    The text is neither kept nor logged: it may well be the flag itself.
    """
    message = update.effective_message
    if message is None:
        return
    _ = private_translator(context, update.effective_user)
    await message.reply_text(_("Please press one of the buttons above, or send /cancel to stop."))


async def pick_kind(update: Update, context: BotContext) -> int:
    """A kind button: ask for an optional short text."""
    query, user, draft = update.callback_query, update.effective_user, _draft(context)
    if query is None or user is None or query.data is None or draft is None:
        return ConversationHandler.END
    await query.answer()
    _ = private_translator(context, user)
    label = _LABELS_BY_VALUE.get(query.data.removeprefix(f"{CALLBACK}k:"))
    if label is None:
        return PICK_KIND
    offered = await _demanded_apps(context, draft.group_id)
    _save(context, replace(draft, label=label, offered=offered))
    keyboard = InlineKeyboardMarkup(
        [
            *(
                [
                    InlineKeyboardButton(
                        _("Name the app {app}", app=app), callback_data=f"{CALLBACK}a:{i}"
                    )
                ]
                for i, app in enumerate(offered)
            ),
            [InlineKeyboardButton(_("Send without text"), callback_data=f"{CALLBACK}skip")],
            [_cancel_button(_)],
        ]
    )
    await query.edit_message_text(
        _(
            "Flag: {label}. You may now write what happened in a few words (at most {limit} "
            "characters), e.g. which app you must use. Names, places and numbers are masked, "
            "and you will see exactly what leaders would read before anything is sent.",
            label=label_name(_, label),
            limit=FLAG_TEXT_MAX,
        ),
        reply_markup=keyboard,
    )
    return DESCRIBE


async def describe(update: Update, context: BotContext) -> int:
    """The member's text: mask it and show the preview to confirm."""
    message, user, draft = update.effective_message, update.effective_user, _draft(context)
    if message is None or user is None or draft is None or not message.text:
        return ConversationHandler.END
    masked = mask_flag_text(message.text)
    recogniser = (await context.services.app_auditor(draft.group_id)).recogniser
    app = app_in_flag(masked, recogniser) or draft.app
    draft = replace(draft, text=masked or None, app=app)
    _save(context, draft)
    text, keyboard = _preview(draft, private_translator(context, user))
    await message.reply_text(text, reply_markup=keyboard)
    return CONFIRM


async def skip_text(update: Update, context: BotContext) -> int:
    """ "Send without text": show the preview to confirm."""
    query, user, draft = update.callback_query, update.effective_user, _draft(context)
    if query is None or user is None or draft is None:
        return ConversationHandler.END
    await query.answer()
    draft = replace(draft, text=None, app=None)
    _save(context, draft)
    text, keyboard = _preview(draft, private_translator(context, user))
    await query.edit_message_text(text, reply_markup=keyboard)
    return CONFIRM


async def pick_app(update: Update, context: BotContext) -> int:
    """An app button: name that app (without text) and show the preview to confirm."""
    query, user, draft = update.callback_query, update.effective_user, _draft(context)
    if query is None or user is None or draft is None or query.data is None:
        return ConversationHandler.END
    await query.answer()
    index = int(query.data.removeprefix(f"{CALLBACK}a:"))
    if index >= len(draft.offered):
        return DESCRIBE
    draft = replace(draft, text=None, app=draft.offered[index])
    _save(context, draft)
    text, keyboard = _preview(draft, private_translator(context, user))
    await query.edit_message_text(text, reply_markup=keyboard)
    return CONFIRM


async def _demanded_apps(context: BotContext, group_id: int) -> tuple[str, ...]:
    """The apps the group's demands burdened this week or last, most demanded first (what
    every member of the group saw asked; known names, never a member's free text)."""
    found = context.services
    week = await _current_week(context, group_id)
    demands: dict[str, int] = {}
    for w in (week, *previous_weeks(week, 1)):
        for name, app in (await found.store.week(group_id, w)).apps.items():
            demands[name] = demands.get(name, 0) + app.demands
    ranked = sorted((n for n in demands if demands[n]), key=lambda n: (-demands[n], n))
    return tuple(ranked[:OFFERED_APPS])


async def send_flag(update: Update, context: BotContext) -> int:
    """The member confirmed the preview: check membership once more and record the flag."""
    query, user, draft = update.callback_query, update.effective_user, _draft(context)
    if query is None or user is None or draft is None or draft.label is None:
        return ConversationHandler.END
    await query.answer()
    _ = private_translator(context, user)
    refusal = await _refusal(context, draft.group_id, user.id, _)
    if refusal is not None:
        await query.edit_message_text(refusal)
        return _end(context, user.id)
    found = context.services
    week = await _current_week(context, draft.group_id)
    entry = found.flag_salts.entry(
        draft.group_id,
        week,
        draft.label,
        user.id,
        draft.text,
        keep_weeks=found.settings.evidence_retention_weeks,
        app=draft.app,
    )
    receipt = await found.store.record_flag(entry)
    if not receipt.counted:
        answer = _(
            "You already flagged this kind of burden in this group this week; it counts once. "
            "Nothing new was stored."
        )
    elif draft.text and not receipt.text_kept:
        answer = _(
            "Your flag was counted, but your text was not kept: each member can add one text "
            "a week, and a group keeps only a few."
        )
    else:
        answer = _(
            "Thank you. Your flag was recorded anonymously. Leaders see flags only after the "
            "week is over, and only kinds flagged by at least {minimum} members.",
            minimum=found.settings.flag_min_members,
        )
    await query.edit_message_text(answer)
    return _end(context, user.id)


async def cancel_dialogue(update: Update, context: BotContext) -> int:
    """Cancel button or ``/cancel``: drop the draft."""
    user = update.effective_user
    _ = private_translator(context, user)
    text = _("Cancelled: nothing was sent.")
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)
    return _end(context, user.id if user else None)


async def timed_out(update: object, context: BotContext) -> None:
    """The dialogue was left alone: drop the draft and say so."""
    user = update.effective_user if isinstance(update, Update) else None
    chat = update.effective_chat if isinstance(update, Update) else None
    _end(context, user.id if user else None)
    if chat is not None:
        _ = private_translator(context, user)
        await context.bot.send_message(
            chat.id, _("The flag dialogue timed out: nothing was sent. Send /flag to start again.")
        )


async def on_member_change(update: Update, context: BotContext) -> None:
    """A ``chat_member`` update (the bot is an admin): note a member who just joined."""
    change = update.chat_member
    if change is None:
        return
    was = change.old_chat_member.status in PRESENT
    if not was and change.new_chat_member.status in PRESENT:
        await _note_newcomers(context, change.chat.id, [change.new_chat_member.user.id])


async def on_new_members(update: Update, context: BotContext) -> None:
    """The "X joined" service message (seen without admin rights): note the newcomers."""
    message = update.effective_message
    if message is not None and message.new_chat_members:
        users = [user.id for user in message.new_chat_members if not user.is_bot]
        await _note_newcomers(context, message.chat.id, users)


async def _note_newcomers(context: BotContext, group_id: int, user_ids: list[int]) -> None:
    found = context.services
    if not user_ids or not await found.joined(group_id):
        return
    week = await _current_week(context, group_id)
    for user_id in user_ids:
        token = found.newcomers.token(group_id, user_id)
        await found.store.note_newcomer(group_id, week, token, newcomers_expire_at(week))


async def _current_week(context: BotContext, group_id: int) -> str:
    """The week a flag sent now counts in (never one reopened by a change of time zone)."""
    found = context.services
    local = iso_week((await found.working_time(group_id)).local(found.clock()).date())
    return flag_week(local, (await found.group(group_id)).flags_from_week)


async def _refusal(context: BotContext, group_id: int, user_id: int, _: Translator) -> str | None:
    """Why the member may not flag ``group_id`` now, or None when they may.

    A member may flag a group the bot joined and audits, while they belong to it, and once the
    week in which they joined is over: accounts added for the purpose cannot help reach the
    minimum of members in the week they were added.
    """
    found = context.services
    if not await found.joined(group_id) or not (await found.group(group_id)).active:
        return _("You can only flag groups you belong to.")
    if not await is_member(context, group_id, user_id):
        return _("You can only flag groups you belong to.")
    week = await _current_week(context, group_id)
    if await found.store.is_newcomer(group_id, week, found.newcomers.token(group_id, user_id)):
        return _("Members who joined this week can flag this group from next week on.")
    return None


async def _title(context: BotContext, group_id: int) -> str:
    return (await context.services.group(group_id)).title or str(group_id)


def _preview(draft: Draft, _: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The exact flag a leader could read, with Send and Cancel."""
    label = label_name(_, draft.label) if draft.label else ""
    if draft.text:
        text = _(
            "Please check. Leaders of {group} would read, after the week is over:\n"
            "{label}: “{text}”\n"
            "Send it anonymously? You can also send a corrected text instead.",
            group=draft.group_title,
            label=label,
            text=draft.text,
        )
    else:
        text = _(
            "Please check. Leaders of {group} would read, after the week is over, that members "
            "flagged: {label} (without text). Send it anonymously?",
            group=draft.group_title,
            label=label,
        )
    if draft.app:
        text += "\n" + _(
            "The app {app} is counted too: leaders see how many members named it, once at least "
            "as many as for a kind did.",
            app=draft.app,
        )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Send flag"), callback_data=f"{CALLBACK}send"),
                _cancel_button(_),
            ]
        ]
    )
    return text, keyboard


def _kind_keyboard(_: Translator) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(label_name(_, label), callback_data=f"{CALLBACK}k:{label.value}")]
        for label in ALL_LABELS
    ]
    rows.append([_cancel_button(_)])
    return InlineKeyboardMarkup(rows)


def _cancel_button(_: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(_("Cancel"), callback_data=f"{CALLBACK}cancel")


def _draft(context: BotContext) -> Draft | None:
    found = (context.user_data or {}).get(DRAFT)
    return found if isinstance(found, Draft) else None


def _save(context: BotContext, draft: Draft) -> None:
    if context.user_data is not None:
        context.user_data[DRAFT] = draft


def _end(context: BotContext, user_id: int | None) -> int:
    """End the dialogue: forget the draft and the member's (otherwise empty) ``user_data``."""
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
        if not context.user_data and user_id is not None:
            context.application.drop_user_data(user_id)
    return ConversationHandler.END
