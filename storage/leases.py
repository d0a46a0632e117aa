"""Digest leases: several workers share one store, and each digest goes out once.

A worker takes an expiring lease on (group, week, recipient) before it sends, records each part
it sent under that lease, and marks the digest sent at the end. A worker killed mid-digest stops
renewing its lease; once it expires another worker takes over and resumes after the parts that
already arrived. A part whose send was in flight when its worker died is sent again: Telegram
has no idempotent send, and a repeated part beats a lost digest. Each delivery takes the lease
under its own holder name, so two deliveries in one worker exclude each other too. Every key of
a lease shares the group's hash tag, so each script is one slot.
"""

from __future__ import annotations

from importlib import resources

from storage import keys
from storage.base import DigestLease
from storage.cluster import RedisClient

_ALREADY_SENT = -1
_HELD_ELSEWHERE = -2


def _script(name: str) -> str:
    return resources.files("storage").joinpath("lua", name).read_text(encoding="utf-8")


class DigestLeases:
    """The lease scripts on one Redis client."""

    def __init__(self, client: RedisClient, markers_ttl_seconds: int) -> None:
        self._markers_ttl = markers_ttl_seconds
        self._take = client.register_script(_script("digest_lease.lua"))
        self._progress = client.register_script(_script("digest_progress.lua"))
        self._finish = client.register_script(_script("digest_finish.lua"))

    async def take(
        self, group_id: int, week: str, recipient: int, holder: str, seconds: float
    ) -> DigestLease | None:
        """Take or renew the lease; None when the digest was sent or another worker holds it."""
        reply = await self._take(
            keys=[
                keys.digests_sent(group_id),
                keys.digest_lease(group_id, week, recipient),
                keys.digest_progress(group_id, week, recipient),
            ],
            args=[keys.digest_sent_marker(week, recipient), holder, _milliseconds(seconds)],
        )
        parts = int(reply)
        if parts in {_ALREADY_SENT, _HELD_ELSEWHERE}:
            return None
        return DigestLease(holder, parts)

    async def record_parts(
        self, group_id: int, week: str, recipient: int, lease: DigestLease, parts_sent: int,
        seconds: float,
    ) -> bool:  # fmt: skip
        """Record ``parts_sent`` and renew the lease; False when another holder took it over
        or the digest was sent meanwhile (a lapsed lease nobody took is taken back)."""
        reply = await self._progress(
            keys=[
                keys.digests_sent(group_id),
                keys.digest_lease(group_id, week, recipient),
                keys.digest_progress(group_id, week, recipient),
            ],
            args=[
                lease.holder,
                parts_sent,
                _milliseconds(seconds),
                self._markers_ttl,
                keys.digest_sent_marker(week, recipient),
            ],
        )
        return bool(int(reply))

    async def finish(
        self, group_id: int, week: str, recipient: int, lease: DigestLease, *, sent: bool
    ) -> None:
        """Mark the digest sent (``sent``) or just give the lease up for a later retry."""
        await self._finish(
            keys=[
                keys.digests_sent(group_id),
                keys.digest_lease(group_id, week, recipient),
                keys.digest_progress(group_id, week, recipient),
            ],
            args=[
                keys.digest_sent_marker(week, recipient),
                lease.holder,
                self._markers_ttl,
                "sent" if sent else "failed",
            ],
        )


def _milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))
