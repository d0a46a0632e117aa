"""``fingertip run``: the live bot, long-polling or behind a webhook, until interrupted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.error import NetworkError

from bot.config.secrets import require_secret
from bot.config.settings import Settings
from bot.core.worktime import first_provisional_day
from bot.runtime.app import (
    build_application,
    build_services,
    start_application,
    stop_application,
    telegram_token,
)
from bot.runtime.heap import settle_heap
from bot.runtime.ordering import ChatOrder, express_in_chat_order, in_chat_order
from bot.runtime.pages import pages_app, serve_pages
from bot.runtime.webhook import UPDATE_PATH, ops_app, webhook_app
from bot.runtime.workers import shared_webhook_secret
from bot.usecases.pages import page_key
from handlers.context import App
from handlers.express import ExpressCounting
from storage.factory import open_store

log = logging.getLogger(__name__)
FIRST_RETRY_SECONDS = 1.0
LAST_RETRY_SECONDS = 300.0
HOLIDAY_NOTICE_DAYS = 60
"""How far ahead a start looks for days the holiday calendar has no official schedule for."""


async def run_bot(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8080,
    metrics_port: int | None = None,
    web_port: int | None = None,
    reuse_port: bool = False,
) -> None:
    """Run the bot until SIGINT/SIGTERM; errors in single updates are logged, never fatal.

    With ``webhook_url`` the aiohttp server on ``listen:port`` takes updates and serves
    /healthz; /metrics is served only on ``metrics_port`` (with /healthz), never on the webhook
    listener.
    The digest pages are served on the webhook server, or when polling on ``web_port``.
    With ``reuse_port`` several workers bind the same webhook port (``SO_REUSEPORT``) and the
    kernel spreads the connections over them.
    """
    token = telegram_token(settings.telegram_token)
    stop = _stop_on_signals()
    require_secret(settings)
    warn_of_missing_holiday_schedule(settings, datetime.now(UTC))
    if settings.redis_url is None:
        keep_private(settings.data_dir)
    store = await open_store(settings.redis_url, settings.data_dir, settings.retention())
    try:
        services = build_services(settings, store)
        application = build_application(services, token, base_url=settings.telegram_api_url)
        if not await _start_when_reachable(application, stop):
            await stop_application(application)
            return
        settle_heap()  # everything built so far lives as long as the bot
        try:
            ops = ops_app(services.healthy, services.metrics) if metrics_port else None
            async with _serving(ops, listen, metrics_port or 0):
                if webhook_url is None:
                    pages = pages_app(services, page_key(settings)) if web_port else None
                    async with _serving(pages, listen, web_port or 0):
                        await _poll(application, stop)
                else:
                    secret = shared_webhook_secret(token)
                    # Each update is handled (and stored) before its 200: a worker killed
                    # mid-request leaves the update unconfirmed, and Telegram redelivers it.
                    # Requests run concurrently, but one chat's updates take turns. Plain group
                    # text messages are counted without PTB's objects (``handlers.express``).
                    order = ChatOrder()
                    app = webhook_app(
                        application,
                        secret,
                        services.healthy,
                        deliver=in_chat_order(application.process_update, order),
                        express=express_in_chat_order(ExpressCounting(application), order),
                    )
                    serve_pages(app, services, page_key(settings))
                    await _serve_webhook(
                        application,
                        app,
                        secret,
                        webhook_url,
                        listen,
                        port,
                        stop,
                        shared=settings.shared_webhook,
                        reuse_port=reuse_port,
                    )
        finally:
            await stop_application(application)
            services.outage.abandon()
    finally:
        await store.close()


def warn_of_missing_holiday_schedule(settings: Settings, now: datetime) -> None:
    """Log a warning when the default calendar has no official schedule for a day of the next
    :data:`HOLIDAY_NOTICE_DAYS` days, so an operator adds it before the digests need it."""
    working_time = settings.working_time()
    today = working_time.local(now).date()
    first = first_provisional_day(working_time.calendar, today, HOLIDAY_NOTICE_DAYS)
    if first is not None:
        log.warning(
            "the holiday calendar has no official schedule for %d yet: from %s only the "
            "statutory festival days count as holidays and make-up working days are unknown; "
            "upgrade chinesecalendar once it carries %d, or add the published days with "
            "FINGERTIP_EXTRA_HOLIDAYS and FINGERTIP_EXTRA_WORKDAYS (one group: /set holiday, "
            "/set workday)",
            first.year,
            first.isoformat(),
            first.year,
        )


def keep_private(data_dir: Path) -> None:
    """Make the data directory 0700 and its files 0600, and let this process (and the embedded
    server it starts) create new files for its owner only."""
    os.umask(0o077)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    for path in data_dir.rglob("*"):
        if path.is_dir():
            path.chmod(0o700)
        elif path.is_file():
            path.chmod(0o600)


async def _start_when_reachable(application: App, stop: asyncio.Event) -> bool:
    """Start ``application``, retrying with backoff while Telegram cannot be reached.

    One line per attempt, no traceback; the waits double up to five minutes, so an outage of
    an hour writes about twenty lines. Returns False when stopped (SIGINT/SIGTERM) first.
    """
    delay = FIRST_RETRY_SECONDS
    while True:
        try:
            await start_application(application)
        except NetworkError as error:  # includes TimedOut; a bad token is not retried
            log.warning("Telegram cannot be reached (%s); retrying in %.0f s", error, delay)
        else:
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        if stop.is_set():
            return False
        delay = min(delay * 2, LAST_RETRY_SECONDS)


async def _poll(application: App, stop: asyncio.Event) -> None:
    updater = application.updater
    if updater is None:
        raise RuntimeError("the application was built without an updater")
    await updater.start_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    log.info("polling for updates; stop with Ctrl-C")
    await stop.wait()
    await updater.stop()


@contextlib.asynccontextmanager
async def _serving(
    app: web.Application | None, listen: str, port: int, *, reuse_port: bool = False
) -> AsyncIterator[None]:
    """Serve ``app`` on ``listen:port`` for the duration of the block (nothing if None)."""
    if app is None:
        yield
        return
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, listen, port, reuse_port=reuse_port or None).start()
    log.info("serving %s on %s:%d", ", ".join(_paths(app)), listen, port)
    try:
        yield
    finally:
        await runner.cleanup()


def _paths(app: web.Application) -> list[str]:
    return sorted({route.resource.canonical for route in app.router.routes() if route.resource})


async def _serve_webhook(
    application: App,
    app: web.Application,
    secret: str,
    url: str,
    listen: str,
    port: int,
    stop: asyncio.Event,
    *,
    shared: bool,
    reuse_port: bool = False,
) -> None:
    endpoint = url if urlsplit(url).path.endswith(UPDATE_PATH) else url.rstrip("/") + UPDATE_PATH
    async with _serving(app, listen, port, reuse_port=reuse_port):
        await application.bot.set_webhook(
            endpoint, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        log.info("webhook set; updates are served on %s:%d%s", listen, port, UPDATE_PATH)
        try:
            await stop.wait()
        finally:
            if not shared:  # other workers still serve a shared webhook
                await application.bot.delete_webhook()


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM (the bot then stops cleanly, store last)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop
