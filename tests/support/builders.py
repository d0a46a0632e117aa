"""Builders for domain values used across tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.config.settings import default_settings
from bot.core.aggregates import WeekAggregate
from bot.core.digest import DigestInput, WeekDigest, build_digest
from bot.core.flags import FlagEntry, flags_expire_at
from bot.core.labels import Label
from bot.core.observation import Observation
from bot.core.thresholds import Thresholds
from bot.core.worktime import Band, WorkingTime, iso_week

SHANGHAI = ZoneInfo("Asia/Shanghai")


def default_working_time(**changes: Any) -> WorkingTime:
    """The settings' default working time with ``changes`` (``WorkingTime.from_strings`` names)."""
    defaults = default_settings()
    parts: dict[str, Any] = {
        "timezone": defaults.timezone,
        "hours": defaults.working_hours,
        "calendar": defaults.calendar,
        "quiet": defaults.quiet_hours,
    }
    return WorkingTime.from_strings(**(parts | changes))


def digest_of(current: WeekAggregate, *, group_name: str = "g") -> WeekDigest:
    """The English digest of ``current`` alone (group 1, default thresholds, working time and
    anonymity minimum), built on the Monday after the 2025-W39 week the tests use."""
    source = DigestInput(
        group_id=1,
        group_name=group_name,
        week=current.week,
        current=current,
        history={},
        thresholds=Thresholds.defaults(),
        working_time=default_working_time(),
        language="en",
        flag_min_members=default_settings().flag_min_members,
    )
    return build_digest(source, datetime(2025, 10, 6, tzinfo=UTC))


def observation(
    message_id: int,
    *,
    group_id: int = -1001,
    at: datetime | None = None,
    band: Band = Band.WORK,
    labels: frozenset[Label] | set[Label] = frozenset(),
    exempt: bool = False,
    acknowledgement: bool = False,
    sender: str | None = "senderA",
    subject: str | None = None,
    rest_day: date | None = None,
    excerpt: str | None = None,
    version: int = 0,
) -> Observation:
    """Return an ``Observation`` with sensible defaults (a Monday 10:00 in Shanghai)."""
    sent_at = at or datetime(2025, 9, 22, 10, 0, tzinfo=SHANGHAI)
    labels = frozenset(labels)
    return Observation(
        group_id=group_id,
        message_id=message_id,
        sent_at=sent_at,
        week=iso_week(sent_at.date()),
        band=band,
        weekday=sent_at.weekday(),
        hour=sent_at.hour,
        rest_day=rest_day,
        labels=labels,
        exempt=exempt,
        acknowledgement=acknowledgement,
        sender_key=sender,
        report_subject=subject if Label.REPORT_DEMAND in labels else None,
        excerpt=excerpt if excerpt is not None else ("excerpt" if labels else None),
        version=version,
    )


def flag_entry(
    group_id: int,
    kind_token: str,
    text: str | None = None,
    *,
    week: str = "2025-W39",
    label: Label = Label.PROOF_DEMAND,
    epoch: str = "e0000001",
    text_token: str | None = None,
    app: str | None = None,
) -> FlagEntry:
    """A flag as the store receives it (tokens chosen by the test, not derived from a member)."""
    return FlagEntry(
        group_id=group_id,
        week=week,
        label=label,
        epoch=epoch,
        kind_token=kind_token,
        text_token=text_token or f"text-{kind_token}",
        text=text,
        expires_at=flags_expire_at(week, 8),
        app=app,
        app_token=f"app-{kind_token}" if app else "",
    )
