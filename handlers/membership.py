"""The bot's own membership: welcome on joining, stop on removal, follow supergroup upgrades;
and changes of a group's administrators, which end their cached list."""

from __future__ import annotations

import logging
from html import escape

from telegram import Chat, Update
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import TelegramError

from bot.render.i18n import Translator
from bot.render.names import weekday_name
from handlers import digest_delivery
from handlers.common import GROUP_TYPES, PRESENT, group_translator
from handlers.context import BotContext

log = logging.getLogger(__name__)


async def on_my_membership(update: Update, context: BotContext) -> None:
    """Start collecting (and welcome) when added; stop when removed."""
    change = update.my_chat_member
    if change is None or change.chat.type not in GROUP_TYPES:
        return
    chat = change.chat
    was_in = change.old_chat_member.status in PRESENT
    is_in = change.new_chat_member.status in PRESENT
    found = context.services
    group = await found.group(chat.id)
    if group.migrated_to is not None:
        # The chat became a supergroup and lives on there: this is a late or redelivered
        # update of it (a batch again after a crash), which must not make the old chat a
        # counted group again nor welcome it twice.
        return
    if is_in:
        await found.save_group(
            chat.id, group.model_copy(update={"active": True, "title": chat.title or ""})
        )
        digest_delivery.schedule_group(context.job_queue, found, chat.id, group)
        # Once per addition: a redelivered update (a polling batch after a crash) is not.
        if not was_in and await found.store.claim_welcome(chat.id, change.date, update.update_id):
            log.info("added to group %s", chat.id)
            await _welcome(context, chat)
        found.admins.forget(chat.id)
    elif was_in:
        log.info("removed from group %s; collection stopped", chat.id)
        await found.save_group(chat.id, group.model_copy(update={"active": False}))
        digest_delivery.unschedule_group(context.job_queue, chat.id)


ADMIN_STATUSES = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def on_member_change(update: Update, context: BotContext) -> None:
    """A ``chat_member`` update (the bot is an administrator): when someone became or stopped
    being an administrator, forget the cached list, so a demoted admin loses the admin commands
    (and a promoted one gains them) at once rather than minutes later."""
    change = update.chat_member
    if change is None:
        return
    statuses = (change.old_chat_member.status, change.new_chat_member.status)
    if any(status in ADMIN_STATUSES for status in statuses):
        context.services.admins.forget(change.chat.id)


async def _welcome(context: BotContext, chat: Chat) -> None:
    found = context.services
    group = await found.group(chat.id)
    _ = await group_translator(context, chat)
    weekday, at = group.digest_moment(found.settings)
    lines = [
        "<b>" + escape(_("Fingertip is now measuring this group's digital workload.")) + "</b>",
        escape(
            _(
                "Recorded: weekly counts of messages and of demands (task pushes, screenshot or "
                "photo proof, forms and data, acknowledgement chains, app check-ins, urgent "
                "deadlines), and whether they came outside working time ({working_time}).",
                working_time=group.working_time(found.settings).describe(),
            )
        ),
        escape(
            _(
                "Not recorded: no chat log. A few short excerpts per week are kept as evidence, "
                "with names, links and numbers masked, and deleted after {weeks} weeks.",
                weeks=found.settings.evidence_retention_weeks,
            )
        ),
        escape(
            _(
                "To flag a burden anonymously, send /flag: I answer with a link to a private "
                "chat. Please never post a flag here."
            )
        ),
        escape(
            _(
                "The weekly digest goes to the leaders whom the admins subscribe with /subscribe "
                "(until then, to this group), every {weekday} at {time}.",
                weekday=weekday_name(_, weekday),
                time=at.strftime("%H:%M"),
            )
        ),
    ]
    warning = await _rights_warning(context, chat, _)
    if warning:
        lines.append("⚠️ " + escape(warning))
    try:
        await context.bot.send_message(chat.id, "\n\n".join(lines), parse_mode=ParseMode.HTML)
    except TelegramError as error:
        log.warning("could not welcome group %s: %s", chat.id, type(error).__name__)


async def _rights_warning(context: BotContext, chat: Chat, _: Translator) -> str | None:
    """Explain plainly when the bot cannot see every message, and how to fix it."""
    me = await context.bot.get_me()
    if me.can_read_all_group_messages:
        return None
    try:
        member = await context.bot.get_chat_member(chat.id, me.id)
    except TelegramError:
        return None
    if member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
        return None
    return _(
        "I cannot read all messages here: my privacy mode is on and I am not an administrator, "
        "so I only see commands and replies to me. Make me an administrator, or turn privacy "
        "mode off with @BotFather (/setprivacy, Disable) and add me again."
    )


async def on_migrate(update: Update, context: BotContext) -> None:
    """A group became a supergroup: carry its data and settings to the new chat id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    old_id, new_id = message.chat.id, message.migrate_to_chat_id
    found = context.services
    await found.store.move_group(old_id, new_id)
    found.forget_group(old_id)
    found.forget_group(new_id)
    digest_delivery.unschedule_group(context.job_queue, old_id)
    digest_delivery.schedule_group(context.job_queue, found, new_id, await found.group(new_id))
    log.info("group %s migrated to %s", old_id, new_id)
