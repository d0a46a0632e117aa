"""The webhook server: Telegram POSTs updates here; a secret header proves it is Telegram."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram import Bot, Update

from bot.usecases.metrics import CONTENT_TYPE, Metrics
from handlers.context import App

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UPDATE_PATH = "/telegram"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
MAX_UPDATE_BYTES = 1 << 20
_OK = json.dumps({"ok": True}).encode()

HealthCheck = Callable[[], Awaitable[bool]]
Deliver = Callable[[Update], Awaitable[object]]
Express = Callable[[dict[str, Any]], Awaitable[object] | None]
"""Takes a decoded update it can handle without PTB's objects: returns the awaitable that
handles it, or None to let ``Update.de_json`` and the deliverer have it."""


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
    express: Express | None = None,
) -> web.Application:
    """An aiohttp app that hands verified updates to ``deliver``, plus /healthz (no /metrics).

    ``deliver`` defaults to the application's update queue, so Telegram gets its answer at once.
    An update that ``express`` takes is handled by what it returns instead, unparsed by PTB.
    """
    hand_over = deliver or application.update_queue.put

    async def receive(request: web.Request) -> web.Response:
        offered = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(offered.encode(), secret.encode()):
            log.warning("webhook request without the right secret token rejected")
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        data = read_body(await request.read())
        handled = None if data is None or express is None else _express(express, data)
        if handled is not None:
            await handled
            return web.Response(body=_OK, content_type="application/json")
        update = None if data is None else to_update(data, application.bot)
        if update is None:
            # 200 all the same: any other answer makes Telegram redeliver it forever.
            return web.json_response({"ok": True, "ignored": True})
        await hand_over(update)
        # the same few bytes every time: not encoded afresh per update
        return web.Response(body=_OK, content_type="application/json")

    app = ops_app(healthy, None)
    app.router.add_post(UPDATE_PATH, receive)
    return app


def _express(express: Express, data: dict[str, Any]) -> Awaitable[object] | None:
    """``express(data)``, or None (PTB's path) should it fail to read the update: a bug in
    the shortcut must not cost an update (an error answer makes Telegram redeliver it)."""
    try:
        return express(data)
    except Exception as error:
        log.warning(
            "webhook update %s: the express path failed (%s); handled by python-telegram-bot",
            data.get("update_id"),
            type(error).__name__,
        )
        return None


def read_update(body: bytes, bot: Bot) -> Update | None:
    """The update in a webhook body, or None (logged in one line) when it cannot be used.

    Anything may arrive here, however unlikely from Telegram: a body that is not JSON, JSON that
    is not an object, an object python-telegram-bot cannot read.
    """
    data = read_body(body)
    return None if data is None else to_update(data, bot)


def read_body(body: bytes) -> dict[str, Any] | None:
    """The update object in a webhook body (not yet checked by PTB), or None (logged) when
    the body is not JSON, not an object or has no integer ``update_id``."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        log.warning("webhook body ignored: not JSON (%d bytes)", len(body))
        return None
    if not isinstance(data, dict):
        log.warning("webhook body ignored: JSON %s, not an update object", type(data).__name__)
        return None
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        log.warning("webhook body ignored: no update_id")
        return None
    return data


def to_update(data: dict[str, Any], bot: Bot) -> Update | None:
    """PTB's ``Update`` of a decoded update, or None (logged) when PTB cannot read it."""
    update_id = data["update_id"]
    try:
        return Update.de_json(data, bot)
    except Exception as error:  # any parser failure means the same: skip the update
        log.warning(
            "webhook update %d ignored: python-telegram-bot cannot read it (%s)",
            update_id,
            type(error).__name__,
        )
        return None
