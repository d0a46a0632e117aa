"""Pytest fixtures serving an in-process Bot API double (``bot.demo.sandbox``) on 127.0.0.1.

``tests/conftest.py`` re-exports the fixtures, so any test can ask for them::

    async def test_echo(sandbox, sandbox_server):
        bot = make_bot(sandbox_server)
        ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import Bot
from telegram.ext import ApplicationBuilder

from bot.demo.sandbox import ManualClock, Sandbox, SandboxServer

BOT_TOKEN = "123456:TEST-token"
BOT_USERNAME = "fingertip_bot"
SANDBOX_START = datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
"""Monday 09:00 in Shanghai: where ``sandbox_clock`` starts."""


def make_bot(server: SandboxServer, token: str = BOT_TOKEN) -> Bot:
    """Return a PTB ``Bot`` that talks to ``server`` (use it as ``async with``)."""
    return Bot(token, base_url=server.base_url, base_file_url=server.base_file_url)


def application_builder(
    server: SandboxServer, token: str = BOT_TOKEN
) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """Return an ``ApplicationBuilder`` already pointed at ``server`` with ``token``."""
    return (
        ApplicationBuilder()
        .token(token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
    )


def new_sandbox(clock: ManualClock) -> Sandbox:
    """Return a sandbox with one bot (``BOT_TOKEN``, privacy off so it reads group messages)."""
    world = Sandbox(clock=clock)
    world.add_bot(BOT_TOKEN, BOT_USERNAME, can_read_all_group_messages=True)
    return world


@pytest.fixture
def sandbox_clock() -> ManualClock:
    """A manual clock starting at ``SANDBOX_START``; advance it to move sandbox time."""
    return ManualClock(SANDBOX_START)


@pytest.fixture
def sandbox(sandbox_clock: ManualClock) -> Sandbox:
    """A sandbox with one bot (``BOT_TOKEN``, privacy mode off so it reads group messages)."""
    return new_sandbox(sandbox_clock)


@pytest.fixture
async def sandbox_server(sandbox: Sandbox) -> AsyncIterator[SandboxServer]:
    """``sandbox`` served on 127.0.0.1 for the duration of the test."""
    async with SandboxServer(sandbox) as server:
        yield server
