"""``/overview`` in private: a leader's last complete week across all their groups."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot.core.schedule import due_week
from bot.render.telegram_html import overview_html
from bot.usecases.digests import load_digest
from handlers.common import user_language
from handlers.context import BotContext


async def overview(update: Update, context: BotContext) -> None:
    """List every group whose digest this user receives, with last week's status."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    found = context.services
    now = found.clock()
    digests = []
    for group_id in await found.store.groups():
        group = await found.group(group_id)
        if user.id not in group.digest_recipients:
            continue
        working_time = await found.working_time(group_id)
        weekday, at = group.digest_moment(found.settings)
        digests.append(
            await load_digest(
                found.store,
                group_id=group_id,
                group_name=group.title or str(group_id),
                week=due_week(working_time.local(now), weekday, at),
                working_time=working_time,
                thresholds=group.thresholds_from(found.settings),
                now=now,
                language=group.language_or(found.settings),
                flag_min_members=found.settings.flag_min_members,
            )
        )
    language = user_language(user, found.settings.language)
    for text in overview_html(digests, language):
        await message.reply_text(text, parse_mode=ParseMode.HTML)
