"""Pushing a bot's pending updates to its webhook, as Telegram's servers do."""

from __future__ import annotations

import aiohttp

from bot.demo.sandbox.errors import SandboxUsageError
from bot.demo.sandbox.world import BotState, api_json

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

KEEP_SECRET: object = object()
"""Sentinel: send the secret token the bot registered with setWebhook."""

_TIMEOUT = aiohttp.ClientTimeout(total=10)


async def deliver_webhook(bot: BotState, *, secret_token: str | object | None) -> list[int]:
    """POST ``bot``'s allowed pending updates to its webhook; return each HTTP status.

    A 2xx answer confirms the update; the first other status stops delivery and keeps that
    update pending, so Telegram-like retries are possible.
    """
    if bot.webhook_url is None:
        raise SandboxUsageError(
            "The bot has no webhook; it must call setWebhook before deliveries can happen."
        )
    secret = bot.webhook_secret if secret_token is KEEP_SECRET else secret_token
    headers = {SECRET_HEADER: secret} if isinstance(secret, str) else {}
    statuses: list[int] = []
    # force_close: every connection is closed with its request, so none outlives the event loop.
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(timeout=_TIMEOUT, connector=connector) as session:
        for update in bot.updates.take(limit=100):
            async with session.post(
                bot.webhook_url, json=api_json(update.to_dict()), headers=headers
            ) as response:
                await response.read()
                statuses.append(response.status)
            if not 200 <= response.status < 300:
                break
            bot.updates.confirm(update.update_id + 1)
    return statuses
