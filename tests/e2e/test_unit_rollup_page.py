"""A unit's leader finds a signed link under the weekly roll-up; it opens every group, ranked."""

from __future__ import annotations

import csv
import html
import io
from datetime import datetime

from aiohttp import web

from bot.core.page_links import unit_from_subject, unit_subject
from bot.demo.playground import Playground
from bot.runtime.pages import pages_app
from bot.usecases.pages import page_key
from handlers.rollup import JOB_NAME
from tests.e2e.test_digest_page_link import LINK
from tests.e2e.test_unit_rollup import UNIT, redeem_unit_link, two_groups_in_a_unit
from tests.support.http import closing_session
from tests.support.playground import PAGES_URL, SHANGHAI


def test_unit_subjects_round_trip_and_refuse_anything_else() -> None:
    subject = unit_subject(UNIT)
    assert "/" not in subject
    assert unit_from_subject(subject) == UNIT
    for bad in ("", "not base64!", "-1001", subject + "A", "x" * 1000):
        assert unit_from_subject(bad) != UNIT


async def test_the_leader_opens_the_unit_page_and_its_csv(pages_playground: Playground) -> None:
    busy, calm, boss, leader = await two_groups_in_a_unit(pages_playground)
    pages_playground.sandbox.command(busy, boss, f"/subscribe unit {UNIT}")
    await pages_playground.drain()
    await redeem_unit_link(pages_playground, boss, leader)
    pages_playground.clock.set(datetime(2025, 11, 17, 9, 0, tzinfo=SHANGHAI))
    (job,) = pages_playground.application.job_queue.get_jobs_by_name(JOB_NAME)
    await job.run(pages_playground.application)
    links = [
        html.unescape(found.group(1))
        for sent in pages_playground.sandbox.sent_to(leader)
        if sent.text and (found := LINK.search(sent.text))
    ]
    assert len(links) == 1
    assert links[0].startswith(f"{PAGES_URL}/pages/unit/{unit_subject(UNIT)}/2025-W46?")

    runner = web.AppRunner(
        pages_app(pages_playground.services, page_key(pages_playground.settings))
    )
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    local = links[0].replace(PAGES_URL, f"http://127.0.0.1:{runner.addresses[0][1]}")
    path, query = local.split("?", 1)
    try:
        async with closing_session() as session:
            async with session.get(local) as reply:
                assert reply.status == 200
                page = await reply.text()
            async with session.get(f"{path}.csv?{query}") as reply:
                assert reply.status == 200
                rows = list(csv.DictReader(io.StringIO(await reply.text())))
            # Another unit, or the same link with its signature changed, is refused alike.
            other = local.replace(unit_subject(UNIT), unit_subject("城北区"))
            for refused in (other, local[:-1] + ("0" if local[-1] != "0" else "1")):
                async with session.get(refused) as reply:
                    assert reply.status == 403
                    assert "社区" not in await reply.text()
    finally:
        await runner.cleanup()
    busy_name, calm_name = busy.title or "", calm.title or ""
    assert busy_name in page and calm_name in page
    # The busier group (night pushes, app check-ins) ranks first, on the page and in the CSV.
    assert page.index(busy_name) < page.index(calm_name)
    assert [row["group"] for row in rows] == [busy_name, calm_name]
    assert [int(row["rank"]) for row in rows] == [1, 2]
    assert int(rows[0]["score"]) > int(rows[1]["score"])
