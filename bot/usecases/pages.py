"""What the digest pages show and how they are reached: page data from the store, signed links."""

from __future__ import annotations

from datetime import datetime

from bot.config.secrets import configured_secret, derive_key, process_secret
from bot.config.settings import Settings
from bot.core.digest import WeekDigest
from bot.core.page_links import PageKind, PageRef, signed_path, unit_subject
from bot.core.worktime import previous_weeks
from bot.usecases.digests import DigestRequest, load_digest
from bot.usecases.services import Services

TREND_WEEKS = 8
PAGE_KEY = "pages"


def page_key(settings: Settings) -> bytes:
    """The key that signs page links, derived from the deployment secret (never stored in the
    data directory or Redis; a per-process secret where none is configured, e.g. the demo)."""
    return derive_key(configured_secret(settings) or process_secret(), PAGE_KEY)


def group_page_link(settings: Settings, group_id: int, week: str, now: datetime) -> str | None:
    """The signed, expiring URL of a group-week page; None when no ``pages_url`` is set."""
    if settings.pages_url is None:
        return None
    ref = PageRef(PageKind.GROUP, str(group_id), week)
    return settings.pages_url + signed_path(page_key(settings), ref, now)


def unit_page_link(settings: Settings, unit: str, week: str, now: datetime) -> str | None:
    """The signed, expiring URL of a unit's roll-up page; None when no ``pages_url`` is set."""
    if settings.pages_url is None:
        return None
    ref = PageRef(PageKind.UNIT, unit_subject(unit), week)
    return settings.pages_url + signed_path(page_key(settings), ref, now)


async def group_weeks(found: Services, group_id: int, week: str) -> list[WeekDigest]:
    """Digests of ``group_id`` for ``week`` and up to ``TREND_WEEKS - 1`` weeks before it,
    oldest first, starting at the first week the store has data for."""
    stored = set(await found.store.weeks(group_id))
    wanted = [*reversed(previous_weeks(week, TREND_WEEKS - 1)), week]
    first = min(stored, default=week)
    now = found.clock()
    request = await DigestRequest.of_group(found, group_id)
    return [await load_digest(found.store, request, each, now) for each in wanted if each >= first]
