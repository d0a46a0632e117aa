"""Weekly digest delivery with the JobQueue: once per group-week and recipient, across restarts
and across several workers sharing one store (an expiring lease per digest, see storage/leases.py).
"""

from __future__ import annotations

import html
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import JobQueue

from bot.config.group_settings import GroupSettings
from bot.core.digest import WeekDigest, without_flags
from bot.core.schedule import ptb_day
from bot.core.worktime import iso_week
from bot.render.charts import chart_language, hour_heatmap_png
from bot.render.i18n import Translator
from bot.render.telegram_html import digest_html
from bot.usecases.digests import DigestRequest, due_group_week, load_digest
from bot.usecases.pages import group_page_link
from bot.usecases.services import Services
from handlers.context import App, BotContext
from storage.base import DigestLease

log = logging.getLogger(__name__)
JOB_PREFIX = "digest:"
SWEEP_JOB = "digest-sweep"
DigestPart = Callable[[Bot, int], Awaitable[object]]


async def on_startup(app: App) -> None:
    """Re-create every group's weekly job from the store, and catch up on missed digests.

    A repeating sweep then catches what another worker left half-sent (its lease expired).
    """
    found = app.bot_data.services
    for group_id in await found.store.groups():
        group = await found.group(group_id)
        if group.active and await found.joined(group_id):
            schedule_group(app.job_queue, found, group_id, group)
    await catch_up(app.bot, found)
    if app.job_queue is not None:
        every = timedelta(seconds=found.settings.digest_sweep_seconds)
        app.job_queue.run_repeating(_sweep_job, interval=every, first=every, name=SWEEP_JOB)


def schedule_group(
    jobs: JobQueue[Any] | None, found: Services, group_id: int, group: GroupSettings
) -> None:
    """(Re)schedule ``group_id``'s digest at its local weekday and time."""
    unschedule_group(jobs, group_id)
    if jobs is None or not group.active:
        return
    weekday, at = group.digest_moment(found.settings)
    zone = group.working_time(found.settings).timezone
    jobs.run_daily(
        _weekly_job,
        time=at.replace(tzinfo=zone),
        days=(ptb_day(weekday),),
        name=f"{JOB_PREFIX}{group_id}",
        data=group_id,
    )


def unschedule_group(jobs: JobQueue[Any] | None, group_id: int) -> None:
    """Remove ``group_id``'s weekly job, if any."""
    if jobs is None:
        return
    for job in jobs.get_jobs_by_name(f"{JOB_PREFIX}{group_id}"):
        job.schedule_removal()


async def _weekly_job(context: BotContext) -> None:
    if context.job is None or not isinstance(context.job.data, int):
        return
    await deliver_due_digest(context.bot, context.services, context.job.data)


async def _sweep_job(context: BotContext) -> None:
    await catch_up(context.bot, context.services)


async def catch_up(bot: Bot, found: Services) -> int:
    """Deliver digests that fell due while the bot was down (sent markers prevent repeats)."""
    delivered = 0
    for group_id in await found.store.groups():
        delivered += await deliver_due_digest(bot, found, group_id)
    return delivered


async def group_digest(found: Services, group_id: int, week: str, now: datetime) -> WeekDigest:
    """Build ``week``'s digest of ``group_id`` from the store."""
    return await load_digest(found.store, await DigestRequest.of_group(found, group_id), week, now)


async def digest_parts(
    found: Services, digest: WeekDigest, *, with_link: bool = False
) -> list[DigestPart]:
    """A digest's messages in order: its HTML texts, its hour chart when there were demands,
    and (``with_link``, for subscribers) the signed link to its page.

    Each part is sent on its own, so a worker taking over a half-sent digest resumes after the
    parts that already arrived.
    """
    group = await found.group(digest.group_id)
    language = group.language_or(found.settings)
    working_time = await found.working_time(digest.group_id)
    _ = Translator(language)
    parts: list[DigestPart] = [
        _text_part(text) for text in digest_html(digest, language, working_time)
    ]
    if found.settings.digest_chart and digest.demands:
        chart = hour_heatmap_png(digest, working_time, Translator(chart_language(language)))
        caption = _("Demands by hour (00–23, local time):")
        parts.append(lambda bot, chat_id: bot.send_photo(chat_id, chart, caption=caption))
    link = (
        group_page_link(found.settings, digest.group_id, digest.week, found.clock())
        if with_link
        else None
    )
    if link is not None:
        label = _("Full digest page with charts and export (link valid for 30 days)")
        parts.append(_text_part(f'<a href="{html.escape(link)}">{html.escape(label)}</a>'))
    return parts


