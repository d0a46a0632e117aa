"""``fingertip audit``: a Telegram Desktop export through the same classifier, store and digest."""

from __future__ import annotations

import asyncio
import contextlib
import re
import tempfile
from collections.abc import AsyncIterator, Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path

from bot.config.secrets import load_or_create_key
from bot.config.settings import Settings
from bot.core.apps import NO_CHASE, AppAuditor, load_catalogue
from bot.core.apps.recognise import shared_recogniser
from bot.core.apps.trail import AppTrail
from bot.core.classifier import Classifier
from bot.core.context import Conversation
from bot.core.digest import WeekDigest
from bot.core.fast_init import maker
from bot.core.observation import (
    IncomingMessage,
    Observation,
    RememberingHasher,
    SenderHasher,
    observe,
)
from bot.core.rollup import RollupWeek
from bot.core.thresholds import Thresholds
from bot.core.worktime import WorkingTime
from bot.sources.telegram_export import (
    ChatSummary,
    ExportedMessage,
    MessageStream,
    list_chats,
    read_chat,
)
from bot.usecases import audit_reader
from bot.usecases.audit_pool import ClassifierPool, Read, classified_chunks, classifier_pool
from bot.usecases.context import exported_context_message
from bot.usecases.digests import DigestRequest, load_digest
from bot.usecases.rollup import RollupMember, load_rollup
from storage.base import IngestResult, Store
from storage.factory import open_store

BATCH = 1000
GROUP_CHAT_TYPES = frozenset(
    {"private_group", "private_supergroup", "public_supergroup", "group", "supergroup"}
)
"""Export chat types that are group chats (``--all`` audits these, not personal chats)."""
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


@contextlib.asynccontextmanager
async def audit_store(
    settings: Settings, data_dir: Path | None, redis_url: str | None = None
) -> AsyncIterator[tuple[Store, Path]]:
    """Open the audit's store and its key directory.

    An audit never writes into the live bot's store: ``FINGERTIP_REDIS_URL`` and
    ``FINGERTIP_DATA_DIR`` (even from a ``.env``) are ignored, and only a ``data_dir`` or
    ``redis_url`` passed explicitly is used. Otherwise a private, temporary store is started
    and removed afterwards (in memory only: nothing it holds outlives the audit); the pseudonym
    key of a store reached by URL is temporary too.
    """
    with contextlib.ExitStack() as cleanup:
        scratch = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="fingertip-")))
        directory = data_dir or scratch
        store = await open_store(
            redis_url, directory, settings.retention(), persistent=data_dir is not None
        )
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
    return _incoming(
        group_id=group_id,
        message_id=message.id,
        sent_at=message.sent_at,
        text=text,
        sender_id=message.sender_id,
        # most texts do not start with "/": the regex is asked of the few that do
        is_command=message.text[:1] == "/" and _COMMAND.match(message.text) is not None,
        edited_at=message.edited_at,
    )


_incoming = maker(IncomingMessage)
"""``IncomingMessage(...)`` at half the cost: the audit makes one per message."""


