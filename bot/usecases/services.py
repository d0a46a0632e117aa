"""The shared services every Telegram handler uses, with small caches in front of the store."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.config.group_settings import GroupSettings
from bot.config.settings import Settings
from bot.core.apps import AppAuditor, AppDemand, Catalogue, load_catalogue
from bot.core.classifier import Classifier
from bot.core.context.cues import shipped_cues
from bot.core.flags import NewcomerTokens, WeekSalts
from bot.core.observation import SenderHasher
from bot.core.worktime import WorkingTime
from bot.usecases.metrics import Metrics
from bot.usecases.outage import Outage
from bot.usecases.read_together import ReadTogether
from storage.base import Store

Clock = Callable[[], datetime]
ADMIN_CACHE_SECONDS = 300
GROUP_CACHE_SECONDS = 30.0
"""How long a worker trusts its copy of a group's settings: another worker may change them."""
DIGESTS_AT_ONCE = 4
"""Digests one worker delivers at the same time. Every group's weekly job fires at the same local
time, and Telegram takes 30 messages a second overall: unbounded, thousands of deliveries would
queue their parts in the send pacing for longer than a digest lease, which would then lapse
mid-send and let the digest be resumed and sent twice. Four digests of a few parts each keep the
pacing wait of a part well under a second."""
LEARNED_APPS = 64
"""Unlisted apps a group's live app audit learns by name at most (per process run)."""


def system_clock() -> datetime:
    """The real time, timezone-aware."""
    return datetime.now(UTC)


def worker_name() -> str:
    """A name for this process among the workers sharing one store (host, pid, random tail)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class AdminCache:
    """Administrators per chat, cached briefly to spare ``getChatAdministrators`` calls."""

    clock: Clock
    entries: dict[int, tuple[datetime, frozenset[int]]] = field(default_factory=dict)

    def get(self, chat_id: int) -> frozenset[int] | None:
        """Return the cached administrator ids of ``chat_id``, or None when stale or absent."""
        entry = self.entries.get(chat_id)
        if entry is None or entry[0] <= self.clock():
            return None
        return entry[1]

    def put(self, chat_id: int, admins: frozenset[int]) -> None:
        """Remember ``admins`` for ``chat_id`` for ``ADMIN_CACHE_SECONDS``."""
        expires = self.clock() + timedelta(seconds=ADMIN_CACHE_SECONDS)
        self.entries[chat_id] = (expires, admins)

    def forget(self, chat_id: int) -> None:
        """Drop ``chat_id`` (its administrators changed)."""
        self.entries.pop(chat_id, None)


@dataclass
class Services:
    """What handlers need: settings, store, classifier, pseudonym keys and a clock."""

    settings: Settings
    store: Store
    classifier: Classifier
    hasher: SenderHasher
    newcomers: NewcomerTokens
    clock: Clock = system_clock
    metrics: Metrics = field(default_factory=Metrics)
    flag_salts: WeekSalts = field(default_factory=WeekSalts)
    outage: Outage = field(default_factory=Outage)
    digest_slots: asyncio.Semaphore = field(
        default_factory=lambda: asyncio.Semaphore(DIGESTS_AT_ONCE)
    )
    """Held by each digest delivery (see ``DIGESTS_AT_ONCE``)."""
    worker: str = field(default_factory=worker_name)
    group_cache_seconds: float = GROUP_CACHE_SECONDS
    admins: AdminCache = field(init=False)
    reader: ReadTogether = field(init=False)
    """The classifier for messages handled concurrently: their texts are read in one batch."""
    _groups: dict[int, tuple[float, GroupSettings]] = field(default_factory=dict, init=False)
    _working_times: dict[int, WorkingTime] = field(default_factory=dict, init=False)
    _app_auditors: dict[int, AppAuditor] = field(default_factory=dict, init=False)
    _learned_apps: dict[int, int] = field(default_factory=dict, init=False)
    _catalogue: Catalogue = field(init=False)

    def __post_init__(self) -> None:
        self.admins = AdminCache(self.clock)
        self.reader = ReadTogether(self.classifier)
        # Loaded now, so a broken deployment catalogue stops the bot at start, not mid-message.
        self._catalogue = load_catalogue(self.settings.app_catalogue_files)
        # The context's cue lexicon too (its hundreds of patterns took the first group message
        # a few tenths of a second to compile, and are then part of the heap settled at start).
        shipped_cues()

    async def healthy(self) -> bool:
        """For /healthz: the store answers and no messages are waiting for it."""
        return not self.outage.active and await self.store.ping()

    async def group(self, group_id: int) -> GroupSettings:
        """Return a group's settings (defaults for a group never seen before).

        The copy is re-read after ``group_cache_seconds``, so a change saved by another worker
        sharing the store takes effect here too. Monotonic time, not the (injectable) clock:
        this is about staleness, not the calendar.
        """
        cached = self._groups.get(group_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self.group_cache_seconds:
            return cached[1]
        settings = await self.store.group_settings(group_id) or GroupSettings()
        if cached is not None and cached[1] != settings:
            self._working_times.pop(group_id, None)
        self._groups[group_id] = (now, settings)
        return settings

    async def working_time(self, group_id: int) -> WorkingTime:
        """Return a group's working time (built once per settings change, not per message)."""
        cached = self._working_times.get(group_id)
        if cached is None:
            cached = (await self.group(group_id)).working_time(self.settings)
            self._working_times[group_id] = cached
        return cached

    async def app_auditor(self, group_id: int) -> AppAuditor:
        """Return a group's app audit: the deployment's catalogue plus the group's own apps."""
        cached = self._app_auditors.get(group_id)
        if cached is None:
            cached = (await self.group(group_id)).app_auditor(self._catalogue)
            self._app_auditors[group_id] = cached
        return cached

    def learn_apps(self, group_id: int, demands: tuple[AppDemand, ...]) -> None:
        """Let the group's app audit recognise the unlisted apps of ``demands`` by their bare
        names from now on (until the settings change or the process restarts), up to
        ``LEARNED_APPS`` apps per group: each one rebuilds the group's recogniser."""
        cached = self._app_auditors.get(group_id)
        if cached is None or not demands:
            return
        learned = cached.learning(demands)
        if learned is not cached:
            count = self._learned_apps.get(group_id, 0) + 1
            if count > LEARNED_APPS:
                return
            self._learned_apps[group_id] = count
            self._app_auditors[group_id] = learned

    async def save_group(self, group_id: int, settings: GroupSettings) -> None:
        """Store a group's settings and refresh the caches."""
        await self.store.save_group_settings(group_id, settings)
        self._groups[group_id] = (time.monotonic(), settings)
        self._working_times.pop(group_id, None)
        self._app_auditors.pop(group_id, None)
        self._learned_apps.pop(group_id, None)

    async def joined(self, group_id: int) -> bool:
        """True when the bot was added to ``group_id`` (its membership handler saved settings).

        Chats that only reached the store otherwise (an audit written into the live store)
        are never treated as groups: no digest, no flags.
        """
        return await self.store.group_settings(group_id) is not None

    def forget_group(self, group_id: int) -> None:
        """Drop a group from the caches (after erasure or migration)."""
        self._groups.pop(group_id, None)
        self._working_times.pop(group_id, None)
        self._app_auditors.pop(group_id, None)
        self._learned_apps.pop(group_id, None)
        self.admins.forget(group_id)
