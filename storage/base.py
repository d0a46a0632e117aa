"""The ``Store`` protocol: what the bot, the audit and the digest need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Protocol

from bot.config.group_settings import GroupSettings
from bot.core.aggregates import WeekAggregate
from bot.core.context import ConversationState
from bot.core.flags import FlagEntry, FlagReceipt
from bot.core.observation import Observation


class IngestResult(IntEnum):
    """What ingesting one message did."""

    DUPLICATE = 0
    NEW = 1
    UPDATED = 2


@dataclass(frozen=True)
class DigestLease:
    """A held digest lease: who holds it and how many parts were already sent (to skip)."""

    holder: str
    parts_sent: int


@dataclass(frozen=True)
class Invite:
    """A one-time subscription link: what it subscribes to and who created it.

    ``subject`` is a group id (a digest link) or a unit path (a roll-up link); ``issuer`` is the
    administrator who created it, None for a link stored before issuers were recorded.
    """

    subject: int | str
    issuer: int | None


class StoreError(RuntimeError):
    """The store cannot be reached or used; the message says what to check."""


class Store(Protocol):
    """Aggregate storage. Implementations must make ingest idempotent per (group, message)."""

    async def ingest(self, observation: Observation) -> IngestResult:
        """Count one message; a redelivery changes nothing, an edit moves its counts."""
        ...

    async def ingest_in_context(
        self, observation: Observation, state: ConversationState, ttl_seconds: int
    ) -> IngestResult:
        """``ingest``, and when the message is new (``IngestResult.NEW``), ``state`` becomes
        its group's conversation state (as ``save_conversation``) in the same atomic step: the
        counts and the context move together; a redelivery or an edit leaves the context as
        it was."""
        ...

    async def ingest_many(self, observations: Sequence[Observation]) -> list[IngestResult]:
        """Count many messages in as few round trips as possible, in order."""
        ...

    async def week(self, group_id: int, week: str) -> WeekAggregate:
        """Return the aggregates of one group-week (empty when nothing was counted)."""
        ...

    async def week_many(
        self,
        group_ids: Sequence[int],
        weeks: Sequence[str],
        headline_weeks: Sequence[str] = (),
    ) -> dict[tuple[int, str], WeekAggregate]:
        """Many group-weeks in few round trips, for roll-ups over thousands of groups.

        ``weeks`` come with counters and flags but no evidence, hour matrix or sender counts;
        ``headline_weeks`` with messages, demands and task pushes by band only (for trends).
        A missing group-week comes back empty.
        """
        ...

    async def group_settings_many(
        self, group_ids: Sequence[int]
    ) -> dict[int, GroupSettings | None]:
        """The stored settings of many groups, in few round trips."""
        ...

    async def weeks(self, group_id: int) -> list[str]:
        """Return the ISO weeks with data for ``group_id``, oldest first."""
        ...

    async def conversation(self, group_id: int) -> ConversationState:
        """Return the group's conversation state (empty when none is stored or it expired)."""
        ...

    async def save_conversation(
        self, group_id: int, state: ConversationState, ttl_seconds: int
    ) -> None:
        """Replace the group's conversation state; it expires after ``ttl_seconds`` of silence."""
        ...

    async def add_group(self, group_id: int) -> None:
        """Remember that ``group_id`` is audited (idempotent)."""
        ...

    async def groups(self) -> list[int]:
        """Return every group id the store knows."""
        ...

    async def group_settings(self, group_id: int) -> GroupSettings | None:
        """Return the group's stored settings, or None if it never had any."""
        ...

    async def save_group_settings(self, group_id: int, settings: GroupSettings) -> None:
        """Replace the group's settings."""
        ...

    async def erase_group(self, group_id: int) -> int:
        """Delete everything stored about ``group_id``; return the number of keys removed."""
        ...

    async def move_group(self, old_id: int, new_id: int) -> None:
        """Carry a group's data and settings over to a new chat id (supergroup upgrade)."""
        ...

    async def claim_welcome(self, group_id: int, added_at: datetime, update_id: int) -> bool:
        """Claim the welcome of the bot's addition to ``group_id`` at ``added_at``, told by
        update ``update_id``: True once per addition, False for a redelivery of it (the same
        update again) or for an addition older than the last one claimed."""
        ...

    async def claim_digest(self, group_id: int, week: str, recipient: int) -> bool:
        """Mark a digest as sent; True only for the first claim of (group, week, recipient)."""
        ...

    async def release_digest(self, group_id: int, week: str, recipient: int) -> None:
        """Undo a claim whose delivery failed, so a later run can retry it."""
        ...

    async def record_flag(self, entry: FlagEntry) -> FlagReceipt:
        """Record an anonymous flag: counted once per kind token, its text kept once per text
        token (within ``FLAG_TEXTS_KEPT``), every key expiring at ``entry.expires_at``.

        A flag that is not counted writes nothing. Nothing stored may be ordered by arrival.
        """
        ...

    async def take_digest_lease(
        self, group_id: int, week: str, recipient: int, holder: str, seconds: float
    ) -> DigestLease | None:
        """Take or renew the expiring lease to send one digest (several workers share a store).

        None when the digest was already sent or another holder's lease is still alive.
        """
        ...

    async def record_digest_parts(
        self, group_id: int, week: str, recipient: int, lease: DigestLease, parts_sent: int,
        seconds: float,
    ) -> bool:  # fmt: skip
        """Record how many parts were sent and renew the lease; False once the lease was lost.

        Lost means another holder took it over or the digest was marked sent. A lease that
        lapsed with nobody taking it is taken back, so a part sent meanwhile is not repeated.
        """
        ...

    async def finish_digest(
        self, group_id: int, week: str, recipient: int, lease: DigestLease, *, sent: bool
    ) -> None:
        """Mark the digest sent, or (``sent=False``) give the lease up so a later run retries."""
        ...

    async def note_newcomer(
        self, group_id: int, week: str, token: str, expires_at: datetime
    ) -> None:
        """Remember that the member behind ``token`` joined ``group_id`` in ``week``."""
        ...

    async def is_newcomer(self, group_id: int, week: str, token: str) -> bool:
        """True when the member behind ``token`` joined ``group_id`` in ``week``."""
        ...

    async def compact(self, *, wait: bool = False) -> None:
        """Drop history from persistence (e.g. rewrite an append-only file); a no-op where the
        server does not allow it."""
        ...

    async def create_invite(
        self, token: str, group_id: int, issuer: int, ttl_seconds: int
    ) -> None:
        """Store a one-time digest subscription token for ``group_id``, created by ``issuer``."""
        ...

    async def redeem_invite(self, token: str) -> Invite | None:
        """Consume a subscription token; return it (``subject`` the group id), or None if
        unknown or used."""
        ...

    async def create_unit_invite(
        self, token: str, unit: str, issuer: int, ttl_seconds: int
    ) -> None:
        """Store a one-time roll-up subscription token for ``unit``, created by ``issuer``."""
        ...

    async def redeem_unit_invite(self, token: str) -> Invite | None:
        """Consume a roll-up subscription token; return it (``subject`` the unit path), or None
        if unknown or used."""
        ...

    async def subscribe_unit(self, user_id: int, unit: str) -> None:
        """Subscribe ``user_id`` to the weekly roll-up of ``unit`` (idempotent)."""
        ...

    async def unit_subscriptions(self) -> list[tuple[int, str]]:
        """Every (user id, unit path) roll-up subscription."""
        ...

    async def unsubscribe_units(self, user_id: int) -> int:
        """Drop every roll-up subscription of ``user_id``; return how many there were."""
        ...

    async def claim_rollup(self, unit: str, week: str, recipient: int) -> bool:
        """Mark a roll-up as sent; True only for the first claim of (unit, week, recipient)."""
        ...

    async def release_rollup(self, unit: str, week: str, recipient: int) -> None:
        """Undo a roll-up claim whose delivery failed."""
        ...

    async def ping(self) -> bool:
        """Return True when the store answers."""
        ...

    async def settle(self) -> None:
        """Finish the writes in flight and the background work they started (a rewrite);
        the store stays open. A caller that hands its connections back calls this first."""
        ...

    async def close(self) -> None:
        """Release connections (and stop an embedded server if this store owns one)."""
        ...
