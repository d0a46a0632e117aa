"""``fingertip run``: the live bot, long-polling or behind a webhook, until interrupted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.config.settings import Settings
from bot.runtime.app import (
    build_application,
    build_services,
    start_application,
    stop_application,
    telegram_token,
)
from bot.runtime.webhook import UPDATE_PATH, ops_app, webhook_app
from bot.runtime.workers import shared_webhook_secret
from handlers.context import App
from storage.factory import open_store

log = logging.getLogger(__name__)


async def run_bot(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8080,
    metrics_port: int | None = None,
) -> None:
    """Run the bot until SIGINT/SIGTERM; errors in single updates are logged, never fatal.

    With ``webhook_url`` the aiohttp server on ``listen:port`` takes updates and also serves
    /healthz and /metrics; when polling, ``metrics_port`` serves those two alone.
    """
    token = telegram_token(settings.telegram_token)
    store = await open_store(settings.redis_url, settings.data_dir, settings.retention())
    try:
        services = build_services(settings, store)
        application = build_application(services, token, base_url=settings.telegram_api_url)
        await start_application(application)
        try:
            if webhook_url is None:
                ops = ops_app(store.ping, services.metrics) if metrics_port else None
                async with _serving(ops, listen, metrics_port or 0):
                    await _poll(application)
            else:
                secret = shared_webhook_secret(token)
                # Each update is handled (and stored) before its 200: a worker killed mid-request
                # leaves the update unconfirmed, and Telegram redelivers it to another worker.
                app = webhook_app(
                    application,
                    secret,
                    store.ping,
                    deliver=application.process_update,
                    metrics=services.metrics,
                )
                await _serve_webhook(
                    application, app, secret, webhook_url, listen, port, settings.shared_webhook
                )
        finally:
            await stop_application(application)
    finally:
        await store.close()


async def _poll(application: App) -> None:
    updater = application.updater
    if updater is None:
        raise RuntimeError("the application was built without an updater")
    await updater.start_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    log.info("polling for updates; stop with Ctrl-C")
    await _until_stopped()
    await updater.stop()


@contextlib.asynccontextmanager
async def _serving(app: web.Application | None, listen: str, port: int) -> AsyncIterator[None]:
    """Serve ``app`` on ``listen:port`` for the duration of the block (nothing if None)."""
    if app is None:
        yield
        return
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    log.info("serving /healthz and /metrics on %s:%d", listen, port)
    try:
        yield
    finally:
        await runner.cleanup()


async def _serve_webhook(
    application: App,
    app: web.Application,
    secret: str,
    url: str,
    listen: str,
    port: int,
    shared: bool,
) -> None:
    endpoint = url if urlsplit(url).path.endswith(UPDATE_PATH) else url.rstrip("/") + UPDATE_PATH
    async with _serving(app, listen, port):
        await application.bot.set_webhook(
            endpoint, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        log.info("webhook set; updates are served on %s:%d%s", listen, port, UPDATE_PATH)
        try:
            await _until_stopped()
        finally:
            if not shared:  # other workers still serve a shared webhook
                await application.bot.delete_webhook()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
