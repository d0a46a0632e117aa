"""Weekly digest delivery with the JobQueue: once per group-week and recipient, across restarts."""

from __future__ import annotations

import html
import logging
from datetime import datetime

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.config.group_settings import GroupSettings
from bot.core.digest import WeekDigest
from bot.core.schedule import due_week, ptb_day
from bot.core.worktime import iso_week
from bot.render.charts import chart_language, hour_heatmap_png
from bot.render.i18n import Translator
from bot.render.telegram_html import digest_html
from bot.usecases.digests import load_digest
from bot.usecases.pages import group_page_link
from bot.usecases.services import Services
from handlers.common import App, app_services, services

log = logging.getLogger(__name__)
JOB_PREFIX = "digest:"


async def on_startup(app: App) -> None:
    """Re-create every group's weekly job from the store, and catch up on missed digests."""
    found = app_services(app)
    for group_id in await found.store.groups():
        group = await found.group(group_id)
        if group.active:
            schedule_group(app, group_id, group)
    await catch_up(app.bot, found)


def schedule_group(app: App, group_id: int, group: GroupSettings) -> None:
    """(Re)schedule ``group_id``'s digest at its local weekday and time."""
    unschedule_group(app, group_id)
    if app.job_queue is None or not group.active:
        return
    found = app_services(app)
    weekday, at = group.digest_moment(found.settings)
    zone = group.working_time(found.settings).timezone
    app.job_queue.run_daily(
        _weekly_job,
        time=at.replace(tzinfo=zone),
        days=(ptb_day(weekday),),
        name=f"{JOB_PREFIX}{group_id}",
        data=group_id,
    )


def unschedule_group(app: App, group_id: int) -> None:
    """Remove ``group_id``'s weekly job, if any."""
    if app.job_queue is None:
        return
    for job in app.job_queue.get_jobs_by_name(f"{JOB_PREFIX}{group_id}"):
        job.schedule_removal()


async def _weekly_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    if context.job is None or not isinstance(context.job.data, int):
        return
    await deliver_due_digest(context.bot, services(context), context.job.data)


async def catch_up(bot: Bot, found: Services) -> int:
    """Deliver digests that fell due while the bot was down (sent markers prevent repeats)."""
    delivered = 0
    for group_id in await found.store.groups():
        delivered += await deliver_due_digest(bot, found, group_id)
    return delivered


async def group_digest(found: Services, group_id: int, week: str, now: datetime) -> WeekDigest:
    """Build ``week``'s digest of ``group_id`` from the store."""
    group = await found.group(group_id)
    return await load_digest(
        found.store,
        group_id=group_id,
        group_name=group.title or str(group_id),
        week=week,
        working_time=await found.working_time(group_id),
        thresholds=group.thresholds_from(found.settings),
        now=now,
        language=group.language_or(found.settings),
        flag_min_members=found.settings.flag_min_members,
    )


async def send_digest(bot: Bot, found: Services, chat_id: int, digest: WeekDigest) -> None:
    """Send a digest as HTML messages, then its hour chart when there were demands."""
    group = await found.group(digest.group_id)
    language = group.language_or(found.settings)
    for text in digest_html(digest, language, await found.working_time(digest.group_id)):
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    _ = Translator(language)
    if found.settings.digest_chart and digest.demands:
        chart = hour_heatmap_png(
            digest, await found.working_time(digest.group_id), Translator(chart_language(language))
        )
        caption = _("Demands by hour (00–23, local time):")
        await bot.send_photo(chat_id, chart, caption=caption)
    # Subscribers (private chats) get the signed page link; a group never does.
    link = group_page_link(found.settings, digest.group_id, digest.week, found.clock())
    if link is not None and chat_id != digest.group_id:
        text = _("Full digest page with charts and export (link valid for 30 days)")
        await bot.send_message(
            chat_id,
            f'<a href="{html.escape(link)}">{html.escape(text)}</a>',
            parse_mode=ParseMode.HTML,
        )


async def deliver_due_digest(bot: Bot, found: Services, group_id: int) -> int:
    """Send the latest due weekly digest of ``group_id`` to its recipients, each exactly once.

    Returns how many recipients received it now. Weeks without messages send nothing. A failed
    delivery is released for a retry, unless the recipient blocked the bot.
    """
    group = await found.group(group_id)
    if not group.active:
        return 0
    now = found.clock()
    working_time = await found.working_time(group_id)
    weekday, at = group.digest_moment(found.settings)
    week = due_week(working_time.local(now), weekday, at)
    digest = await group_digest(found, group_id, week, now)
    if digest.messages == 0:
        return 0
    delivered = 0
    for recipient in group.digest_recipients or [group_id]:
        if not await found.store.claim_digest(group_id, week, recipient):
            continue
        try:
            await send_digest(bot, found, recipient, digest)
        except Forbidden:
            log.warning("digest of group %s for %s: recipient unreachable", group_id, week)
        except TelegramError as error:
            await found.store.release_digest(group_id, week, recipient)
            log.warning(
                "digest of group %s for %s failed: %s", group_id, week, type(error).__name__
            )
        else:
            delivered += 1
            found.metrics.digests.inc()
    log.info("digest of group %s for %s delivered to %d recipients", group_id, week, delivered)
    return delivered


async def send_current_week(bot: Bot, found: Services, group_id: int) -> None:
    """This week's digest so far, for the admin command ``/digest``, in the group."""
    now = found.clock()
    working_time = await found.working_time(group_id)
    week = iso_week(working_time.local(now).date())
    await send_digest(bot, found, group_id, await group_digest(found, group_id, week, now))