async def ingest_export(
    store: Store,
    chat: ChatSummary,
    messages: Iterator[ExportedMessage],
    classifier: Classifier,
    working_time: WorkingTime,
    hasher: SenderHasher,
    apps: AppAuditor | None = None,
    pool: ClassifierPool | None = None,
) -> int:
    """Observe and store every ordinary message of ``messages``; return how many were read.

    With ``apps``, app demands are found too; a message naming no app chases the app demand it
    replies to or follows (an ``AppTrail`` of this chat), and an unlisted app captured once by
    its phrasing is recognised by its bare name afterwards. With ``pool``, messages are
    classified in its worker processes; context, apps and the store still see them in file
    order, so the counts are the same as without it.
    """
    count = 0
    batch: list[Observation] = []
    conversation = Conversation(classifier)
    trail = AppTrail()
    with _chunks_of(messages, pool) as chunks, contextlib.closing(chunks):
        async with _Ingester(store) as ingester:
            # A chunk at a time: the loop below is the audit's per-message work, kept free of
            # awaits (an async generator's step per message cost more than some stages).
            async for chunk in _read_chunks(chat, chunks, classifier, pool):
                for message, incoming, read in chunk:
                    decided = None
                    if read is not None and not incoming.is_command:
                        context = exported_context_message(incoming, message, hasher)
                        decided = conversation.decide_classified(context, *read)
                    # Only a labelled message is asked what it chases (see observe): the
                    # others, most of a chat, skip the trail.
                    chased = (
                        trail.chased(message.reply_to_message_id, message.sent_at)
                        if decided is None or decided.labels
                        else NO_CHASE
                    )
                    observation = observe(
                        incoming,
                        classifier,
                        working_time,
                        hasher,
                        decided,
                        apps=apps,
                        chased=chased,
                    )
                    if observation.apps:  # the trail and the auditor learn from these only
                        trail.remember(message.id, message.sent_at, observation.apps)
                        if apps is not None:
                            apps = apps.learning(observation.apps)
                    batch.append(observation)
                    if len(batch) >= BATCH:
                        await ingester.send(batch)
                        batch = []
                count += len(chunk)
            await ingester.send(batch)
    return count


@contextlib.contextmanager
def _chunks_of(
    messages: Iterator[ExportedMessage], pool: ClassifierPool | None
) -> Iterator[Generator[list[ExportedMessage], None, None]]:
    """The messages a chunk at a time: read in a process of their own while a pool classifies
    (the parent is then what the audit waits on), else here."""
    if pool is not None and isinstance(messages, MessageStream) and audit_reader.usable():
        with audit_reader.read_ahead(messages) as chunks:
            yield chunks
        return
    yield _chunked(messages)


def _chunked(messages: Iterator[ExportedMessage]) -> Generator[list[ExportedMessage], None, None]:
    while chunk := list(islice(messages, _SEQUENTIAL_CHUNK)):
        yield chunk


