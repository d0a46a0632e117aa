"""The real Fingertip application wired to a local Bot API sandbox, for the demo and e2e tests.

Updates travel over HTTP like in production (``getUpdates`` on the sandbox server); ``drain``
fetches and processes them until none are left, so a script knows when the bot has caught up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import Update

from bot.config.settings import Settings
from bot.demo.sandbox import ManualClock, Sandbox, SandboxServer
from bot.runtime.app import build_application, build_services, start_application, stop_application
from bot.usecases.services import Services
from handlers.context import App
from storage.base import Store

BOT_TOKEN = "123456:SANDBOX-token"
BOT_USERNAME = "fingertip_bot"


@dataclass
class Playground:
    """A sandbox, its HTTP server and the real application talking to it."""

    sandbox: Sandbox
    server: SandboxServer
    settings: Settings
    store: Store
    clock: ManualClock
    app: App | None = None
    _offset: int = field(default=0, init=False)

    @classmethod
    async def open(
        cls,
        settings: Settings,
        store: Store,
        clock: ManualClock,
        *,
        can_read_all_group_messages: bool = True,
    ) -> Playground:
        """Start a sandbox with one bot account and its server on 127.0.0.1."""
        sandbox = Sandbox(clock=clock)
        sandbox.add_bot(
            BOT_TOKEN, BOT_USERNAME, can_read_all_group_messages=can_read_all_group_messages
        )
        server = SandboxServer(sandbox)
        await server.start()
        return cls(sandbox=sandbox, server=server, settings=settings, store=store, clock=clock)

    @property
    def services(self) -> Services:
        """The running application's services."""
        return self.application.bot_data.services

    @property
    def application(self) -> App:
        """The running application (after ``start_bot``)."""
        if self.app is None:
            raise RuntimeError("call start_bot() first")
        return self.app

    async def start_bot(self) -> App:
        """Build and start the real application (as after a process start)."""
        services = build_services(self.settings, self.store, clock=self.clock)
        self.app = build_application(
            services,
            BOT_TOKEN,
            base_url=self.server.base_url,
            base_file_url=self.server.base_file_url,
        )
        await start_application(self.app)
        return self.app

    async def stop_bot(self) -> None:
        """Stop the application (as before a process exit); the store stays open."""
        if self.app is not None:
            await stop_application(self.app)
            self.app.bot_data.services.outage.abandon()
            self.app = None

    async def restart_bot(self) -> App:
        """Stop and start the application again on the same store."""
        await self.stop_bot()
        return await self.start_bot()

    async def drain(self) -> int:
        """Fetch pending updates over HTTP and process them; return how many were handled."""
        app = self.application
        handled = 0
        while True:
            updates = await app.bot.get_updates(
                offset=self._offset, timeout=0, allowed_updates=Update.ALL_TYPES
            )
            if not updates:
                return handled
            for update in updates:
                await app.process_update(update)
                self._offset = update.update_id + 1
                handled += 1

    async def close(self) -> None:
        """Stop the application and the sandbox server, and let the store finish what the bot
        started (an anonymous flag's background rewrite), so no connection outlives its loop."""
        await self.stop_bot()
        await self.store.settle()
        await self.server.stop()
