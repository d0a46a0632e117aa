"""Subscribers find a signed page link at the end of their digest; the group never gets one."""

from __future__ import annotations

import html
import re
from datetime import datetime

from aiohttp import web

from bot.demo.playground import Playground
from bot.runtime.pages import pages_app
from bot.usecases.pages import page_key
from tests.e2e.test_digest_delivery import leader_with_a_week, post_week, subscribed_leader
from tests.support.http import closing_session
from tests.support.playground import PAGES_URL, SHANGHAI

LINK = re.compile(r'<a href="([^"]+)">')


async def test_the_leader_gets_a_working_link_and_the_group_none(
    pages_playground: Playground,
) -> None:
    group, leader = await leader_with_a_week(pages_playground)
    pages_playground.clock.set(datetime(2025, 11, 17, 9, 0, tzinfo=SHANGHAI))
    await pages_playground.drain()
    from handlers.digest_delivery import deliver_due_digest

    assert (
        await deliver_due_digest(
            pages_playground.application.bot, pages_playground.services, group.id
        )
        == 1
    )
    links = [
        html.unescape(found.group(1))
        for sent in pages_playground.sandbox.sent_to(leader)
        if sent.text and (found := LINK.search(sent.text))
    ]
    assert len(links) == 1
    assert links[0].startswith(PAGES_URL + f"/pages/group/{group.id}/2025-W46?")
    assert not any(
        sent.text and LINK.search(sent.text) for sent in pages_playground.sandbox.sent_to(group)
    )

    runner = web.AppRunner(
        pages_app(pages_playground.services, page_key(pages_playground.settings))
    )
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    local = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with closing_session() as session:
            async with session.get(links[0].replace(PAGES_URL, local)) as reply:
                assert reply.status == 200
                page = await reply.text()
            async with session.get(links[0].replace(PAGES_URL, local)[:-1] + "x") as reply:
                assert reply.status == 403
    finally:
        await runner.cleanup()
    assert "云溪街道工作群" in page


async def test_the_webhook_server_serves_the_pages_too(pages_playground: Playground) -> None:
    from bot.core.page_links import PageKind, PageRef, signed_path
    from bot.runtime.pages import serve_pages
    from bot.runtime.webhook import HEALTH_PATH, webhook_app

    group, boss, member, _leader = subscribed_leader(pages_playground)
    post_week(pages_playground, group, boss, member)
    await pages_playground.drain()
    application = pages_playground.application
    app = webhook_app(
        application, "secret", pages_playground.store.ping, application.process_update
    )
    serve_pages(app, pages_playground.services, page_key(pages_playground.settings))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    ref = PageRef(PageKind.GROUP, str(group.id), "2025-W46")
    path = signed_path(page_key(pages_playground.settings), ref, pages_playground.clock())
    try:
        async with closing_session() as session:
            async with session.get(base + HEALTH_PATH) as reply:
                assert reply.status == 200
            async with session.get(base + path) as reply:
                assert reply.status == 200
                assert "云溪街道工作群" in await reply.text()
            async with session.get(base + ref.path) as reply:
                assert reply.status == 403
    finally:
        await runner.cleanup()
