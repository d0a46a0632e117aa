"""The two ways updates arrive: a webhook with a secret token, and long polling."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.demo.playground import Playground
from bot.runtime.ordering import ChatOrder, express_in_chat_order, in_chat_order
from bot.runtime.webhook import HEALTH_PATH, UPDATE_PATH, webhook_app
from handlers.express import ExpressCounting
from tests.support.http import closing_session
from tests.support.playground import at

SECRET = "s3cret-token-for-tests"


def broken_express(_: dict[str, Any]) -> None:
    raise RuntimeError("a bug in the express path")


@pytest.fixture(params=["ptb", "express", "broken express"])
async def webhook_url(
    playground: Playground, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """Our webhook server on 127.0.0.1, registered with the sandbox under ``SECRET``: updates
    through PTB only, with the express path as ``fingertip run`` wires it, or with an express
    path that fails (PTB's path must then handle every update)."""
    application = playground.application
    order = ChatOrder()
    express = {
        "ptb": None,
        "express": express_in_chat_order(ExpressCounting(application), order),
        "broken express": broken_express,
    }[request.param]
    app = webhook_app(
        application,
        SECRET,
        playground.store.ping,
        in_chat_order(application.process_update, order),
        express=express,
    )
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}"
    await application.bot.set_webhook(url + UPDATE_PATH, secret_token=SECRET)
    yield url
    await application.bot.delete_webhook()
    await runner.cleanup()


async def test_updates_with_the_right_secret_are_processed(
    playground: Playground, webhook_url: str
) -> None:
    sandbox = playground.sandbox
    boss = sandbox.add_user("Boss")
    group = sandbox.create_group("Ward 4", owner=boss)
    sandbox.add_bot_to_group(group, by=boss)
    sandbox.post(
        group,
        boss,
        "Everyone upload a photo of the signed checklist by 9pm tonight.",
        at=at(0, 20),
    )
    statuses = await sandbox.deliver_webhook()
    assert statuses == [200, 200, 200]
    week = await playground.store.week(group.id, "2025-W46")
    assert week.messages == 1
    assert week.demands == 1


@pytest.mark.parametrize("secret", ["wrong-secret", None])
async def test_updates_without_the_right_secret_are_refused(
    playground: Playground, webhook_url: str, secret: str | None
) -> None:
    sandbox = playground.sandbox
    boss = sandbox.add_user("Boss")
    group = sandbox.create_group("Ward 5", owner=boss)
    sandbox.add_bot_to_group(group, by=boss)
    statuses = await sandbox.deliver_webhook(secret_token=secret)
    assert statuses == [403]
    assert await playground.store.groups() == []


async def test_health_check(playground: Playground, webhook_url: str) -> None:
    async with closing_session() as session, session.get(webhook_url + HEALTH_PATH) as reply:
        assert reply.status == 200
        assert (await reply.json()) == {"ok": True}


async def test_long_polling_delivers_updates_to_the_handlers(playground: Playground) -> None:
    application = playground.application
    sandbox = playground.sandbox
    boss = sandbox.add_user("Boss")
    group = sandbox.create_group("Ward 6", owner=boss)
    sandbox.add_bot_to_group(group, by=boss)
    sandbox.post(group, boss, "Reply 'received' when you have read this.", at=at(0, 10))
    updater = application.updater
    assert updater is not None
    await updater.start_polling(poll_interval=0, timeout=1)
    try:
        for _ in range(200):  # bounded: at most ~10 s
            if (await playground.store.week(group.id, "2025-W46")).messages:
                break
            await asyncio.sleep(0.05)
    finally:
        await updater.stop()
    week = await playground.store.week(group.id, "2025-W46")
    assert week.messages == 1
    assert week.labelled


UNUSABLE_BODIES = [
    b"[]",
    b"1",
    b"null",
    b"not json",
    b'{"message": {}}',
    b'{"update_id": 7, "message": {"message_id": 1}}',
    b'{"update_id": 8, "message": {"message_id": 1, "chat": {"id": 1, "type": "group"}, '
    b'"date": 2534023008000}}',
]


@pytest.mark.parametrize("body", UNUSABLE_BODIES)
async def test_an_unusable_update_is_answered_200_and_logged_once(
    playground: Playground, webhook_url: str, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    with caplog.at_level(logging.INFO):
        async with (
            closing_session() as session,
            session.post(webhook_url + UPDATE_PATH, data=body, headers=headers) as reply,
        ):
            # Anything but 2xx and Telegram redelivers the update forever.
            assert reply.status == 200
    lines = [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and "express path failed" not in r.getMessage()
    ]  # the broken express path of ``webhook_url`` says it failed, and then PTB's path reads
    assert len(lines) == 1
    assert lines[0].getMessage().startswith("webhook ")
    assert all(record.exc_info is None for record in caplog.records)

    # The bot still works.
    sandbox = playground.sandbox
    boss = sandbox.add_user("Boss")
    group = sandbox.create_group("Ward 6", owner=boss)
    sandbox.add_bot_to_group(group, by=boss)
    sandbox.post(group, boss, "Upload the photos tonight.", at=at(0, 20))
    assert await sandbox.deliver_webhook() == [200, 200, 200]
    assert (await playground.store.week(group.id, "2025-W46")).messages == 1
