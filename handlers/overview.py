"""``/overview`` in private: a leader's last complete week across all their groups."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot.render.telegram_html import overview_html
from bot.usecases.digests import DigestRequest, due_group_week, load_digest
from handlers import rollup
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
        request = await DigestRequest.of_group(found, group_id)
        week = await due_group_week(found, group_id, now)
        digests.append(await load_digest(found.store, request, week, now))
    language = user_language(user, found.settings.language)
    for text in overview_html(digests, language):
        await message.reply_text(text, parse_mode=ParseMode.HTML)
    await rollup.overview_rollups(update, context)
