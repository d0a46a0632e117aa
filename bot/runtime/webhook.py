"""The webhook server: Telegram POSTs updates here; a secret header proves it is Telegram."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram import Update

from bot.usecases.metrics import CONTENT_TYPE, Metrics
from handlers.context import App

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UPDATE_PATH = "/telegram"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
MAX_UPDATE_BYTES = 1 << 20

HealthCheck = Callable[[], Awaitable[bool]]
Deliver = Callable[[Update], Awaitable[object]]


def ops_app(healthy: HealthCheck, metrics: Metrics | None) -> web.Application:
    """An aiohttp app serving /healthz, and /metrics when ``metrics`` is given.

    /metrics is served only on the operator's own port (``--metrics-port``), never on the
    public webhook listener: counters scraped by anyone would time what the bot does.
    """

    async def health(_: web.Request) -> web.Response:
        ok = await healthy()
        return web.json_response({"ok": ok}, status=200 if ok else 503)

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_get(HEALTH_PATH, health)
    if metrics is not None:
        served = metrics

        async def exposition(_: web.Request) -> web.Response:
            response = web.Response(body=served.exposition())
            response.headers["Content-Type"] = CONTENT_TYPE
            return response

        app.router.add_get(METRICS_PATH, exposition)
    return app


def webhook_app(
    application: App,
    secret: str,
    healthy: HealthCheck,
    deliver: Deliver | None = None,
) -> web.Application:
    """An aiohttp app that hands verified updates to ``deliver``, plus /healthz (no /metrics).

    ``deliver`` defaults to the application's update queue, so Telegram gets its answer at once.
    """
    hand_over = deliver or application.update_queue.put

    async def receive(request: web.Request) -> web.Response:
        offered = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(offered.encode(), secret.encode()):
            log.warning("webhook request without the right secret token rejected")
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError):
            return web.json_response({"ok": False, "error": "malformed update"}, status=400)
        await hand_over(update)
        return web.json_response({"ok": True})

    app = ops_app(healthy, None)
    app.router.add_post(UPDATE_PATH, receive)
    return app
