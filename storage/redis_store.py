"""The Redis implementation of ``Store`` on ``redis.asyncio``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from typing import Any

from redis.exceptions import NoScriptError, RedisClusterException, RedisError

from bot.config.group_settings import GroupSettings
from bot.config.settings import default_settings
from bot.core.aggregates import FlagCounts, WeekAggregate
from bot.core.labels import Label
from bot.core.observation import Observation
from bot.core.retention import Retention
from bot.core.worktime import week_start
from storage import keys
from storage.base import DigestLease, IngestResult, StoreError
from storage.batcher import IngestBatcher
from storage.cluster import RedisClient, is_cluster
from storage.codec import LABEL_CODES, counter_tokens, decode_week, evidence_record
from storage.leases import DigestLeases

_WEEK_SECONDS = 7 * 24 * 3600
_FLAG_TEXTS_KEPT = 20
_LABELS_BY_NAME = {label.value: label for label in Label}


def _load_script(name: str) -> str:
    return resources.files("storage").joinpath("lua", name).read_text(encoding="utf-8")


class RedisStore:
    """Aggregates in Redis. Every key of a group shares one hash tag (cluster-ready)."""

    def __init__(self, client: RedisClient, retention: Retention | None = None) -> None:
        self._redis = client
        self._retention = retention or default_settings().retention()
        self._ingest = client.register_script(_load_script("ingest.lua"))
        # A cluster pipeline cannot load a missing script mid-batch, so it is loaded up front.
        self._script_loaded = not is_cluster(client)
        self._known_groups: set[int] = set()
        self._batcher = IngestBatcher(self.ingest_many)
        self._leases = DigestLeases(client, self._retention.aggregate_weeks * _WEEK_SECONDS)
        self._on_close: list[Any] = []

    @property
    def client(self) -> RedisClient:
        """The underlying client (for benchmarks and maintenance tools)."""
        return self._redis

    def on_close(self, callback: Any) -> None:
        """Run ``callback()`` after the connection is closed (used by the embedded server)."""
        self._on_close.append(callback)

    async def ingest(self, observation: Observation) -> IngestResult:
        """Count one message; see ``Store.ingest``. Messages ingested concurrently (updates in
        flight on a webhook) share one pipelined round trip, each caller awaiting its own result.
        """
        return await self._batcher.ingest(observation)

    async def ingest_many(self, observations: Sequence[Observation]) -> list[IngestResult]:
        """Count many messages through one pipeline of Lua calls; see ``Store.ingest_many``."""
        if not observations:
            return []
        try:
            for group_id in {o.group_id for o in observations} - self._known_groups:
                await self.add_group(group_id)
            replies = await self._ingest_pipeline(observations)
        except (RedisError, RedisClusterException) as error:  # the latter: no slot map
            raise StoreError(f"could not write to Redis: {error}") from error
        return [IngestResult(int(reply)) for reply in replies]

    async def _ingest_pipeline(self, observations: Sequence[Observation]) -> list[Any]:
        if not self._script_loaded:
            await self._redis.script_load(self._ingest.script)
            self._script_loaded = True
        try:
            return await self._run_ingest_batch(observations)
        except NoScriptError:
            # A node restarted or failed over and lost its script cache. A cluster pipeline
            # only runs once every node has taken its part, and a node without the script
            # counted nothing of it; the others see repeats and change nothing.
            await self._redis.script_load(self._ingest.script)
            return await self._run_ingest_batch(observations)

    async def _run_ingest_batch(self, observations: Sequence[Observation]) -> list[Any]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for observation in observations:
                keys_, args = self._ingest_call(observation)
                # redis-py's stubs omit pipelines from the accepted clients; it takes them.
                await self._ingest(keys=keys_, args=args, client=pipe)  # type: ignore[arg-type]
            return list(await pipe.execute())

    def _ingest_call(self, o: Observation) -> tuple[list[str], list[str | int]]:
        r = self._retention
        evidence = evidence_record(o) if r.evidence_per_label else ""
        codes = "".join(LABEL_CODES[label] for label in o.labels) if evidence else ""
        call_keys = [
            keys.week_counters(o.group_id, o.week),
            keys.week_seen(o.group_id, o.week),
            keys.week_evidence(o.group_id, o.week),
            keys.report_subjects(o.group_id),
            keys.weeks_index(o.group_id),
        ]
        args: list[str | int] = [
            o.message_id,
            " ".join(counter_tokens(o)),
            evidence,
            (o.report_subject or "") if not o.exempt else "",
            int(o.sent_at.timestamp()),
            o.sender_key or "",
            r.repeat_window_days * 86400,
            r.evidence_per_label,
            r.aggregate_weeks * _WEEK_SECONDS,
            r.evidence_weeks * _WEEK_SECONDS,
            o.week,
            week_start(o.week).toordinal(),
            codes,
        ]
        return call_keys, args

    async def week(self, group_id: int, week: str) -> WeekAggregate:
        """Return one group-week's aggregates; see ``Store.week``."""
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.hgetall(keys.week_counters(group_id, week))
                pipe.hgetall(keys.week_evidence(group_id, week))
                pipe.hgetall(keys.week_flags(group_id, week))
                counters, evidence, flags = await pipe.execute()
            # Cluster pipelines refuse PFCOUNT (a multi-key command), and only a flagged week
            # has flag members to count, so it is asked apart and only then.
            members = (
                await self._redis.pfcount(keys.week_flag_members(group_id, week)) if flags else 0
            )
        except RedisError as error:
            raise StoreError(f"could not read from Redis: {error}") from error
        aggregate = decode_week(week, _text_map(counters), _text_map(evidence))
        return _with_flags(aggregate, _text_map(flags), int(members))

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

    async def group_settings(self, group_id: int) -> GroupSettings | None:
        """Return a group's settings; see ``Store.group_settings``."""
        raw = await self._redis.get(keys.group_settings(group_id))
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
        return removed

    async def move_group(self, old_id: int, new_id: int) -> None:
        """Carry every key over to the new group's hash tag, merging with what is there.

        Counters are added, other hashes and sets are united, settings move as they are. The
        per-message "seen" hashes stay behind: the new chat numbers its messages afresh, so old
        ids would collide with new ones.
        """
        old_prefix = keys.group_pattern(old_id)[:-1]
        new_prefix = keys.group_pattern(new_id)[:-1]
        async for key in self._redis.scan_iter(match=keys.group_pattern(old_id), count=500):
            name = _text(key)
            if name.endswith(":seen"):
                continue
            await self._merge_key(name, new_prefix + name[len(old_prefix) :])
        await self.erase_group(old_id)
        await self.add_group(new_id)

    async def _merge_key(self, source: str, target: str) -> None:
        # Old and new group live in different hash slots (on a cluster, perhaps different
        # nodes), so nothing here may name both keys in one command: read, then write.
        kind = _text(await self._redis.type(source))
        ttl = await self._redis.ttl(source)
        if kind == "hash" and keys.is_week_flags(source):
            await self._merge_flags(source, target)
        elif kind == "hash":
            values = _text_map(await self._redis.hgetall(source))
            counters = keys.is_week_counters(source)
            for field, value in values.items():
                if counters:
                    await self._redis.hincrby(target, field, int(value))
                else:
                    await self._redis.hsetnx(target, field, value)
        elif kind in {"set", "zset"}:
            await self._merge_collection(kind, source, target)
        elif keys.is_flag_members(source):
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

    async def _merge_flags(self, source: str, target: str) -> None:
        for field, value in _text_map(await self._redis.hgetall(source)).items():
            if field.startswith("n:"):
                await self._redis.hincrby(target, field, int(value))
            elif field.startswith("t:"):
                await self._append_flag_text(target, value)

    async def _append_flag_text(self, flags_key: str, line: str) -> None:
        index = int(await self._redis.hincrby(flags_key, "texts", 1))
        if index <= _FLAG_TEXTS_KEPT:
            await self._redis.hset(flags_key, f"t:{index}", line)

    async def claim_digest(self, group_id: int, week: str, recipient: int) -> bool:
        """Mark a digest sent; see ``Store.claim_digest``."""
        name = keys.digests_sent(group_id)
        added = await self._redis.sadd(name, f"{week}:{recipient}")
        await self._redis.expire(name, self._retention.aggregate_weeks * _WEEK_SECONDS)
        return bool(added)

    async def release_digest(self, group_id: int, week: str, recipient: int) -> None:
        """Undo a digest claim; see ``Store.release_digest``."""
        await self._redis.srem(keys.digests_sent(group_id), f"{week}:{recipient}")

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

    async def add_flag(
        self, group_id: int, week: str, label: Label, text: str | None, member_token: str
    ) -> None:
        """Count an anonymous flag; see ``Store.add_flag``."""
        flags = keys.week_flags(group_id, week)
        members = keys.week_flag_members(group_id, week)
        ttl = self._retention.evidence_weeks * _WEEK_SECONDS
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(flags, f"n:{label.value}", 1)
            pipe.pfadd(members, member_token)
            pipe.expire(flags, ttl)
            pipe.expire(members, ttl)
            await pipe.execute()
        if text:
            # Texts are numbered in arrival order, never stored next to a member token.
            await self._append_flag_text(flags, f"{label.value}\t{text}")
        await self.add_group(group_id)

    async def flag_allowance(self, limiter_token: str, limit: int) -> bool:
        """Count a flag against a daily limiter; see ``Store.flag_allowance``."""
        name = keys.flag_limiter(limiter_token)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, 2 * 86400)
            count, _ = await pipe.execute()
        return int(count) <= limit

    async def create_invite(self, token: str, group_id: int, ttl_seconds: int) -> None:
        """Store a subscription token; see ``Store.create_invite``."""
        await self._redis.set(keys.invite(token), str(group_id), ex=ttl_seconds)

    async def redeem_invite(self, token: str) -> int | None:
        """Consume a subscription token; see ``Store.redeem_invite``."""
        raw = await self._redis.getdel(keys.invite(token))
        return None if raw is None else int(_text(raw))

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

    async def close(self) -> None:
        """Close the connection pool, then run close callbacks."""
        await self._redis.aclose()
        for callback in self._on_close:
            callback()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _text_map(raw: dict[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}


def _with_flags(aggregate: WeekAggregate, flags: dict[str, str], members: int) -> WeekAggregate:
    if not flags:
        return aggregate
    by_label = {
        _LABELS_BY_NAME[name[2:]]: int(value)
        for name, value in flags.items()
        if name.startswith("n:") and name[2:] in _LABELS_BY_NAME
    }
    texts = tuple(
        value.split("\t", 1)[1]
        for name, value in sorted(flags.items())
        if name.startswith("t:") and "\t" in value
    )
    counts = FlagCounts(by_label=by_label, members=members, texts=texts)
    return replace(aggregate, flags=counts)