def _text_part(text: str) -> DigestPart:
    return lambda bot, chat_id: bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)


async def send_digest(bot: Bot, found: Services, chat_id: int, digest: WeekDigest) -> None:
    """Send a digest as HTML messages, then its hour chart (and a subscriber its page link)."""
    for part in await digest_parts(found, digest, with_link=chat_id != digest.group_id):
        await part(bot, chat_id)


async def deliver_due_digest(bot: Bot, found: Services, group_id: int) -> int:
    """Send the latest due weekly digest of ``group_id`` to its recipients, each exactly once.

    Returns how many recipients received it now. Weeks without messages send nothing. A failed
    delivery gives its lease up for a retry, unless the recipient blocked the bot. Several
    workers may call this at once: the lease lets one of them send each digest. A worker
    delivers a few digests at a time (``found.digest_slots``), so no lease lapses while its
    parts wait for Telegram's send pacing behind thousands of others.
    """
    async with found.digest_slots:
        return await _deliver_due_digest(bot, found, group_id)


async def _deliver_due_digest(bot: Bot, found: Services, group_id: int) -> int:
    group = await found.group(group_id)
    if not group.active or not await found.joined(group_id):
        return 0
    now = found.clock()
    week = await due_group_week(found, group_id, now)
    working_time = await found.working_time(group_id)
    # The week that just closed has no use for its flag salt any more.
    found.flag_salts.forget_all_but(group_id, iso_week(working_time.local(now).date()))
    seconds = found.settings.digest_lease_seconds
    # One holder per delivery, not per worker: the group's weekly job and a sweep of the same
    # worker can meet at the digest moment, and a lease its holder may renew would let both send.
    holder = f"{found.worker}/{secrets.token_hex(4)}"
    leases: dict[int, DigestLease] = {}
    for recipient in group.digest_recipients or [group_id]:
        lease = await found.store.take_digest_lease(group_id, week, recipient, holder, seconds)
        if lease is not None:
            leases[recipient] = lease
    if not leases:
        return 0
    digest = await group_digest(found, group_id, week, now)
    if digest.messages == 0:
        for recipient, lease in leases.items():
            await found.store.finish_digest(group_id, week, recipient, lease, sent=False)
        return 0
    delivered = 0
    for recipient, lease in leases.items():
        # Flags go to subscribed leaders only, never into the group chat.
        shown = without_flags(digest) if recipient == group_id else digest
        parts = await digest_parts(found, shown, with_link=recipient != group_id)
        if await _deliver_leased(bot, found, (group_id, week, recipient), lease, parts):
            delivered += 1
            found.metrics.digests.inc()
    log.info("digest of group %s for %s delivered to %d recipients", group_id, week, delivered)
    return delivered


async def _deliver_leased(
    bot: Bot,
    found: Services,
    target: tuple[int, str, int],
    lease: DigestLease,
    parts: list[DigestPart],
) -> bool:
    group_id, week, recipient = target
    store, seconds = found.store, found.settings.digest_lease_seconds
    try:
        for index, part in enumerate(parts):
            if index < lease.parts_sent:
                continue  # sent by a worker that stopped mid-digest
            # Renewed right before the send: building the digest, the recipients served before
            # this one and Telegram's pacing may have outlasted the lease, and a part sent under
            # a lapsed lease is sent again by whoever resumes the digest.
            if not await store.record_digest_parts(*target, lease, index, seconds):
                log.warning("digest of group %s for %s: lease lost before a send", group_id, week)
                return False
            await part(bot, recipient)
            if not await store.record_digest_parts(*target, lease, index + 1, seconds):
                # Too slow: the lease expired and another worker resumed this digest.
                log.warning("digest of group %s for %s: lease lost mid-send", group_id, week)
                return False
    except Forbidden:
        log.warning("digest of group %s for %s: recipient unreachable", group_id, week)
        await store.finish_digest(*target, lease, sent=True)
        return False
    except TelegramError as error:
        await store.finish_digest(*target, lease, sent=False)
        log.warning("digest of group %s for %s failed: %s", group_id, week, type(error).__name__)
        return False
    await store.finish_digest(*target, lease, sent=True)
    return True


async def send_current_week(bot: Bot, found: Services, group_id: int) -> None:
    """This week's digest so far, for the admin command ``/digest``, in the group: never with
    flags (the week is open, and the group is no place for them)."""
    now = found.clock()
    working_time = await found.working_time(group_id)
    week = iso_week(working_time.local(now).date())
    digest = without_flags(await group_digest(found, group_id, week, now))
    await send_digest(bot, found, group_id, digest)
