"""The digest pages on the bot's aiohttp server, reached only through signed, expiring links.

``GET /pages/{kind}/{subject}/{week}?expires=…&sig=…`` answers the HTML page; the same path with
``.csv`` after the week answers the weekly figures. A missing, tampered or expired signature
gets the same bare 403 whatever the group, so a refusal reveals nothing. Each kind of page
(a group, a unit roll-up) has its own loader.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiohttp import web

from bot.core.page_links import PAGE_ROOT, PageKind, PageRef, unit_from_subject, verify
from bot.render.rollup_page import rollup_page_html, rollup_rows
from bot.render.table_export import rows_csv, weekly_rows
from bot.render.web_page import DigestPage, digest_page_html
from bot.usecases.pages import group_weeks
from bot.usecases.rollup import load_rollup, unit_members
from bot.usecases.services import Clock, Services

log = logging.getLogger(__name__)
_WEEK = re.compile(r"^\d{4}-W\d{2}$")
_SUBJECT = re.compile(r"^-?\d{1,20}$")
CSV_SUFFIX = ".csv"
_HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    # The page needs nothing but its own inline style and data: images.
    "Content-Security-Policy": (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
}


@dataclass(frozen=True, slots=True)
class PageBody:
    """What a loader answers: the body and its content type."""

    body: str
    content_type: str


Loader = Callable[[PageRef, bool, str], Awaitable[PageBody | None]]
"""Loads ``ref`` (True: the CSV) given the page's own signed query; None: nothing there."""


def group_loader(found: Services) -> Loader:
    """The loader of group-week pages, from the running bot's services."""

    async def load(ref: PageRef, as_csv: bool, query: str) -> PageBody | None:
        if not _SUBJECT.match(ref.subject):
            return None
        group_id = int(ref.subject)
        if as_csv:
            if group_id not in await found.store.groups():
                return None
            rows = weekly_rows(await group_weeks(found, group_id, ref.week))
            return PageBody(rows_csv(rows), "text/csv")
        loaded = await group_page(found, group_id, ref.week, f"{ref.week}{CSV_SUFFIX}?{query}")
        if loaded is None:
            return None
        page, language = loaded
        # Drawing the charts takes a second or two: off the event loop, so updates keep flowing.
        body = await asyncio.to_thread(digest_page_html, page, language)
        return PageBody(body, "text/html")

    return load


def unit_loader(found: Services) -> Loader:
    """The loader of unit roll-up pages: the unit's groups ranked, read from weekly aggregates."""

    async def load(ref: PageRef, as_csv: bool, query: str) -> PageBody | None:
        unit = unit_from_subject(ref.subject)
        if unit is None:
            return None
        members = await unit_members(found.store, found.settings, unit)
        if not members:
            return None
        rollup = await load_rollup(found.store, members, ref.week, found.clock(), unit)
        if as_csv:
            return PageBody(rows_csv(rollup_rows(rollup)), "text/csv")
        href = f"{ref.week}{CSV_SUFFIX}?{query}"
        return PageBody(rollup_page_html(rollup, found.settings.language, href), "text/html")

    return load


def add_page_routes(
    app: web.Application, key: bytes, loaders: Mapping[PageKind, Loader], clock: Clock
) -> None:
    """Serve the pages of ``loaders`` on ``app``, each behind a link signed with ``key``."""

    async def page(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        as_csv = name.endswith(CSV_SUFFIX)
        week = name.removesuffix(CSV_SUFFIX)
        kind = request.match_info["kind"]
        if kind not in PageKind.__members__.values() or not _WEEK.match(week):
            return _forbidden()
        ref = PageRef(PageKind(kind), request.match_info["subject"], week)
        expires = request.query.get("expires", "")
        signature = request.query.get("sig", "")
        if not verify(key, ref, expires, signature, clock()):
            log.info("page request with a bad or expired signature refused")
            return _forbidden()
        loader = loaders.get(ref.kind)
        loaded = await loader(ref, as_csv, request.query_string) if loader else None
        if loaded is None:
            return web.Response(status=404, text="not found", headers=_HEADERS)
        response = web.Response(
            text=loaded.body, content_type=loaded.content_type, charset="utf-8", headers=_HEADERS
        )
        if as_csv:
            response.headers["Content-Disposition"] = (
                f'attachment; filename="fingertip-{ref.kind.value}-{ref.week}.csv"'
            )
        return response

    app.router.add_get(PAGE_ROOT + "/{kind}/{subject}/{name}", page)


def _forbidden() -> web.Response:
    return web.Response(status=403, text="forbidden", headers=_HEADERS)


def serve_pages(app: web.Application, found: Services, key: bytes) -> None:
    """Add every kind of page the bot serves to ``app`` (the webhook server or its own)."""
    add_page_routes(
        app,
        key,
        {PageKind.GROUP: group_loader(found), PageKind.UNIT: unit_loader(found)},
        found.clock,
    )


def pages_app(found: Services, key: bytes) -> web.Application:
    """An aiohttp app serving only the pages (``fingertip run --web-port`` when polling)."""
    app = web.Application()
    serve_pages(app, found, key)
    return app


async def group_page(
    found: Services, group_id: int, week: str, download_href: str | None
) -> tuple[DigestPage, str] | None:
    """The page of ``group_id``'s ``week`` and its language; None for a group never seen."""
    if group_id not in await found.store.groups():
        return None
    history = await group_weeks(found, group_id, week)
    group = await found.group(group_id)
    page = DigestPage(
        digest=history[-1],
        history=history,
        working_time=await found.working_time(group_id),
        download_href=download_href,
    )
    return page, group.language_or(found.settings)
