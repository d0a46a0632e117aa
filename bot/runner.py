"""``fingertip run``: the live bot, long-polling or behind a webhook, until interrupted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.app import (
    build_application,
    build_services,
    start_application,
    stop_application,
    telegram_token,
)
from bot.audit import retention_from
from bot.settings import Settings
from bot.webhook import UPDATE_PATH, HealthCheck, webhook_app
from handlers.common import App
from storage.factory import open_store

log = logging.getLogger(__name__)


async def run_bot(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8080,
) -> None:
    """Run the bot until SIGINT/SIGTERM; errors in single updates are logged, never fatal."""
    token = telegram_token(settings.telegram_token)
    store = await open_store(settings.redis_url, settings.data_dir, retention_from(settings))
    try:
        application = build_application(build_services(settings, store), token)
        await start_application(application)
        try:
            if webhook_url is None:
                await _poll(application)
            else:
                await _serve_webhook(application, store.ping, webhook_url, listen, port)
        finally:
            await stop_application(application)
    finally:
        await store.close()


async def _poll(application: App) -> None:
    updater = application.updater
    if updater is None:
        raise RuntimeError("the application was built without an updater")
    await updater.start_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    log.info("polling for updates")
    await _until_stopped()
    await updater.stop()


async def _serve_webhook(
    application: App, healthy: HealthCheck, url: str, listen: str, port: int
) -> None:
    secret = secrets.token_urlsafe(32)
    endpoint = url if urlsplit(url).path.endswith(UPDATE_PATH) else url.rstrip("/") + UPDATE_PATH
    runner = web.AppRunner(webhook_app(application, secret, healthy))
    await runner.setup()
    site = web.TCPSite(runner, listen, port)
    await site.start()
    await application.bot.set_webhook(
        endpoint, secret_token=secret, allowed_updates=Update.ALL_TYPES
    )
    log.info("webhook set; serving on %s:%d", listen, port)
    try:
        await _until_stopped()
    finally:
        await application.bot.delete_webhook()
        await runner.cleanup()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
