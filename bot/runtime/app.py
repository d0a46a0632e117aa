"""The application factory: wires settings, store, classifier and handlers into a PTB app."""

from __future__ import annotations

import logging
import re
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot.config.secrets import load_or_create_key
from bot.config.settings import Settings, SettingsError
from bot.core.classifier import load_classifier
from bot.core.flags import FlagKeys
from bot.core.observation import SenderHasher
from bot.usecases.services import Clock, Services, system_clock
from handlers import (
    admin,
    commands_menu,
    digest_delivery,
    flags,
    group_messages,
    membership,
    overview,
)
from handlers import private as private_chat
from handlers.common import SERVICES_KEY, App, app_services
from storage.base import Store, StoreError

log = logging.getLogger(__name__)
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
    """Create the shared services; pseudonym secrets live in the data directory, not Redis."""
    return Services(
        settings=settings,
        store=store,
        classifier=load_classifier(settings.rules_files),
        hasher=SenderHasher(load_or_create_key(settings.data_dir, "sender")),
        flag_keys=FlagKeys(load_or_create_key(settings.data_dir, "flags")),
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
    """Build the bot: every handler module registered, the services in ``bot_data``."""
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = Application.builder().token(token)
    if base_url is not None:
        builder = builder.base_url(base_url)
    if base_file_url is not None:
        builder = builder.base_file_url(base_file_url)
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    app: App = builder.build()
    app.bot_data[SERVICES_KEY] = services
    for module in (group_messages, membership, admin, flags, private_chat, overview):
        module.register(app)
    app.add_error_handler(_log_error)
    return app


async def start_application(app: App) -> None:
    """Initialise, run the start-up hooks (menus, digest jobs, catch-up) and start ``app``."""
    await app.initialize()
    await _on_startup(app)
    await app.start()


async def stop_application(app: App) -> None:
    """Stop and shut down ``app`` (the store stays open)."""
    if app.running:
        await app.stop()
    await app.shutdown()


async def _on_startup(app: App) -> None:
    await commands_menu.on_startup(app)
    await digest_delivery.on_startup(app)


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log a failed update without its text or sender; the bot carries on."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    app_services(context.application).metrics.errors.inc()
    if isinstance(error, StoreError):  # an outage: one line, not a traceback per update
        log.error("update %s not handled: %s", update_id, error)
        return
    log.error(
        "update %s failed: %s: %s",
        update_id,
        type(error).__name__,
        error,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
