"""A round-robin HTTP load balancer on a loopback port, as a deployment puts before N workers.

A worker that refuses the connection is skipped (the next one gets the request); a worker that
dies mid-request yields a 502, so the Bot API keeps that update and delivers it again.
"""

from __future__ import annotations

import itertools
from types import TracebackType

import aiohttp
from aiohttp import web


class RoundRobinBalancer:
    """Forwards every POST and GET to the next live worker URL (``async with`` to serve)."""

    def __init__(self, workers: list[str], port: int = 0) -> None:
        self.workers = workers
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = port

    @property
    def url(self) -> str:
        """The balancer's root URL."""
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> RoundRobinBalancer:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(force_close=True),
            timeout=aiohttp.ClientTimeout(total=30),
        )
        app = web.Application(client_max_size=1 << 20)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"host"}}
        first = next(self._turn)
        for step in range(len(self.workers)):
            target = self.workers[(first + step) % len(self.workers)] + request.path_qs
            try:
                async with self._session.request(
                    request.method, target, data=body, headers=headers
                ) as reply:
                    content = await reply.read()
                    return web.Response(
                        status=reply.status, body=content, content_type=reply.content_type
                    )
            except aiohttp.ClientConnectorError:
                continue  # that worker is down: try the next one
            except aiohttp.ClientError:
                return web.Response(status=502, text="worker failed mid-request")
        return web.Response(status=502, text="no worker answered")
