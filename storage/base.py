"""The ``Store`` protocol: what the bot, the audit and the digest need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

from bot.config.group_settings import GroupSettings
from bot.core.aggregates import WeekAggregate
from bot.core.labels import Label
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


class StoreError(RuntimeError):
    """The store cannot be reached or used; the message says what to check."""


class Store(Protocol):
    """Aggregate storage. Implementations must make ingest idempotent per (group, message)."""

    async def ingest(self, observation: Observation) -> IngestResult:
        """Count one message; a redelivery changes nothing, an edit moves its counts."""
        ...

    async def ingest_many(self, observations: Sequence[Observation]) -> list[IngestResult]:
        """Count many messages in as few round trips as possible, in order."""
        ...

    async def week(self, group_id: int, week: str) -> WeekAggregate:
        """Return the aggregates of one group-week (empty when nothing was counted)."""
        ...

    async def weeks(self, group_id: int) -> list[str]:
        """Return the ISO weeks with data for ``group_id``, oldest first."""
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

    async def claim_digest(self, group_id: int, week: str, recipient: int) -> bool:
        """Mark a digest as sent; True only for the first claim of (group, week, recipient)."""
        ...

    async def release_digest(self, group_id: int, week: str, recipient: int) -> None:
        """Undo a claim whose delivery failed, so a later run can retry it."""
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
        """Record how many parts were sent and renew the lease; False once the lease was lost."""
        ...

    async def finish_digest(
        self, group_id: int, week: str, recipient: int, lease: DigestLease, *, sent: bool
    ) -> None:
        """Mark the digest sent, or (``sent=False``) give the lease up so a later run retries."""
        ...

    async def add_flag(
        self, group_id: int, week: str, label: Label, text: str | None, member_token: str
    ) -> None:
        """Count an anonymous flag. ``member_token`` must already be unlinkable to the member."""
        ...

    async def flag_allowance(self, limiter_token: str, limit: int) -> bool:
        """Count one flag against a daily, expiring limiter; False once ``limit`` is exceeded."""
        ...

    async def create_invite(self, token: str, group_id: int, ttl_seconds: int) -> None:
        """Store a one-time digest subscription token for ``group_id``."""
        ...

    async def redeem_invite(self, token: str) -> int | None:
        """Consume a subscription token; return its group id, or None if unknown or used."""
        ...

    async def ping(self) -> bool:
        """Return True when the store answers."""
        ...

    async def close(self) -> None:
        """Release connections (and stop an embedded server if this store owns one)."""
        ...
