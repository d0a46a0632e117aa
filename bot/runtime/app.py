"""The application factory: wires settings, store, classifier and handlers into a PTB app."""

from __future__ import annotations

import re
from typing import Any

from pydantic import SecretStr
from telegram.ext import Application, ApplicationBuilder

from bot.config.secrets import configured_secret, derive_key, process_secret
from bot.config.settings import Settings, SettingsError
from bot.core.classifier import load_classifier
from bot.core.flags import NewcomerTokens
from bot.core.observation import RememberingHasher
from bot.runtime.telegram_limits import TelegramLimiter
from bot.usecases.services import Clock, Services, system_clock
from handlers.context import CONTEXT_TYPES, App
from handlers.registry import register_all, run_startup_hooks
from storage.base import Store

_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")


def telegram_token(secret: SecretStr | None) -> str:
    """Return the configured bot token, or raise ``SettingsError`` saying how to set it."""
    if secret is None or not secret.get_secret_value().strip():
        raise SettingsError(
            "FINGERTIP_TELEGRAM_TOKEN is not set; get a token from @BotFather and export it "
            "(try `fingertip demo` to see the bot without one)"
        )
    token = secret.get_secret_value().strip()
    if not _TOKEN.match(token):
        raise SettingsError(
            "FINGERTIP_TELEGRAM_TOKEN does not look like a bot token "
            "(expected digits, a colon and 30+ letters, e.g. 123456789:AAE...)"
        )
    return token


def build_services(settings: Settings, store: Store, clock: Clock = system_clock) -> Services:
    """Create the shared services. The pseudonym key comes from the deployment secret (never
    from the data directory or Redis); without one (demo, tests) a per-process secret is used,
    while ``fingertip run`` refuses to start (``bot.config.secrets.require_secret``)."""
    secret = configured_secret(settings) or process_secret()
    return Services(
        settings=settings,
        store=store,
        classifier=load_classifier(settings.rules_files),
        hasher=RememberingHasher(derive_key(secret, "sender")),
        newcomers=NewcomerTokens(derive_key(secret, "newcomer")),
        clock=clock,
    )


def build_application(
    services: Services,
    token: str,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    rate_limiter: bool = True,
) -> App:
    """Build the bot: every handler of ``handlers.registry``, the services in ``bot_data``."""
    # PTB's builder changes its type parameters with every call; the result is an ``App``.
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder().token(token).context_types(CONTEXT_TYPES)
    )
    if base_url is not None:
        builder = builder.base_url(base_url)
    if base_file_url is not None:
        builder = builder.base_file_url(base_file_url)
    if rate_limiter:
        builder = builder.rate_limiter(TelegramLimiter())
    app: App = builder.build()
    app.bot_data.install(services)
    register_all(app)
    return app


async def start_application(app: App) -> None:
    """Initialise, run the start-up hooks (menus, digest jobs, catch-up) and start ``app``."""
    await app.initialize()
    await run_startup_hooks(app)
    await app.start()


async def stop_application(app: App) -> None:
    """Stop and shut down ``app`` (the store stays open)."""
    if app.running:
        await app.stop()
    await app.shutdown()
