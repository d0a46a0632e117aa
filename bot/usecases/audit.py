"""``fingertip audit``: a Telegram Desktop export through the same classifier, store and digest."""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.config.secrets import load_or_create_key
from bot.config.settings import Settings
from bot.core.classifier import Classifier
from bot.core.digest import WeekDigest
from bot.core.observation import IncomingMessage, Observation, SenderHasher, observe
from bot.core.thresholds import Thresholds
from bot.core.worktime import WorkingTime
from bot.sources.telegram_export import ChatSummary, ExportedMessage, read_chat
from bot.usecases.digests import load_digest
from storage.base import Retention, Store
from storage.factory import open_store

BATCH = 1000
_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@\w+)?(\s|$)")


@dataclass(frozen=True)
class AuditResult:
    """The audited chat, the assumptions used and one digest per week with messages."""

    chat: ChatSummary
    working_time: WorkingTime
    digests: list[WeekDigest]
    messages: int
    skipped: int
    skip_summary: str = ""
    """One line saying which export entries were skipped and why ("" when none were)."""


def retention_from(settings: Settings) -> Retention:
    """The store's retention and evidence limits from ``settings``."""
    return Retention(
        aggregate_weeks=settings.aggregate_retention_weeks,
        evidence_weeks=settings.evidence_retention_weeks,
        evidence_per_label=settings.evidence_per_label,
        repeat_window_days=settings.repeat_window_days,
    )


@contextlib.asynccontextmanager
async def audit_store(
    settings: Settings, data_dir: Path | None
) -> AsyncIterator[tuple[Store, Path]]:
    """Open the audit's store and its key directory: ``data_dir`` if given, else a temporary one.

    A configured ``FINGERTIP_REDIS_URL`` is used as is.
    """
    with contextlib.ExitStack() as cleanup:
        if data_dir is None and settings.redis_url is None:
            data_dir = Path(
                cleanup.enter_context(tempfile.TemporaryDirectory(prefix="fingertip-"))
            )
        directory = data_dir or settings.data_dir
        store = await open_store(settings.redis_url, directory, retention_from(settings))
        try:
            yield store, directory
        finally:
            await store.close()


def to_incoming(group_id: int, message: ExportedMessage) -> IncomingMessage:
    """Turn an exported message into the Telegram-free input of ``observe``."""
    text = message.text
    if message.file_name and message.file_name not in text:
        # Attachment names ("走访台账.xlsx") say what is being asked for.
        text = f"{text}\n{message.file_name}" if text else message.file_name
    return IncomingMessage(
        group_id=group_id,
        message_id=message.id,
        sent_at=message.sent_at,
        text=text,
        sender_id=message.sender_id,
        is_command=bool(_COMMAND.match(message.text)),
        edited_at=message.edited_at,
    )


async def ingest_export(
    store: Store,
    chat: ChatSummary,
    messages: Iterator[ExportedMessage],
    classifier: Classifier,
    working_time: WorkingTime,
    hasher: SenderHasher,
) -> int:
    """Observe and store every ordinary message of ``messages``; return how many were read."""
    count = 0
    batch: list[Observation] = []
    for message in messages:
        if message.kind != "message":
            continue
        batch.append(observe(to_incoming(chat.id, message), classifier, working_time, hasher))
        count += 1
        if len(batch) >= BATCH:
            await store.ingest_many(batch)
            batch.clear()
    await store.ingest_many(batch)
    return count


async def week_digests(
    store: Store,
    chat: ChatSummary,
    working_time: WorkingTime,
    thresholds: Thresholds,
    settings: Settings,
    now: datetime,
    language: str,
    weeks: Sequence[str] | None = None,
) -> list[WeekDigest]:
    """Build the digest of every stored week of ``chat`` (or of ``weeks``), oldest first."""
    return [
        await load_digest(
            store,
            group_id=chat.id,
            group_name=chat.name,
            week=week,
            working_time=working_time,
            thresholds=thresholds,
            now=now,
            language=language,
            flag_min_members=settings.flag_min_members,
        )
        for week in (weeks if weeks is not None else await store.weeks(chat.id))
    ]


async def run_audit(
    export: Path,
    chat_name: str | None,
    settings: Settings,
    classifier: Classifier,
    thresholds: Thresholds,
    now: datetime,
    data_dir: Path | None = None,
) -> AuditResult:
    """Audit one chat of a Telegram Desktop export and return its weekly digests."""
    working_time = settings.working_time()
    chat, messages = read_chat(export, chat_name, working_time.timezone)
    async with audit_store(settings, data_dir) as (store, key_dir):
        hasher = SenderHasher(load_or_create_key(key_dir, "sender"))
        count = await ingest_export(store, chat, messages, classifier, working_time, hasher)
        digests = await week_digests(
            store, chat, working_time, thresholds, settings, now, settings.language
        )
    return AuditResult(
        chat=chat,
        working_time=working_time,
        digests=digests,
        messages=count,
        skipped=messages.skipped,
        skip_summary=messages.summary(),
    )
