"""What the digest pages show and how they are reached: page data from the store, signed links."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

from bot.config.secrets import load_or_create_key
from bot.config.settings import Settings
from bot.core.digest import WeekDigest
from bot.core.page_links import PageKind, PageRef, signed_path
from bot.core.worktime import previous_weeks
from bot.render.web_page import DigestPage
from bot.usecases.digests import load_digest
from bot.usecases.services import Services

TREND_WEEKS = 8
PAGE_KEY = "pages"


@cache
def _page_key(data_dir: Path) -> bytes:
    return load_or_create_key(data_dir, PAGE_KEY)


def page_key(settings: Settings) -> bytes:
    """The deployment's secret for page links (kept beside the other secrets, not in Redis)."""
    return _page_key(settings.data_dir)


def group_page_link(settings: Settings, group_id: int, week: str, now: datetime) -> str | None:
    """The signed, expiring URL of a group-week page; None when no ``pages_url`` is set."""
    if settings.pages_url is None:
        return None
    ref = PageRef(PageKind.GROUP, str(group_id), week)
    return settings.pages_url + signed_path(page_key(settings), ref, now)


async def group_weeks(found: Services, group_id: int, week: str) -> list[WeekDigest]:
    """Digests of ``group_id`` for ``week`` and up to ``TREND_WEEKS - 1`` weeks before it,
    oldest first, starting at the first week the store has data for."""
    stored = set(await found.store.weeks(group_id))
    wanted = [*reversed(previous_weeks(week, TREND_WEEKS - 1)), week]
    first = min(stored, default=week)
    now = found.clock()
    group = await found.group(group_id)
    return [
        await load_digest(
            found.store,
            group_id=group_id,
            group_name=group.title or str(group_id),
            week=each,
            working_time=await found.working_time(group_id),
            thresholds=group.thresholds_from(found.settings),
            now=now,
            language=group.language_or(found.settings),
            flag_min_members=found.settings.flag_min_members,
        )
        for each in wanted
        if each >= first
    ]


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
