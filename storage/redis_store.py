"""The Redis implementation of ``Store`` on ``redis.asyncio``."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from importlib import resources
from typing import Any

from redis.exceptions import NoScriptError, RedisClusterException, RedisError, ResponseError

from bot.config.group_settings import GroupSettings
from bot.config.settings import default_settings
from bot.core.aggregates import FlagCounts, RepeatedReport, WeekAggregate
from bot.core.context import ConversationState
from bot.core.flags import FLAG_TEXTS_KEPT, FlagEntry, FlagReceipt, FlagText
from bot.core.labels import ALL_LABELS, Label
from bot.core.observation import Observation
from bot.core.retention import Retention
from bot.core.worktime import week_start
from storage import keys
from storage.base import DigestLease, IngestResult, Invite, StoreError
from storage.batcher import Coalescer, Command
from storage.cluster import RedisClient, is_cluster
from storage.codec import (
    HEADLINE_FIELDS,
    LABEL_CODES,
    counter_tokens,
    decode_headline,
    decode_week,
    evidence_record,
)
from storage.conversations import DecodedStates
from storage.invites import decode_invite, encode_invite
from storage.leases import DigestLeases

_WEEK_SECONDS = 7 * 24 * 3600
_MOVED_CHAT_SECONDS = _WEEK_SECONDS
"""How long an upgraded chat's successor is remembered: past Telegram's 24 hours of keeping
unconfirmed updates and a one-time link's 24 hours, with room for a bot down for days."""
_REWRITE_POLL_SECONDS = 0.02
_REWRITE_WAIT_SECONDS = 10.0
_REWRITE_REFUSALS = 6
CLOSE_REWRITE_SECONDS = 15.0
"""Longest a closing store waits for a rewrite it asked for; the next store to open does the
rest (see ``keys.COMPACTION_PENDING``), so a stop never waits on a long rewrite."""
"""Refusals in a row (a rewrite still running after each wait) before asking again only at the
next compaction, so settling never waits on a server that rewrites without end."""
BULK_GROUPS = 1000
"""Groups per pipelined round trip in bulk reads (roll-ups)."""
RUN = 500
"""Messages of one group-week counted by one Lua call at most (Redis runs nothing else while a
script runs: a run of 500 takes a few milliseconds)."""
_RESULTS_BY_CODE = tuple(IngestResult(code) for code in range(len(IngestResult)))
"""The script's result codes (0, 1, 2) as ``IngestResult``s."""
RUN_HEADS_KEPT = 4096
"""Group-weeks whose ingest keys and leading arguments are kept ready (see ``_run_head``)."""
_LABELS_BY_NAME = {label.value: label for label in Label}


def _load_script(name: str) -> str:
    return resources.files("storage").joinpath("lua", name).read_text(encoding="utf-8")