class _Ingester:
    """Stores batches in order with one batch in flight: Redis counts a batch while this
    process reads and decides the next one. ``send`` returns once the batch before is stored;
    leaving the ``async with`` waits for the last one (its error, if any, is raised there)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._in_flight: asyncio.Task[list[IngestResult]] | None = None

    async def send(self, batch: list[Observation]) -> None:
        """Wait for the batch in flight, then send ``batch`` (which must not change after)."""
        await self._settle()
        if batch:
            self._in_flight = asyncio.create_task(self._store.ingest_many(batch))
            # Let it pack and send its commands now, not at the next await of the caller.
            await asyncio.sleep(0)

    async def _settle(self) -> None:
        if self._in_flight is not None:
            in_flight, self._in_flight = self._in_flight, None
            await in_flight

    async def __aenter__(self) -> _Ingester:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            await self._settle()
            return
        # Leaving on an error: the batch in flight still finishes (an acknowledged write is
        # whole), but the error that stopped the audit is the one raised.
        with contextlib.suppress(Exception):
            await self._settle()


_Ordinary = tuple[ExportedMessage, IncomingMessage, Read | None]
_SEQUENTIAL_CHUNK = 512


async def _read_chunks(
    chat: ChatSummary,
    chunks: Iterator[list[ExportedMessage]],
    classifier: Classifier,
    pool: ClassifierPool | None,
) -> AsyncIterator[list[_Ordinary]]:
    """The ordinary messages in file order with their own classification (None: a command),
    a chunk at a time."""
    if pool is None:
        for messages in chunks:
            yield [
                (
                    message,
                    incoming,
                    None if incoming.is_command else classifier.classify_folded(incoming.text),
                )
                for message in messages
                if message.kind == "message"
                for incoming in (to_incoming(chat.id, message),)
            ]
        return
    pairs = (
        (message, to_incoming(chat.id, message))
        for messages in chunks
        for message in messages
        if message.kind == "message"
    )
    async for pairs_chunk, reads in classified_chunks(pairs, _text_of_pair, pool):
        yield [
            (message, incoming, None if incoming.is_command else read)
            for (message, incoming), read in zip(pairs_chunk, reads, strict=True)
        ]


def _text_of_pair(pair: tuple[ExportedMessage, IncomingMessage]) -> str:
    return pair[1].text


def export_app_auditor(settings: Settings) -> AppAuditor:
    """The app audit of an export: the shipped catalogue plus the deployment's files."""
    return AppAuditor(shared_recogniser(load_catalogue(settings.app_catalogue_files)))


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
    request = DigestRequest(
        group_id=chat.id,
        group_name=chat.name,
        working_time=working_time,
        thresholds=thresholds,
        language=language,
        flag_min_members=settings.flag_min_members,
    )
    return [
        await load_digest(store, request, week, now)
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
    redis_url: str | None = None,
    workers: int = 1,
) -> AuditResult:
    """Audit one chat of a Telegram Desktop export and return its weekly digests.

    The store is private unless ``data_dir`` or ``redis_url`` is given (see ``audit_store``).
    ``workers`` above 1 classifies in that many worker processes (same results).
    """
    working_time = settings.working_time()
    chat, messages = read_chat(export, chat_name, working_time.timezone)
    async with (
        audit_store(settings, data_dir, redis_url) as (store, key_dir),
        classifier_pool(classifier, workers) as pool,
    ):
        hasher = RememberingHasher(load_or_create_key(key_dir, "sender"))
        count = await ingest_export(
            store,
            chat,
            messages,
            classifier,
            working_time,
            hasher,
            export_app_auditor(settings),
            pool,
        )
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


@dataclass(frozen=True)
class AccountAuditResult:
    """Every group chat of a full-account export, and the roll-up of each week across them."""

    chats: list[AuditResult]
    rollups: list[RollupWeek]


async def run_audit_all(
    export: Path,
    settings: Settings,
    classifier: Classifier,
    thresholds: Thresholds,
    now: datetime,
    data_dir: Path | None = None,
    workers: int = 1,
) -> AccountAuditResult:
    """Audit every group chat of ``export`` into one store, then roll each week up across them.

    The roll-up reads the stored weekly aggregates only, as the bot's does. ``workers`` above 1
    classifies in that many worker processes (same results).
    """
    working_time = settings.working_time()
    groups = [chat for chat in list_chats(export) if chat.type in GROUP_CHAT_TYPES]
    apps = export_app_auditor(settings)
    results: list[AuditResult] = []
    async with (
        audit_store(settings, data_dir) as (store, key_dir),
        classifier_pool(classifier, workers) as pool,
    ):
        hasher = RememberingHasher(load_or_create_key(key_dir, "sender"))
        for summary in groups:
            chat, messages = read_chat(export, str(summary.id), working_time.timezone)
            count = await ingest_export(
                store, chat, messages, classifier, working_time, hasher, apps, pool
            )
            digests = await week_digests(
                store, chat, working_time, thresholds, settings, now, settings.language
            )
            results.append(
                AuditResult(chat, working_time, digests, count, getattr(messages, "skipped", 0))
            )
        members = [
            RollupMember(
                DigestRequest(
                    group_id=result.chat.id,
                    group_name=result.chat.name,
                    working_time=working_time,
                    thresholds=thresholds,
                    language=settings.language,
                    flag_min_members=settings.flag_min_members,
                ),
                settings.units.get(result.chat.id),
            )
            for result in results
        ]
        weeks = sorted({digest.week for result in results for digest in result.digests})
        rollups = [await load_rollup(store, members, week, now) for week in weeks]
    return AccountAuditResult(chats=results, rollups=rollups)
