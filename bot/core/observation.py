"""What one group message contributes to the aggregates: the pure step between update and store."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.apps import NO_CHASE, AppAuditor, AppDemand, ChasedApps, app_label_hit
from bot.core.classifier import Classification, Classifier
from bot.core.context import InContext
from bot.core.excerpt import make_excerpt
from bot.core.fast_init import maker
from bot.core.labels import Label
from bot.core.worktime import Band, DayKind, Interval, WorkingTime, iso_week


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A Telegram-free view of one group message, built by a handler or the export reader."""

    group_id: int
    message_id: int
    sent_at: datetime
    text: str
    sender_id: str | None = None
    is_command: bool = False
    edited_at: datetime | None = None
    """When the message was last edited (None for the original)."""


@dataclass(frozen=True, slots=True)
class Observation:
    """The aggregate-level facts of one message. Holds no message text except the excerpt."""

    group_id: int
    message_id: int
    sent_at: datetime
    week: str
    band: Band
    weekday: int
    hour: int
    rest_day: date | None
    labels: frozenset[Label]
    exempt: bool
    acknowledgement: bool
    sender_key: str | None
    report_subject: str | None
    excerpt: str | None
    apps: tuple[AppDemand, ...] = ()
    """The apps this message demands something in (see ``bot.core.apps``)."""
    version: int = 0
    """The edit's time in unix seconds (0 for the original): the store keeps the newest."""

    @property
    def hour_of_week(self) -> int:
        """0 for Monday 00:00-01:00 local time, up to 167 for Sunday 23:00."""
        return self.weekday * 24 + self.hour


_NOT_CLASSIFIED = Classification(
    labels=frozenset(),
    exempt=False,
    hits=(),
    exempt_rule=None,
    acknowledgement=False,
    report_subject=None,
)


@dataclass(frozen=True, slots=True)
class _Day:
    """What a local date means for a group: the same for every message of that day."""

    working_time: WorkingTime
    week: str
    rest_day: date | None
    intervals: tuple[Interval, ...]
    bands: bytearray
    """The band of each minute of the day met so far, by ``_BAND_CODES`` (0: not yet): working
    and quiet hours are whole minutes, so a minute is in one band throughout."""

    def band(self, local: datetime) -> Band:
        """The band of ``local`` (a time of this day), worked out once per minute."""
        minute = local.hour * 60 + local.minute
        code = self.bands[minute]
        if code:
            return _BANDS[code]
        band = self.working_time.band_at(local.time(), self.intervals)
        self.bands[minute] = _BANDS.index(band, 1)
        return band


_BANDS = (Band.WORK, Band.WORK, Band.AFTER_HOURS, Band.QUIET)
"""By code; code 0 (a minute not met yet) is never read."""


_DAYS: dict[tuple[int, date], _Day] = {}
_DAYS_KEPT = 4096


def _day(working_time: WorkingTime, local_date: date) -> _Day:
    """The facts of ``local_date`` for ``working_time``, worked out once per day: an audit
    places a million messages on a few hundred days, and the calendar look-ups were a good part
    of ``observe``. Keyed by identity (hashing a ``WorkingTime`` costs more than the look-ups);
    the entry keeps its ``WorkingTime`` alive and is checked against it."""
    key = (id(working_time), local_date)
    day = _DAYS.get(key)
    if day is None or day.working_time is not working_time:
        if len(_DAYS) >= _DAYS_KEPT:  # bounded, whatever the input spans
            _DAYS.clear()
        kind = working_time.day_kind(local_date)
        day = _DAYS[key] = _Day(
            working_time=working_time,
            week=iso_week(local_date),
            rest_day=local_date if kind in (DayKind.WEEKEND, DayKind.HOLIDAY) else None,
            intervals=working_time.intervals_on(local_date),
            bands=bytearray(24 * 60),
        )
    return day


