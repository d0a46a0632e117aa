"""Anonymous flags: what a member's flag becomes before anything is stored.

A flag must never be traceable to the member who sent it, nor to the member's other flags, even
by someone holding the database, its append-only file and the deployment secret. So nothing
stored is derived from the member's id with a key that outlives the week:

- each ISO week gets a random *salt* that exists only in this process's memory (never on disk,
  never in Redis, never derived from the deployment secret) and is dropped as soon as the week
  is over;
- the store receives, per flag, a *kind token* (HMAC of group, kind and member under the week's
  salt) that it adds to a HyperLogLog of that kind, so one member counts at most once per kind and
  week, and an unrelated *text token* that allows one text per member and week. Without the salt
  nobody can test whether a member is in those HyperLogLogs, and tokens of one member's different
  kinds look unrelated;
- a flag may name a known app (from the catalogue or the group's apps, never free text): an
  *app token* (HMAC of group, app and member under the salt) goes into a HyperLogLog of that
  app, so apps are counted per distinct member like kinds;
- a restart draws a new salt, so a new *epoch* of HyperLogLogs begins; digests take the largest
  count over epochs, which can only under-count (the safe side for the k-member minimum).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bot.core.excerpt import redact
from bot.core.labels import Label
from bot.core.masking import mask_names
from bot.core.worktime import previous_weeks, week_start

FLAG_TEXT_MAX = 200
FLAG_TEXTS_KEPT = 10
"""Free texts kept per group-week; each member fills at most one of them."""

SALT_BYTES = 32
EPOCH_CHARS = 8


@dataclass(frozen=True, slots=True)
class FlagEntry:
    """What the store receives for one confirmed flag: no member id, nothing derived from it
    without the in-memory week salt."""

    group_id: int
    week: str
    label: Label
    epoch: str
    kind_token: str
    text_token: str
    text: str | None
    expires_at: datetime
    app: str | None = None
    """A known app the member named (catalogue or group app), counted per app, never free text."""
    app_token: str = ""
    """HMAC of group, app and member under the week's salt: one member counts once per app."""


@dataclass(frozen=True, slots=True)
class FlagReceipt:
    """What recording a flag did: counted (first of its kind from this member this week) and
    whether its text was kept."""

    counted: bool
    text_kept: bool


@dataclass(frozen=True, slots=True)
class FlagText:
    """One member's free text, with the kind it was sent with."""

    label: Label
    text: str


class WeekSalts:
    """Random salts per group-week, held in memory only and forgotten once the week is over."""

    def __init__(self, random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> None:
        self._random_bytes = random_bytes
        self._salts: dict[tuple[int, str], tuple[str, bytes]] = {}

    def entry(
        self,
        group_id: int,
        week: str,
        label: Label,
        user_id: int,
        text: str | None,
        *,
        keep_weeks: int,
        app: str | None = None,
    ) -> FlagEntry:
        """Turn a member's flag for the current ``week`` into what the store may see; ``app``
        is a known app's name the member named (see ``bot.core.apps.app_in_flag``)."""
        self.forget_all_but(group_id, week)
        self._forget_closed_everywhere(week)
        epoch, salt = self._salt(group_id, week)
        kind_token = _mac(salt, f"kind:{group_id}:{label.value}:{user_id}")
        text_token = _mac(salt, f"text:{group_id}:{user_id}")
        return FlagEntry(
            group_id=group_id,
            week=week,
            label=label,
            epoch=epoch,
            kind_token=kind_token,
            text_token=text_token,
            text=text or None,
            expires_at=flags_expire_at(week, keep_weeks),
            app=app or None,
            app_token=_mac(salt, f"app:{group_id}:{app}:{user_id}") if app else "",
        )

    def forget_all_but(self, group_id: int, week: str) -> None:
        """Destroy the group's salts of every week other than ``week`` (flags only go to the
        current week, so an older salt could only serve someone trying to link its flags)."""
        for old in [key for key in self._salts if key[0] == group_id and key[1] != week]:
            del self._salts[old]

    def _forget_closed_everywhere(self, week: str) -> None:
        # Groups in other time zones may still be in the previous week, never in an older one:
        # salts older than that are destroyed even for groups that flag no more.
        oldest_open = previous_weeks(week, 1)[0]
        for old in [key for key in self._salts if key[1] < oldest_open]:
            del self._salts[old]

    def held(self) -> list[tuple[int, str]]:
        """The group-weeks whose salt is still in memory."""
        return sorted(self._salts)

    def _salt(self, group_id: int, week: str) -> tuple[str, bytes]:
        found = self._salts.get((group_id, week))
        if found is None:
            found = (self._random_bytes(EPOCH_CHARS // 2).hex(), self._random_bytes(SALT_BYTES))
            self._salts[(group_id, week)] = found
        return found


class NewcomerTokens:
    """Keyed tokens of members who joined a group this week: they may flag from next week on.

    They name joiners (which every member of the group saw), never flaggers, and are only read
    when someone flags, so nothing about a flag is written next to them.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the newcomer key must be at least 16 bytes long")
        self._key = key

    def token(self, group_id: int, user_id: int) -> str:
        """The token of ``user_id`` in ``group_id``."""
        return _mac(self._key, f"newcomer:{group_id}:{user_id}")


def newcomers_expire_at(week: str) -> datetime:
    """When the newcomers of ``week`` may flag: midnight UTC after the week's last day, plus a
    day so that no time zone is left inside the week."""
    end = week_start(week) + timedelta(days=8)
    return datetime.combine(end, time(0, 0), tzinfo=UTC)


def flags_expire_at(week: str, keep_weeks: int) -> datetime:
    """One fixed expiry for every flag key of ``week``: midnight UTC ``keep_weeks`` after the
    week's end. Never per flag, so expiry times say nothing about when a flag arrived."""
    end = week_start(week) + timedelta(days=7 + 7 * keep_weeks)
    return datetime.combine(end, time(0, 0), tzinfo=UTC)


def flag_week(local_week: str, floor: str | None) -> str:
    """The week a flag sent now counts in: the group's current ``local_week``, but never one
    before ``floor`` (``GroupSettings.flags_from_week``). A week's flags are shown once it is
    over in the group's time zone; a later change to a zone where that week is still running
    must not let new flags into it, or a leader reading it again would see who flagged what
    just then."""
    return max(local_week, floor) if floor else local_week


def mask_flag_text(text: str) -> str:
    """A member's free text as a leader would read it: contacts, numbers, @mentions, person and
    place names masked, whitespace folded, at most ``FLAG_TEXT_MAX`` characters."""
    clean = redact(mask_names(text))
    return clean if len(clean) <= FLAG_TEXT_MAX else clean[: FLAG_TEXT_MAX - 1] + "…"


def shuffled_texts(texts: Iterable[FlagText]) -> tuple[FlagText, ...]:
    """``texts`` in an order that depends on their content only, never on their arrival."""
    ordered = sorted(texts, key=lambda t: (t.label.value, t.text))
    seed = hashlib.sha256("\n".join(f"{t.label.value}\t{t.text}" for t in ordered).encode())
    random.Random(seed.digest()).shuffle(ordered)
    return tuple(ordered)


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]
