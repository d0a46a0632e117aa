"""The digest page in a real browser: served by the running bot over HTTP, figures as in the
digest JSON, charts that load, phone width, and a tampered or expired link refused."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web

from bot.core.page_links import PageKind, PageRef, signed_path
from bot.core.thresholds import MetricId
from bot.demo.playground import Playground
from bot.render.json_report import week_to_dict
from bot.runtime.pages import pages_app
from bot.usecases.pages import group_weeks, page_key
from tests.support.browser import PHONE, artifact_path
from tests.support.http import closing_session
from tests.support.playground import at

WEEK = "2025-W46"


@pytest.fixture
async def page_server(playground: Playground) -> AsyncIterator[str]:
    """The running bot's page server on 127.0.0.1 (as ``fingertip run --web-port``)."""
    runner = web.AppRunner(pages_app(playground.services, page_key(playground.settings)))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def _a_hard_week(playground: Playground) -> int:
    sandbox = playground.sandbox
    boss = sandbox.add_user("主任")
    member = sandbox.add_user("网格员")
    group = sandbox.create_group("青禾社区网格群", owner=boss, members=[member])
    sandbox.add_bot_to_group(group, by=boss)
    for when, text in [
        (at(0, 22, 30), "请大家今晚11点前把走访照片发群里。"),
        (at(1, 21, 10), "明早九点前把第三季度网格工作总结交上来。"),
        (at(2, 10, 0), "请各村周五前报送秋收统计表。"),
        (at(2, 23, 40), "各位今晚务必完成App打卡并截图。"),
        (at(5, 10, 0), "请各位周六到岗，把台账交上来，收到请回复。"),
    ]:
        sandbox.post(group, boss, text, at=when)
    sandbox.post(group, member, "收到", at=at(5, 10, 5))
    await playground.drain()
    return group.id


def _shown_value(metric: dict[str, Any]) -> str:
    value = metric["value"]
    if metric["id"] == MetricId.AFTER_HOURS_DEMAND_SHARE.value:
        return f"{round(value * 100)}%"
    return str(int(value)) if float(value).is_integer() else str(value)


def _png_size(path: Any) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header.startswith(b"\x89PNG")
    width, height = struct.unpack(">II", header[16:24])
    return width, height


async def test_the_page_shows_the_digest_in_a_phone_browser(
    playground: Playground, page_server: str, chromium: Any
) -> None:
    from selenium.webdriver.common.by import By

    group_id = await _a_hard_week(playground)
    playground.clock.set(at(7, 9, 0))  # the week is over: its figures are final
    digest = (await group_weeks(playground.services, group_id, WEEK))[-1]
    expected = week_to_dict(digest)
    assert expected["demands"] > 0, "the planted week must have demands to show"
    ref = PageRef(PageKind.GROUP, str(group_id), WEEK)
    url = page_server + signed_path(page_key(playground.settings), ref, playground.clock())

    await asyncio.to_thread(chromium.get, url)

    def read_page() -> dict[str, Any]:
        rows = chromium.find_elements(By.CSS_SELECTOR, "#metrics tr[data-metric]")
        labels = chromium.find_elements(By.CSS_SELECTOR, "#labels tr[data-label]")
        images = chromium.find_elements(By.CSS_SELECTOR, "#charts img")
        return {
            "title": chromium.find_element(By.TAG_NAME, "h1").text,
            "metrics": {
                row.get_attribute("data-metric"): row.find_element(By.CSS_SELECTOR, ".value").text
                for row in rows
            },
            "labels": {
                row.get_attribute("data-label"): int(
                    row.find_element(By.CSS_SELECTOR, ".count").text
                )
                for row in labels
            },
            "image_widths": [
                chromium.execute_script(
                    "return arguments[0].complete && arguments[0].naturalWidth", image
                )
                for image in images
            ],
            "image_sources": [image.get_attribute("src")[:22] for image in images],
            "scroll_width": chromium.execute_script("return document.documentElement.scrollWidth"),
            "inner_width": chromium.execute_script("return window.innerWidth"),
            "csv": chromium.find_element(By.ID, "download-csv").get_attribute("href"),
        }

    shown = await asyncio.to_thread(read_page)
    assert "青禾社区网格群" in shown["title"]
    assert shown["metrics"] == {m["id"]: _shown_value(m) for m in expected["metrics"]}
    assert shown["labels"] == expected["labels"]
    assert len(shown["image_widths"]) >= 2
    assert all(width and width > 0 for width in shown["image_widths"])
    assert all(src.startswith("data:image/png;base64") for src in shown["image_sources"])
    # Readable on a phone: nothing wider than the screen.
    assert shown["inner_width"] == PHONE[0]
    assert shown["scroll_width"] <= PHONE[0]

    screenshot = artifact_path("digest-page-390x844.png")
    assert await asyncio.to_thread(chromium.save_screenshot, str(screenshot))
    assert _png_size(screenshot)[0] == PHONE[0]

    async with closing_session() as session, session.get(shown["csv"]) as reply:
        assert reply.status == 200
        assert reply.headers["Content-Type"].startswith("text/csv")
        csv_text = await reply.text()
    assert f"{group_id},青禾社区网格群,{WEEK}," in csv_text


async def test_a_tampered_or_expired_link_is_refused_and_reveals_nothing(
    playground: Playground, page_server: str, chromium: Any
) -> None:
    from selenium.webdriver.common.by import By

    group_id = await _a_hard_week(playground)
    key = page_key(playground.settings)
    good = signed_path(key, PageRef(PageKind.GROUP, str(group_id), WEEK), playground.clock())
    expired = signed_path(
        key, PageRef(PageKind.GROUP, str(group_id), WEEK), playground.clock() - timedelta(days=31)
    )
    path, query = good.split("?")
    other_group = path.replace(str(group_id), str(group_id - 1))
    last = query[-1]
    tampered = [
        f"{path}?{query[:-1]}{'0' if last != '0' else '1'}",  # one signature digit changed
        f"{other_group}?{query}",  # another group, same signature
        path.replace(WEEK, "2025-W45") + "?" + query,  # another week
        path,  # no signature at all
        f"{path}?expires=%C2%B2&sig=00",  # a non-ASCII digit as the expiry
        path.replace("/group/", "/unit/") + "?" + query,  # another kind of page
        expired,
    ]
    async with closing_session() as session:
        for link in tampered:
            async with session.get(page_server + link) as reply:
                assert reply.status == 403, link
                body = await reply.text()
            assert body == "forbidden"
        async with session.get(page_server + good) as reply:
            assert reply.status == 200

    await asyncio.to_thread(chromium.get, page_server + tampered[0])
    text = await asyncio.to_thread(lambda: chromium.find_element(By.TAG_NAME, "body").text)
    assert "青禾社区网格群" not in text
    assert "forbidden" in text