class RedisStore:
    """Aggregates in Redis. Every key of a group shares one hash tag (cluster-ready)."""

    def __init__(self, client: RedisClient, retention: Retention | None = None) -> None:
        self._redis = client
        self._retention = retention or default_settings().retention()
        ingest = _load_script("ingest.lua")
        self._ingest = client.register_script(ingest)
        self._record_flag = client.register_script(_load_script("record_flag.lua"))
        self._append_only: bool | None = None
        self._rewriter: asyncio.Task[None] | None = None
        self._rewrite_again = False
        self._rollup = client.register_script(_load_script("rollup.lua"))
        self._welcome = client.register_script(_load_script("welcome.lua"))
        # Batches name their script by digest (no SCRIPT EXISTS round trip first), so it is
        # loaded up front, and again after a NOSCRIPT.
        self._script_loaded = False
        # A cluster pipeline cannot load a missing script mid-batch, so it is loaded up front.
        self._rollup_loaded = not is_cluster(client)
        self._known_groups: set[int] = set()
        self._run_heads: dict[tuple[int, str], tuple[tuple[str, ...], tuple[str | int, ...]]] = {}
        # Live updates in flight share round trips (see ``storage.batcher``).
        self._coalescer = Coalescer(client, [ingest])
        self._states = DecodedStates()
        self._leases = DigestLeases(client, self._retention.aggregate_weeks * _WEEK_SECONDS)
        self._on_close: list[Any] = []

    @property
    def client(self) -> RedisClient:
        """The underlying client (for benchmarks and maintenance tools)."""
        return self._redis

    def on_close(self, callback: Any) -> None:
        """Run ``callback()`` after the connection is closed (used by the embedded server)."""
        self._on_close.append(callback)

    def writes_in_flight(self) -> bool:
        """Whether coalesced commands are queued or out (``close`` waits for them)."""
        return self._coalescer.busy()

    async def ingest(self, observation: Observation) -> IngestResult:
        """Count one message; see ``Store.ingest``. Messages ingested concurrently (updates in
        flight on a webhook) share one pipelined round trip, each caller awaiting its own result.
        """
        call_keys, args = self._ingest_call([observation])  # a run of one
        command = ("EVALSHA", self._ingest.sha, len(call_keys), *call_keys, *args)
        return await self._ingest_one(observation.group_id, command)

    async def ingest_in_context(
        self, observation: Observation, state: ConversationState, ttl_seconds: int
    ) -> IngestResult:
        """Count one message and, when it is new, store ``state`` as its group's conversation
        state, in one script call; see ``Store.ingest_in_context``."""
        group_id = observation.group_id
        stored = self._states.encode(group_id, state)  # only its new entries are encoded
        call_keys, args = self._ingest_call([observation])  # a run of one
        command = (
            "EVALSHA",
            self._ingest.sha,
            len(call_keys) + 1,
            *call_keys,
            keys.conversation(group_id),
            *args,
            stored,
            max(1, ttl_seconds),
        )
        try:
            result = await self._ingest_one(group_id, command)
        except StoreError:
            self._states.forget(group_id)  # whether the state was stored is unknown
            raise
        if result is IngestResult.NEW:
            self._states.written(group_id, stored, state)
        return result

    async def _ingest_one(self, group_id: int, command: Command) -> IngestResult:
        if group_id in self._known_groups:
            return IngestResult(int((await self._coalescer.call(command))[0]))
        # Queued together, so concurrent ingests keep their order even for a new group.
        added = self._coalescer.queue(("SADD", keys.GROUPS, str(group_id)))
        _, reply = await asyncio.gather(added, self._coalescer.queue(command))
        self._known_groups.add(group_id)
        return IngestResult(int(reply[0]))

    async def ingest_many(self, observations: Sequence[Observation]) -> list[IngestResult]:
        """Count many messages, one Lua call per run of one group-week's messages (see
        ``_runs``) and one pipelined round trip for them all; see ``Store.ingest_many``.

        ``ingest.lua`` counts a run's messages in order (a duplicate id later in the run sees
        the earlier one), as ``ingest`` counts its run of one, and a Lua call is atomic: a run is
        counted whole or not at all, and the results come back only once it is.
        """
        if not observations:
            return []
        try:
            for group_id in {o.group_id for o in observations} - self._known_groups:
                await self.add_group(group_id)
            runs = _runs(observations)
            replies = await self._ingest_pipeline([run for _, run in runs])
        except (RedisError, RedisClusterException) as error:  # the latter: no slot map
            raise StoreError(f"could not write to Redis: {error}") from error
        results = [IngestResult.DUPLICATE] * len(observations)
        by_code = _RESULTS_BY_CODE  # an enum call per message cost more than the rest here
        for (positions, _), run_replies in zip(runs, replies, strict=True):
            for position, reply in zip(positions, run_replies, strict=True):
                results[position] = by_code[int(reply)]
        return results

    async def _ingest_pipeline(self, runs: Sequence[Sequence[Observation]]) -> list[Any]:
        if not self._script_loaded:
            await self._redis.script_load(self._ingest.script)
            self._script_loaded = True
        try:
            return await self._run_ingest_batch(runs)
        except NoScriptError:
            # A node restarted or failed over and lost its script cache. A cluster pipeline
            # only runs once every node has taken its part, and a node without the script
            # counted nothing of it; the others see repeats and change nothing.
            await self._redis.script_load(self._ingest.script)
            return await self._run_ingest_batch(runs)

    async def _run_ingest_batch(self, runs: Sequence[Sequence[Observation]]) -> list[Any]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for run in runs:
                keys_, args = self._ingest_call(run)
                pipe.evalsha(self._ingest.sha, len(keys_), *keys_, *args)
            return list(await pipe.execute())

    def _ingest_call(self, run: Sequence[Observation]) -> tuple[tuple[str, ...], list[Any]]:
        """Keys and arguments of ``ingest.lua`` for a run of one group-week: the run's messages
        in one argument, encoded once (redis-py encodes each argument in Python, and three a
        message cost the audit more than making them)."""
        first = run[0]
        call_keys, head = self._run_head(first.group_id, first.week)
        with_evidence = bool(self._retention.evidence_per_label)
        parts: list[str] = []
        for o in run:
            evidence = evidence_record(o) if with_evidence else ""
            subject = (o.report_subject or "") if not o.exempt else ""
            if evidence or subject:
                codes = "".join(LABEL_CODES[label] for label in o.labels) if evidence else ""
                parts.append(
                    f"{o.message_id}|{int(o.sent_at.timestamp())}|{o.version}|{codes}|"
                    f"{o.sender_key or ''}|{' '.join(counter_tokens(o))}|"
                    f"{_utf8_length(evidence)}|{_utf8_length(subject)}\n{evidence}{subject}"
                )
            else:
                parts.append(
                    f"{o.message_id}|{int(o.sent_at.timestamp())}|{o.version}||"
                    f"{o.sender_key or ''}|{' '.join(counter_tokens(o))}|0|0\n"
                )
        return call_keys, [*head, "".join(parts).encode()]

    def _run_head(self, group_id: int, week: str) -> tuple[tuple[str, ...], tuple[str | int, ...]]:
        """The keys and the leading arguments of ``ingest.lua`` for one group-week, made once:
        every live message of the group that week needs the same ones."""
        head = self._run_heads.get((group_id, week))
        if head is None:
            r = self._retention
            call_keys = (
                keys.week_counters(group_id, week),
                keys.week_seen(group_id, week),
                keys.week_evidence(group_id, week),
                keys.report_subjects(group_id),
                keys.weeks_index(group_id),
            )
            arguments = (
                r.repeat_window_days * 86400,
                r.evidence_per_label,
                r.aggregate_weeks * _WEEK_SECONDS,
                r.evidence_weeks * _WEEK_SECONDS,
                week,
                week_start(week).toordinal(),
            )
            if len(self._run_heads) >= RUN_HEADS_KEPT:  # bounded, whatever the groups
                self._run_heads.clear()
            head = self._run_heads[group_id, week] = (call_keys, arguments)
        return head

    async def week(self, group_id: int, week: str) -> WeekAggregate:
        """Return one group-week's aggregates; see ``Store.week``."""
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.hgetall(keys.week_counters(group_id, week))
                pipe.hgetall(keys.week_evidence(group_id, week))
                pipe.smembers(keys.week_flag_epochs(group_id, week))
                pipe.zrange(keys.week_flag_texts(group_id, week), 0, -1)
                counters, evidence, epochs, texts = await pipe.execute()
            flags = await self._flag_counts(group_id, week, sorted(map(_text, epochs)), texts)
        except RedisError as error:
            raise StoreError(f"could not read from Redis: {error}") from error
        aggregate = decode_week(week, _text_map(counters), _text_map(evidence))
        return replace(aggregate, flags=flags) if flags.by_label or flags.by_app else aggregate

    async def _flag_counts(
        self, group_id: int, week: str, epochs: list[str], raw_texts: list[Any]
    ) -> FlagCounts:
        """Distinct members per kind and per named app: the largest count over salt epochs (a
        member who flagged in two epochs must not count twice, so epochs are never added up)."""
        if not epochs:
            return FlagCounts()
        counts = (await self._flag_counts_many([(group_id, week, epochs)]))[group_id, week]
        texts = []
        for raw in raw_texts:
            parts = _text(raw).split("\t", 2)
            if len(parts) == 3 and parts[1] in _LABELS_BY_NAME:
                texts.append(FlagText(label=_LABELS_BY_NAME[parts[1]], text=parts[2]))
        return replace(counts, texts=tuple(texts))

    async def week_many(
        self,
        group_ids: Sequence[int],
        weeks: Sequence[str],
        headline_weeks: Sequence[str] = (),
    ) -> dict[tuple[int, str], WeekAggregate]:
        """Many group-weeks, one pipelined round trip per ``BULK_GROUPS`` groups.

        ``weeks`` are read for a roll-up: counters and flags, but no evidence (excerpts are
        empty, repeated reports come without subjects), no hour-of-week matrix and no sender
        counts. ``headline_weeks`` are read for trends only (``codec.HEADLINE_FIELDS``). Each
        group-week of ``weeks`` is one Lua call with the group's headline weeks.
        """
        result: dict[tuple[int, str], WeekAggregate] = {}
        calls = [(group_id, week) for group_id in group_ids for week in weeks]
        if not weeks:
            # Headlines only: attach them to an empty roll-up week read.
            calls = [(group_id, "") for group_id in group_ids]
        per_round = BULK_GROUPS * max(1, len(weeks))
        if not self._rollup_loaded:
            # As for ingest: a cluster pipeline cannot load a missing script mid-batch.
            await self._redis.script_load(self._rollup.script)
            self._rollup_loaded = True
        for first in range(0, len(calls), per_round):
            chunk = calls[first : first + per_round]
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for group_id, week in chunk:
                        call_keys = [
                            keys.week_counters(group_id, week),
                            *(keys.week_counters(group_id, w) for w in headline_weeks),
                        ]
                        await self._rollup(keys=call_keys, args=HEADLINE_FIELDS, client=pipe)  # type: ignore[arg-type]
                        pipe.smembers(keys.week_flag_epochs(group_id, week))
                    replies = await pipe.execute()
                flagged: list[tuple[int, str, list[str]]] = []
                for index, (group_id, week) in enumerate(chunk):
                    counters, *headlines = replies[2 * index]
                    epochs = sorted(map(_text, replies[2 * index + 1]))
                    if week:
                        result[group_id, week] = _rollup_week(week, counters)
                        if epochs:
                            flagged.append((group_id, week, epochs))
                    for trend_week, values in zip(headline_weeks, headlines, strict=True):
                        result[group_id, trend_week] = decode_headline(
                            trend_week, [v or None for v in values]
                        )
                # Few groups are flagged in a week: their counts are read apart, texts left out.
                for (group_id, week), flags in (await self._flag_counts_many(flagged)).items():
                    if flags.by_label or flags.by_app:
                        result[group_id, week] = replace(result[group_id, week], flags=flags)
            except RedisError as error:
                raise StoreError(f"could not read from Redis: {error}") from error
        return result

    async def _flag_counts_many(
        self, flagged: Sequence[tuple[int, str, list[str]]]
    ) -> dict[tuple[int, str], FlagCounts]:
        """Flag counts (no texts) of many group-weeks with their epochs, in two pipelines (the
        flagged app names, then every count), or one call at a time on a cluster, whose
        pipelines refuse PFCOUNT (a multi-key command)."""
        cluster = is_cluster(self._redis)
        names_keys = [keys.week_flag_apps(g, w) for g, w, _ in flagged]
        raw_names = await self._each(names_keys, "smembers", cluster=cluster)
        plans: list[tuple[int, str, list[str], list[str]]] = []
        counters: list[str] = []
        for (group_id, week, epochs), names in zip(flagged, raw_names, strict=True):
            apps = sorted(map(_text, names))
            plans.append((group_id, week, epochs, apps))
            for epoch in epochs:
                counters += [
                    keys.week_flag_kind(group_id, week, epoch, label.value) for label in ALL_LABELS
                ]
                counters += [keys.week_flag_app(group_id, week, epoch, app) for app in apps]
        counts = iter(await self._each(counters, "pfcount", cluster=cluster))
        result = {}
        for group_id, week, epochs, apps in plans:
            by_label: dict[Label, int] = {}
            by_app: dict[str, int] = {}
            for _epoch in epochs:
                for label in ALL_LABELS:
                    _keep_largest(by_label, label, int(next(counts)))
                for app in apps:
                    _keep_largest(by_app, app, int(next(counts)))
            result[group_id, week] = FlagCounts(by_label=by_label, by_app=by_app)
        return result

    async def _each(self, names: list[str], command: str, *, cluster: bool) -> list[Any]:
        """``command`` on each key of ``names``: one pipeline, or one by one on a cluster."""
        if not names:
            return []
        if cluster:
            return [await getattr(self._redis, command)(name) for name in names]
        async with self._redis.pipeline(transaction=False) as pipe:
            for name in names:
                getattr(pipe, command)(name)
            return list(await pipe.execute())

    async def group_settings_many(
        self, group_ids: Sequence[int]
    ) -> dict[int, GroupSettings | None]:
        """Settings of many groups, one pipeline per ``BULK_GROUPS`` groups.

        GETs in a pipeline rather than one MGET: the keys carry different hash tags.
        """
        found: dict[int, GroupSettings | None] = {}
        for first in range(0, len(group_ids), BULK_GROUPS):
            chunk = list(group_ids[first : first + BULK_GROUPS])
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for group_id in chunk:
                        pipe.get(keys.group_settings(group_id))
                    raws = await pipe.execute()
            except RedisError as error:
                raise StoreError(f"could not read from Redis: {error}") from error
            for group_id, raw in zip(chunk, raws, strict=True):
                found[group_id] = None if raw is None else GroupSettings.model_validate_json(raw)
        return found

    async def weeks(self, group_id: int) -> list[str]:
        """Return the weeks with data, oldest first; see ``Store.weeks``."""
        members = await self._redis.zrange(keys.weeks_index(group_id), 0, -1)
        return [_text(member) for member in members]

    async def add_group(self, group_id: int) -> None:
        """Remember ``group_id``; see ``Store.add_group``."""
        await self._redis.sadd(keys.GROUPS, str(group_id))
        self._known_groups.add(group_id)

    async def groups(self) -> list[int]:
        """Return all known group ids; see ``Store.groups``."""
        return sorted(int(_text(member)) for member in await self._redis.smembers(keys.GROUPS))

    async def conversation(self, group_id: int) -> ConversationState:
        """Return a group's conversation state; see ``Store.conversation``.

        A damaged state is dropped rather than trusted: context only sharpens labels.
        """
        key = keys.conversation(group_id)
        raw = await self._coalescer.call(("GET", key))
        return self._states.read(group_id, raw)

    async def save_conversation(
        self, group_id: int, state: ConversationState, ttl_seconds: int
    ) -> None:
        """Replace a group's conversation state; see ``Store.save_conversation``."""
        key = keys.conversation(group_id)
        stored = self._states.encode(group_id, state)  # only its new entries are encoded
        try:
            await self._coalescer.call(("SET", key, stored, "EX", max(1, ttl_seconds)))
        except StoreError:
            self._states.forget(group_id)
            raise
        self._states.written(group_id, stored, state)

    async def group_settings(self, group_id: int) -> GroupSettings | None:
        """Return a group's settings; see ``Store.group_settings``."""
        try:
            raw = await self._redis.get(keys.group_settings(group_id))
        except RedisError as error:
            raise StoreError(f"could not read from Redis: {error}") from error
        return None if raw is None else GroupSettings.model_validate_json(raw)

    async def save_group_settings(self, group_id: int, settings: GroupSettings) -> None:
        """Replace a group's settings; see ``Store.save_group_settings``."""
        await self._redis.set(keys.group_settings(group_id), settings.model_dump_json())
        await self.add_group(group_id)

    async def erase_group(self, group_id: int) -> int:
        """Delete every key of a group; see ``Store.erase_group``."""
        removed = 0
        batch: list[Any] = []
        async for key in self._redis.scan_iter(match=keys.group_pattern(group_id), count=500):
            batch.append(key)
            if len(batch) >= 500:
                removed += await self._redis.delete(*batch)
                batch.clear()
        if batch:
            removed += await self._redis.delete(*batch)
        await self._redis.srem(keys.GROUPS, str(group_id))
        self._known_groups.discard(group_id)
        # Deleted keys stay readable in the append-only file until it is rewritten.
        await self.compact()
        return removed

    async def move_group(self, old_id: int, new_id: int) -> None:
        """Carry every key over to the new group's hash tag, merging with what is there.

        Counters are added, other hashes and sets are united, settings move as they are. The
        per-message "seen" hashes stay behind: the new chat numbers its messages afresh, so old
        ids would collide with new ones.
        """
        old_settings = await self.group_settings(old_id)
        if old_settings is not None and old_settings.migrated_to is not None:
            # A redelivered upgrade (a polling batch comes again after a crash): its data was
            # moved, and moving what a redelivered old message left would count it twice.
            return
        old_prefix = keys.group_pattern(old_id)[:-1]
        new_prefix = keys.group_pattern(new_id)[:-1]
        async for key in self._redis.scan_iter(match=keys.group_pattern(old_id), count=500):
            name = _text(key)
            if name.endswith(":seen") or keys.is_conversation(name):
                # message ids restart in the new chat, so old ids would collide with new ones
                continue
            await self._merge_key(name, new_prefix + name[len(old_prefix) :])
        await self.erase_group(old_id)
        # What stays of the old chat: inactive settings naming its successor (not a known
        # group), so a late update of it is not counted and the move is not made twice. Nothing
        # of the group itself (not its title: /erase of the supergroup could not reach it), and
        # only while an update or a one-time link can still name the old chat.
        moved = GroupSettings(active=False, migrated_to=new_id)
        await self._redis.set(
            keys.group_settings(old_id), moved.model_dump_json(), ex=_MOVED_CHAT_SECONDS
        )
        await self.add_group(new_id)

    async def _merge_key(self, source: str, target: str) -> None:
        # Old and new group live in different hash slots (on a cluster, perhaps different
        # nodes), so nothing here may name both keys in one command: read, then write.
        kind = _text(await self._redis.type(source))
        ttl = await self._redis.ttl(source)
        if kind == "hash":
            values = _text_map(await self._redis.hgetall(source))
            counters = keys.is_week_counters(source)
            for field, value in values.items():
                if counters:
                    await self._redis.hincrby(target, field, int(value))
                else:
                    await self._redis.hsetnx(target, field, value)
        elif kind in {"set", "zset"}:
            await self._merge_collection(kind, source, target)
        elif keys.is_flag_counter(source):
            await self._merge_flag_members(source, target)
        elif keys.is_group_settings(source) or not await self._redis.exists(target):
            # Settings move as they are (admins chose them); anything else fills only a gap.
            dumped = await self._redis.dump(source)
            if dumped is not None:
                await self._redis.restore(target, 0, dumped, replace=True)
        if ttl > 0:
            await self._redis.expire(target, ttl)

    async def _merge_collection(self, kind: str, source: str, target: str) -> None:
        if kind == "set":
            members = await self._redis.smembers(source)
            if members:
                await self._redis.sadd(target, *members)
            return
        scored: list[Any] = await self._redis.zrange(source, 0, -1, withscores=True)
        best = {_text(member): float(score) for member, score in scored}
        if best:
            # GT keeps the higher score, as ZUNIONSTORE ... AGGREGATE MAX did.
            await self._redis.zadd(target, best, gt=True)

    async def _merge_flag_members(self, source: str, target: str) -> None:
        # A HyperLogLog cannot be read back as members: copy its bytes next to the target
        # (same hash slot), merge there, drop the copy.
        dumped = await self._redis.dump(source)
        if dumped is None:
            return
        scratch = f"{target}:merging"
        await self._redis.restore(scratch, 60, dumped, replace=True)
        await self._redis.pfmerge(target, scratch)
        await self._redis.delete(scratch)
        # Counted at once, as record_flag.lua does: a stale cached count marks a changed key.
        await self._redis.pfcount(target)

    async def claim_welcome(self, group_id: int, added_at: datetime, update_id: int) -> bool:
        """Claim an addition's welcome; see ``Store.claim_welcome``."""
        claimed = await self._welcome(
            keys=[keys.welcomed_addition(group_id)],
            args=[int(added_at.timestamp()), update_id],
        )
        return bool(claimed)

    async def claim_digest(self, group_id: int, week: str, recipient: int) -> bool:
        """Mark a digest sent; see ``Store.claim_digest``."""
        name = keys.digests_sent(group_id)
        added = await self._redis.sadd(name, keys.digest_sent_marker(week, recipient))
        await self._redis.expire(name, self._retention.aggregate_weeks * _WEEK_SECONDS)
        return bool(added)

    async def release_digest(self, group_id: int, week: str, recipient: int) -> None:
        """Undo a digest claim; see ``Store.release_digest``."""
        await self._redis.srem(
            keys.digests_sent(group_id), keys.digest_sent_marker(week, recipient)
        )

    async def record_flag(self, entry: FlagEntry) -> FlagReceipt:
        """Record one anonymous flag atomically; see ``Store.record_flag``."""
        g, w = entry.group_id, entry.week
        text = f"{secrets.token_hex(8)}\t{entry.label.value}\t{entry.text}" if entry.text else ""
        call_keys = [
            keys.week_flag_epochs(g, w),
            keys.week_flag_kind(g, w, entry.epoch, entry.label.value),
            keys.week_flag_texters(g, w, entry.epoch),
            keys.week_flag_texts(g, w),
        ]
        args: list[str | int] = [
            entry.epoch,
            entry.kind_token,
            # sent only with a text: a live watcher (MONITOR) would link a member's flags by it
            entry.text_token if text else "",
            text,
            int(entry.expires_at.timestamp()),
            FLAG_TEXTS_KEPT,
        ]
        if entry.app and entry.app_token:
            call_keys += [
                keys.week_flag_app(g, w, entry.epoch, entry.app),
                keys.week_flag_apps(g, w),
            ]
            args += [entry.app_token, entry.app]
        try:
            counted, kept = await self._record_flag(keys=call_keys, args=args)
        except RedisError as error:
            raise StoreError(f"could not write to Redis: {error}") from error
        await self.add_group(g)
        if counted:
            await self.compact()
        return FlagReceipt(counted=bool(counted), text_kept=bool(kept))

    async def take_digest_lease(
        self, group_id: int, week: str, recipient: int, holder: str, seconds: float
    ) -> DigestLease | None:
        """Take or renew a digest lease; see ``Store.take_digest_lease``."""
        return await self._leases.take(group_id, week, recipient, holder, seconds)

    async def record_digest_parts(
        self, group_id: int, week: str, recipient: int, lease: DigestLease, parts_sent: int,
        seconds: float,
    ) -> bool:  # fmt: skip
        """Record sent parts under a lease; see ``Store.record_digest_parts``."""
        return await self._leases.record_parts(
            group_id, week, recipient, lease, parts_sent, seconds
        )

    async def finish_digest(
        self, group_id: int, week: str, recipient: int, lease: DigestLease, *, sent: bool
    ) -> None:
        """Mark sent or give up a lease; see ``Store.finish_digest``."""
        await self._leases.finish(group_id, week, recipient, lease, sent=sent)

    async def note_newcomer(
        self, group_id: int, week: str, token: str, expires_at: datetime
    ) -> None:
        """Remember a newcomer until the week is over; see ``Store.note_newcomer``."""
        name = keys.week_newcomers(group_id, week)
        await self._redis.sadd(name, token)
        seconds, _ = await self._redis.time()
        # As for flags: an expiry already past (a clock set in the past) would delete at once.
        if expires_at.timestamp() > seconds:
            await self._redis.expireat(name, expires_at)

    async def is_newcomer(self, group_id: int, week: str, token: str) -> bool:
        """Whether a member joined this week; see ``Store.is_newcomer``."""
        return bool(await self._redis.sismember(keys.week_newcomers(group_id, week), token))

    async def compact(self, *, wait: bool = False) -> None:
        """Rewrite the append-only file, if the server keeps one, so that it holds the current
        data only: no order of past writes, nothing deleted. The rewrite runs in the
        background (a member is not kept waiting); with ``wait``, return once it is done."""
        self._rewrite_again = True
        with contextlib.suppress(RedisError):  # out of reach: the rewrite asks again anyway
            await self._redis.set(keys.COMPACTION_PENDING, b"1")
        if self._rewriter is None or self._rewriter.done():
            self._rewriter = asyncio.create_task(self._rewrite_until_current())
        if wait:
            await asyncio.shield(self._rewriter)

    async def resume_compaction(self) -> None:
        """Start the rewrite a process that stopped first asked for, if any (at start-up)."""
        try:
            pending = await self._redis.exists(keys.COMPACTION_PENDING)
        except RedisError:
            return
        if pending:
            await self.compact()

    async def rewrites_settled(self, within: float | None = None) -> None:
        """Wait until a rewrite started by ``compact`` has finished (shutdown, tests). With
        ``within``, wait at most that many seconds, then stop the rewrite's task (the server
        finishes or drops the rewrite itself; ``resume_compaction`` asks for it again)."""
        rewriter = self._rewriter
        if rewriter is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(rewriter), within)
        except TimeoutError:
            rewriter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await rewriter

    async def _rewrite_until_current(self) -> None:
        try:
            if self._append_only is None:
                config = _text_map(await self._redis.config_get("appendonly"))
                self._append_only = config.get("appendonly") == "yes"
            # A write made while a rewrite runs lands in the next incremental file, so rewrite
            # again until no write asked for one during the last rewrite.
            refused = 0
            while self._rewrite_again:
                self._rewrite_again = False
                if self._append_only:
                    await self._rewrite_done()
                    refused = 0 if await self._ask_rewrite() else refused + 1
                    if refused == _REWRITE_REFUSALS:  # a server rewriting without end: ask later
                        return
                    await self._rewrite_done()
                if not self._rewrite_again:  # else a write asked during the rewrite: go again
                    await self._redis.delete(keys.COMPACTION_PENDING)
        except ResponseError:
            # Managed servers may refuse CONFIG or BGREWRITEAOF; their persistence is theirs.
            self._append_only = False
            with contextlib.suppress(RedisError):
                await self._redis.delete(keys.COMPACTION_PENDING)
        except RedisError:
            # Redis is out of reach for now, not refusing: the next compaction asks again.
            self._rewrite_again = True

    async def _ask_rewrite(self) -> bool:
        """Ask for a rewrite; False when refused because one is still running."""
        try:
            await self._redis.bgrewriteaof()
        except ResponseError:
            # A rewrite still running (the server's own, or one outlasting our wait) is refused
            # another; it may have begun before the last write, so ask again once it is done.
            if not (await self._redis.info("persistence")).get("aof_rewrite_in_progress"):
                raise
            self._rewrite_again = True
            return False
        return True

    async def _rewrite_done(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _REWRITE_WAIT_SECONDS
        while loop.time() < deadline:
            info = await self._redis.info("persistence")
            if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                return
            await asyncio.sleep(_REWRITE_POLL_SECONDS)

    async def create_invite(
        self, token: str, group_id: int, issuer: int, ttl_seconds: int
    ) -> None:
        """Store a subscription token; see ``Store.create_invite``."""
        stored = encode_invite(Invite(group_id, issuer))
        await self._redis.set(keys.group_link(token), stored, ex=ttl_seconds)

    async def redeem_invite(self, token: str) -> Invite | None:
        """Consume a subscription token; see ``Store.redeem_invite``."""
        raw = await self._take_link(keys.group_link(token), keys.invite(token))
        return None if raw is None else decode_invite(raw, as_group=True)

    async def create_unit_invite(
        self, token: str, unit: str, issuer: int, ttl_seconds: int
    ) -> None:
        """Store a roll-up subscription token; see ``Store.create_unit_invite``."""
        stored = encode_invite(Invite(unit, issuer))
        await self._redis.set(keys.unit_link(token), stored, ex=ttl_seconds)

    async def redeem_unit_invite(self, token: str) -> Invite | None:
        """Consume a roll-up subscription token; see ``Store.redeem_unit_invite``."""
        raw = await self._take_link(keys.unit_link(token), keys.unit_invite(token))
        return None if raw is None else decode_invite(raw, as_group=False)

    async def _take_link(self, key: str, previous_key: str) -> str | None:
        """Consume a link's value: its own, else one the previous release stored (which reads
        back without a creator, so the bot refuses it)."""
        raw = await self._redis.getdel(key)
        if raw is None:
            raw = await self._redis.getdel(previous_key)
        return None if raw is None else _text(raw)

    async def subscribe_unit(self, user_id: int, unit: str) -> None:
        """Subscribe a leader to a unit; see ``Store.subscribe_unit``."""
        await self._redis.sadd(keys.UNIT_SUBSCRIPTIONS, f"{user_id}|{unit}")

    async def unit_subscriptions(self) -> list[tuple[int, str]]:
        """Every roll-up subscription; see ``Store.unit_subscriptions``."""
        found = []
        for member in await self._redis.smembers(keys.UNIT_SUBSCRIPTIONS):
            user, _, unit = _text(member).partition("|")
            found.append((int(user), unit))
        return sorted(found)

    async def unsubscribe_units(self, user_id: int) -> int:
        """Drop a leader's roll-up subscriptions; see ``Store.unsubscribe_units``."""
        mine = [f"{u}|{unit}" for u, unit in await self.unit_subscriptions() if u == user_id]
        if mine:
            await self._redis.srem(keys.UNIT_SUBSCRIPTIONS, *mine)
        return len(mine)

    async def claim_rollup(self, unit: str, week: str, recipient: int) -> bool:
        """Mark a roll-up sent; see ``Store.claim_rollup``."""
        added = await self._redis.sadd(keys.ROLLUPS_SENT, f"{week}|{recipient}|{unit}")
        await self._redis.expire(
            keys.ROLLUPS_SENT, self._retention.aggregate_weeks * _WEEK_SECONDS
        )
        return bool(added)

    async def release_rollup(self, unit: str, week: str, recipient: int) -> None:
        """Undo a roll-up claim; see ``Store.release_rollup``."""
        await self._redis.srem(keys.ROLLUPS_SENT, f"{week}|{recipient}|{unit}")

    async def ping(self) -> bool:
        """Return True when Redis answers."""
        try:
            return bool(await self._redis.ping())
        except RedisError:
            return False

    async def memory_usage(self, group_id: int, week: str) -> int:
        """Bytes Redis uses for one group-week's keys (for benchmarks)."""
        total = 0
        for name in (
            keys.week_counters(group_id, week),
            keys.week_seen(group_id, week),
            keys.week_evidence(group_id, week),
        ):
            total += int(await self._redis.memory_usage(name) or 0)
        return total

    async def settle(self) -> None:
        """Finish the writes in flight and a pending rewrite; see ``Store.settle``."""
        await self._coalescer.settle()
        await self.rewrites_settled()

    async def close(self) -> None:
        """Finish the writes in flight, give a pending rewrite ``CLOSE_REWRITE_SECONDS``, close
        the connection pool, then run close callbacks. A rewrite still unfinished is left to
        the server (it finishes or drops it; the data is safe either way) and asked for again
        by the next store to open (``resume_compaction``)."""
        await self._coalescer.settle()
        await self.rewrites_settled(within=CLOSE_REWRITE_SECONDS)
        await self._redis.aclose()
        for callback in self._on_close:
            callback()


def _runs(observations: Sequence[Observation]) -> list[tuple[list[int], list[Observation]]]:
    """``observations`` cut into runs of one group-week (at most ``RUN`` each), with the
    position of each member in ``observations``.

    A group's messages keep their order, and a run only joins messages that follow each other
    within their group. Groups may be taken apart: no key belongs to two groups (each carries
    its group's hash tag), so messages of different groups count the same in any order, and
    messages that arrive interleaved (many groups at once) still share a call per group-week.
    """
    runs: list[tuple[list[int], list[Observation]]] = []
    open_runs: dict[int, tuple[list[int], list[Observation]]] = {}
    for index, observation in enumerate(observations):
        run = open_runs.get(observation.group_id)
        if run is None or run[1][-1].week != observation.week or len(run[1]) >= RUN:
            run = open_runs[observation.group_id] = ([], [])
            runs.append(run)
        run[0].append(index)
        run[1].append(observation)
    return runs


def _utf8_length(text: str) -> int:
    """The length of ``text`` in UTF-8 bytes, as the script counts it."""
    return len(text) if text.isascii() else len(text.encode())


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _keep_largest(counts: dict[Any, int], key: Any, count: int) -> None:
    if count > counts.get(key, 0):
        counts[key] = count


def _rollup_week(week: str, flat: list[Any]) -> WeekAggregate:
    # The script already left out the hour, sender and demand-sender fields. Values stay bytes:
    # ``decode_week`` reads them with int(), which takes bytes as they are.
    counts = dict(zip(map(bytes.decode, flat[::2]), flat[1::2], strict=True))
    aggregate = decode_week(week, counts, {})
    # Repeats are counted, not named, in bulk: the subjects live with the evidence.
    repeats = int(counts.get("R", 0))
    if repeats > 0:
        aggregate = replace(
            aggregate, repeated_reports=tuple(RepeatedReport(0, "") for _ in range(repeats))
        )
    return aggregate


def _text_map(raw: dict[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}
