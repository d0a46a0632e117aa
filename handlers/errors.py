"""The error handler: a failed update is logged without its text or sender, and counted."""

from __future__ import annotations

import logging

from telegram import Update

from handlers.context import BotContext
from storage.base import StoreError

log = logging.getLogger(__name__)


async def log_error(update: object, context: BotContext) -> None:
    """Log a failed update without its text or sender; the bot carries on."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    context.services.metrics.errors.inc()
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