class SenderHasher:
    """Turns a sender id into a short keyed pseudonym, so distinct senders can be counted.

    Without the key, nobody reading the store can tell which account a pseudonym stands for.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the sender key must be at least 16 bytes long")
        # HMAC-SHA256 with the key's padded blocks hashed once: each pseudonym copies this
        # state (a third of the cost of setting the key up anew every time).
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)

    def __call__(self, group_id: int, sender_id: str) -> str:
        """Return an 8-character pseudonym of ``sender_id`` within ``group_id``: the first 48
        bits of HMAC-SHA256(key, "<group_id>:<sender_id>"), URL-safe base64.

        48 bits make a collision between two senders of one group vanishingly unlikely.
        """
        mac = self._keyed.copy()
        mac.update(f"{group_id}:{sender_id}".encode())
        return base64.urlsafe_b64encode(mac.digest()[:6]).decode()


class RememberingHasher(SenderHasher):
    """``SenderHasher`` that makes each sender's pseudonym once: a group has few senders and
    many messages, and every message needs its sender's pseudonym twice (context, counts).
    The live bot and the audit use it."""

    REMEMBERED = 4096

    def __init__(self, key: bytes) -> None:
        super().__init__(key)
        self._made: dict[tuple[int, str], str] = {}

    def __call__(self, group_id: int, sender_id: str) -> str:
        """The same pseudonym as ``SenderHasher`` gives."""
        made = self._made.get((group_id, sender_id))
        if made is None:
            if len(self._made) >= self.REMEMBERED:  # bounded, whatever the input holds
                self._made.clear()
            made = self._made[group_id, sender_id] = super().__call__(group_id, sender_id)
        return made


def observe(
    message: IncomingMessage,
    classifier: Classifier,
    working_time: WorkingTime,
    hasher: SenderHasher,
    decided: InContext | None = None,
    apps: AppAuditor | None = None,
    chased: ChasedApps = NO_CHASE,
) -> Observation:
    """Classify ``message`` and place it in the group's working time; pure and deterministic.

    ``decided`` carries the labels decided in conversation context (``bot.core.context``);
    without it the message is classified on its own words. Bot commands are counted as
    messages but never as burdens. With ``apps``, the message's app demands are found too
    (``chased``: the apps of the demand it replies to or follows).
    """
    local = working_time.local(message.sent_at)
    if message.is_command:
        labels, exempt, hits = _NOT_CLASSIFIED.labels, False, _NOT_CLASSIFIED.hits
        acknowledgement, report_subject = False, None
    else:
        # Read from the decision itself: making a Classification of it first cost a
        # frozen dataclass per message for the same fields.
        result: Classification | InContext = (
            decided if decided is not None else classifier.classify(message.text)
        )
        labels, exempt, hits = result.labels, result.exempt, result.hits
        acknowledgement, report_subject = result.acknowledgement, result.report_subject
    # audit_apps finds nothing in a message without labels: not asked (most messages).
    app_demands = (
        apps(message.text, labels, chased)
        if apps is not None and labels and not message.is_command
        else ()
    )
    app_hit = app_label_hit(message.text, labels, app_demands) if app_demands else None
    day = _day(working_time, local.date())
    excerpt = None
    if labels:
        focus = min(hit.start for hit in hits) if hits else 0
        excerpt = make_excerpt(message.text, focus)
    sender_key = hasher(message.group_id, message.sender_id) if message.sender_id else None
    return _observation(
        group_id=message.group_id,
        message_id=message.message_id,
        sent_at=local,
        week=day.week,
        band=day.band(local),
        weekday=local.weekday(),
        hour=local.hour,
        rest_day=day.rest_day,
        labels=labels | {app_hit.label} if app_hit is not None else labels,
        exempt=exempt,
        acknowledgement=acknowledgement,
        sender_key=sender_key,
        report_subject=report_subject,
        excerpt=excerpt,
        apps=app_demands,
        version=int(message.edited_at.timestamp()) if message.edited_at else 0,
    )


_observation = maker(Observation)
"""``Observation(...)`` at half the cost: ``observe`` makes one per message."""
