"""The HTTP face of the sandbox: ``/bot<token>/<method>`` on 127.0.0.1, like api.telegram.org."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.demo.sandbox.errors import BotApiError, SandboxUsageError, not_found, unauthorized
from bot.demo.sandbox.methods import METHODS, Call
from bot.demo.sandbox.params import Params, read_params
from bot.demo.sandbox.records import RecordedCall
from bot.demo.sandbox.sandbox import Sandbox
from bot.demo.sandbox.world import api_json

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_LOGGER = logging.getLogger(__name__)


class SandboxServer:
    """Serves a ``Sandbox`` over HTTP as the Bot API, until stopped.

    Use ``async with SandboxServer(sandbox) as server:`` and point PTB at
    ``server.base_url`` and ``server.base_file_url``.
    """

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in _LOOPBACK_HOSTS:
            raise SandboxUsageError(
                f"The sandbox only binds to the loopback interface; {host!r} is not 127.0.0.1."
            )
        self.sandbox = sandbox
        self.host = host
        self._requested_port = port
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        """The TCP port the server listens on (known once started)."""
        if self._port is None:
            raise SandboxUsageError("The sandbox server is not running; start() it first.")
        return self._port

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The value for PTB's ``base_url`` (the token is appended by PTB)."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        """The value for PTB's ``base_file_url``."""
        return f"{self.root_url}/file/bot"

    async def start(self) -> None:
        """Bind and start serving; the port is chosen by the OS when 0 was given."""
        if self._runner is not None:
            raise SandboxUsageError("The sandbox server is already running.")
        for bot in self.sandbox.world.bots.values():
            bot.updates.reopen()
        runner = web.AppRunner(build_app(self.sandbox), access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Release pending long-polls and stop serving; safe to call twice."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        for bot in self.sandbox.world.bots.values():
            bot.updates.close()
        await runner.cleanup()
        self._port = None

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


def build_app(sandbox: Sandbox) -> web.Application:
    """Return the aiohttp application answering Bot API and file requests for ``sandbox``."""
    app = web.Application()
    handler = _Handler(sandbox)
    app.router.add_route("*", "/bot{token}/{method}", handler.api)
    app.router.add_get("/file/bot{token}/{path:.+}", handler.file)
    return app


class _Handler:
    def __init__(self, sandbox: Sandbox) -> None:
        self.world = sandbox.world

    async def api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method_name = request.match_info["method"]
        bot = self.world.bots.get(token)
        params = Params({})
        try:
            params = await read_params(request)
            if bot is None:
                raise unauthorized()
            method = METHODS.get(method_name.lower())
            if method is None:
                raise not_found()
            injected = self.world.take_failure(method_name.lower())
            if injected is not None:
                raise injected
            result = await method(Call(self.world, bot, params))
        except BotApiError as error:
            self._record(method_name, token, params, error=error)
            return web.json_response(error.to_json(), status=error.error_code)
        except Exception as exc:
            # A bug in the double must not look like a Telegram answer: log it, record it, 500.
            _LOGGER.exception("Sandbox failed while answering %s", method_name)
            bug = BotApiError(500, f"Internal Server Error: sandbox bug: {exc!r}")
            self._record(method_name, token, params, error=bug)
            return web.json_response(bug.to_json(), status=500)
        result = api_json(result)
        self._record(method_name, token, params, result=result)
        return web.json_response({"ok": True, "result": result})

    async def file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] not in self.world.bots:
            return web.json_response(unauthorized().to_json(), status=401)
        path = request.match_info["path"]
        stored = next((f for f in self.world.files.values() if f.file_path == path), None)
        if stored is None:
            return web.json_response(not_found().to_json(), status=404)
        return web.Response(body=stored.content, content_type="application/octet-stream")

    def _record(
        self,
        method: str,
        token: str,
        params: Params,
        *,
        result: Any = None,
        error: BotApiError | None = None,
    ) -> None:
        bot = self.world.bots.get(token)
        self.world.calls.append(
            RecordedCall(
                method=method,
                token=token,
                bot_id=bot.id if bot else None,
                params=dict(params.values),
                files=dict(params.files),
                at=self.world.now(),
                result=result,
                error_code=error.error_code if error else None,
                description=error.description if error else None,
            )
        )
