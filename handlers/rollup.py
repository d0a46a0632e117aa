"""Leaders' roll-up in Telegram: ``/subscribe unit PATH``, its one-time link, the weekly roll-up.

Who may hand out a unit's roll-up: an administrator of a group that lies within the unit, who
also administers every other active group of the unit (checked with Telegram), because the
roll-up shows each of those groups' weekly counts to the leader who redeems the link. The same
holds when the link is opened (``bot.usecases.subscriptions``): a group that joined the unit in
between, or a right lost meanwhile, makes the link subscribe nobody.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from html import escape
from typing import Any

from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import JobQueue

from bot.core.rollup import RollupWeek, in_unit
from bot.core.schedule import due_week, ptb_day, weekday_index
from bot.render.i18n import Translator
from bot.render.rollup import rollup_html
from bot.usecases.pages import unit_page_link
from bot.usecases.rollup import load_rollup, unit_members
from bot.usecases.services import Services
from bot.usecases.settings_commands import CommandArgumentError, parse_unit
from bot.usecases.subscriptions import LinkOutcome, first_not_administered, redeem_unit_link
from handlers.common import (
    administers_check,
    group_translator,
    is_group_admin,
    refused_link_text,
    send_invite_in_private,
    user_language,
)
from handlers.context import App, BotContext

log = logging.getLogger(__name__)
UNIT_PAYLOAD = "unit_"
INVITE_SECONDS = 24 * 3600
JOB_NAME = "rollup:weekly"


async def subscribe_unit(update: Update, context: BotContext, raw_unit: str) -> None:
    """/subscribe unit PATH in a group: a one-time link to the unit's roll-up, sent in private."""
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    if chat is None or message is None:
        return
    _ = await group_translator(context, chat)
    if not await is_group_admin(update, context) or user is None or message.sender_chat:
        await message.reply_text(
            _("Only an administrator, from their own account, can hand out a roll-up link.")
        )
        return
    found = context.services
    try:
        unit = parse_unit(raw_unit)
    except CommandArgumentError as error:
        await message.reply_text(_("Not changed: {reason}", reason=_.phrase(error.phrase)))
        return
    group = await found.group(chat.id)
    if not in_unit(group.unit_or(found.settings, chat.id), unit):
        await message.reply_text(
            _("This group is not in {unit}; set its unit first, e.g. /set unit {unit}", unit=unit)
        )
        return
    members = await unit_members(found.store, found.settings, unit)
    foreign = await first_not_administered(members, user.id, administers_check(context))
    if foreign is not None:
        await message.reply_text(
            _(
                "You do not administer every group in {unit} ({group} among them), so you "
                "cannot share its roll-up.",
                unit=unit,
                group=foreign.request.group_name,
            )
        )
        return
    token = secrets.token_urlsafe(18)
    await found.store.create_unit_invite(token, unit, user.id, INVITE_SECONDS)
    link = f"https://t.me/{context.bot.username}?start={UNIT_PAYLOAD}{token}"
    text = _(
        "One-time link for the weekly roll-up of {unit} ({n} groups). Forward it to the leader "
        "who should receive it; it works once, within 24 hours:",
        unit=unit,
        n=len(members),
    )
    await send_invite_in_private(context, message, user.id, text, link, _)


async def redeem(update: Update, context: BotContext, token: str) -> None:
    """/start unit_<token> in private: subscribe the leader to the unit's roll-up."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    found = context.services
    _ = Translator(user_language(user, found.settings.language))
    done = await redeem_unit_link(found, token, user.id, administers_check(context))
    if done.outcome is LinkOutcome.SUBSCRIBED:
        text = _("You will receive the weekly roll-up of {unit}.", unit=done.name)
        await message.reply_text(text)
    else:
        await message.reply_text(refused_link_text(_, done.outcome))


def due_rollup_week(found: Services, now: datetime) -> str:
    """The latest week whose roll-up was due at ``now`` (the deployment's digest moment)."""
    settings = found.settings
    local = settings.working_time().local(now)
    return due_week(local, weekday_index(settings.digest_weekday), settings.digest_time)


async def unit_rollup(found: Services, unit: str, week: str, now: datetime) -> RollupWeek:
    """Build the roll-up of ``unit`` for ``week`` from the stored weekly aggregates."""
    members = await unit_members(found.store, found.settings, unit)
    return await load_rollup(found.store, members, week, now, unit)


async def send_rollup(
    bot: Bot, chat_id: int, rollup: RollupWeek, language: str, link: str | None = None
) -> None:
    """Send one roll-up as HTML messages, then the signed link to its page when there is one."""
    for text in rollup_html(rollup, language):
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    if link is not None:
        label = Translator(language)("Full roll-up page with every group (link valid for 30 days)")
        await bot.send_message(
            chat_id,
            f'<a href="{escape(link)}">{escape(label)}</a>',
            parse_mode=ParseMode.HTML,
        )


async def deliver_rollups(bot: Bot, found: Services) -> int:
    """Send every subscribed unit's due roll-up, once per (unit, week, leader)."""
    now = found.clock()
    week = due_rollup_week(found, now)
    delivered = 0
    built: dict[str, RollupWeek] = {}
    for user_id, unit in await found.store.unit_subscriptions():
        if not await found.store.claim_rollup(unit, week, user_id):
            continue
        if unit not in built:
            built[unit] = await unit_rollup(found, unit, week, now)
        try:
            link = unit_page_link(found.settings, unit, week, now)
            await send_rollup(bot, user_id, built[unit], found.settings.language, link)
        except Forbidden:
            log.warning("roll-up for %s: recipient unreachable", week)
        except TelegramError as error:
            await found.store.release_rollup(unit, week, user_id)
            log.warning("roll-up for %s failed: %s", week, type(error).__name__)
        else:
            delivered += 1
    return delivered


async def _weekly_job(context: BotContext) -> None:
    await deliver_rollups(context.bot, context.services)


def schedule(jobs: JobQueue[Any] | None, found: Services) -> None:
    """Schedule the weekly roll-up at the deployment's digest weekday and time."""
    if jobs is None:
        return
    for job in jobs.get_jobs_by_name(JOB_NAME):
        job.schedule_removal()
    settings = found.settings
    zone = settings.working_time().timezone
    jobs.run_daily(
        _weekly_job,
        time=settings.digest_time.replace(tzinfo=zone),
        days=(ptb_day(weekday_index(settings.digest_weekday)),),
        name=JOB_NAME,
    )


async def on_startup(app: App) -> None:
    """Schedule the weekly roll-up and send any that fell due while the bot was down."""
    found = app.bot_data.services
    schedule(app.job_queue, found)
    await deliver_rollups(app.bot, found)


async def overview_rollups(update: Update, context: BotContext) -> None:
    """The part of ``/overview`` for units: the last due roll-up of each unit subscribed to."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    found = context.services
    now = found.clock()
    week = due_rollup_week(found, now)
    language = user_language(user, found.settings.language)
    for subscriber, unit in await found.store.unit_subscriptions():
        if subscriber == user.id:
            await send_rollup(
                context.bot, user.id, await unit_rollup(found, unit, week, now), language
            )
