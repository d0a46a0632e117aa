"""Which app each demand is about, and what it demands there: the pure step of the app audit.

An *app demand* is a message that demands something of the group (it carries a burden label,
or it plainly words an app demand) and names an app, or chases one: a message that names no app
but replies to, or follows, a demand about an app is about that app (see ``ChasedApps``).

A platform that is usually only the vehicle of a real form, meeting or shared sheet (问卷星,
腾讯会议, 金山文档) is listed as a platform used, not counted as an app burden, unless the message
demands check-ins, points or engagement in it. An app the group marked as required is not a
burden for being downloaded or used; forced check-ins, rankings and like quotas in it still are.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.apps.catalogue import AppEntry
from bot.core.apps.kinds import USE_KINDS, DemandKind, demand_kinds
from bot.core.apps.recognise import AppMention, AppRecogniser
from bot.core.labels import Label

_QUOTA_KINDS = frozenset({DemandKind.CHECKIN, DemandKind.POINTS, DemandKind.ENGAGE})
_FOLLOW_KINDS = _QUOTA_KINDS | {DemandKind.DOWNLOAD}
_IMPERATIVE = re.compile(
    r"请|务必|必须|抓紧|尽快|一律|都要|要求|需要|记得|按时|每人|每天|每日|今天|今晚|"
    r"\bplease\b|\bmust\b|\bmake sure\b|\beveryone\b|\ball staff\b|\brequired\b|\bby\b",
    re.IGNORECASE,
)
_CANCELLED = re.compile(
    r"不用|不需要|无需|不必|取消|暂停|no need|don't need|cancel", re.IGNORECASE
)


class Role(StrEnum):
    """How an app figures in a demand."""

    BURDEN = "burden"
    """The demand is about the app itself: counted against the app."""
    PLATFORM = "platform"
    """The app is only the means of a form, meeting or sheet: listed, not counted."""


@dataclass(frozen=True, slots=True)
class AppDemand:
    """One app a message demands something in, and what."""

    app: str
    kinds: frozenset[DemandKind]
    role: Role = Role.BURDEN
    chased: bool = False
    """True when the message named no app and the app came from the demand it replies to."""


@dataclass(frozen=True, slots=True)
class ChasedApps:
    """The apps of the demands a message chases: the interface to the conversation context.

    ``replied`` holds the apps of the demand the message replies to; ``recent`` those of the
    latest app demand in the group within the context window (the context state's ``apps`` of
    its most recent app demand). A message that names no app and demands something takes
    ``replied``; failing that, it takes ``recent`` when it words a download, check-in, points or
    engagement demand (or the classifier gave it ``app_demand``).
    """

    replied: tuple[str, ...] = ()
    recent: tuple[str, ...] = ()


NO_CHASE = ChasedApps()


def audit_apps(
    text: str,
    labels: Collection[Label],
    recogniser: AppRecogniser,
    *,
    required: Collection[str] = (),
    chased: ChasedApps = NO_CHASE,
) -> tuple[AppDemand, ...]:
    """Return the app demands of one message (empty when it demands nothing of an app).

    Pure: the same text, labels, catalogue, required set and chased apps give the same result.
    """
    if not text:
        return ()
    kinds = demand_kinds(text)
    if not labels and not _worded_demand(text, kinds):
        return ()
    mentions = recogniser.mentions(text)
    if mentions:
        return _named(mentions, kinds, labels, required)
    apps = _chased_apps(chased, kinds, labels)
    if not apps:
        return ()
    found = (
        _demand(name, recogniser.catalogue.entry(name), kinds, labels, required, chased=True)
        for name in apps
    )
    return tuple(demand for demand in found if demand is not None)


def _worded_demand(text: str, kinds: frozenset[DemandKind]) -> bool:
    """An unlabelled message still demands when it orders a download, check-in, points or likes."""
    strong = kinds & _FOLLOW_KINDS
    return bool(strong) and bool(_IMPERATIVE.search(text)) and not _CANCELLED.search(text)


def _chased_apps(
    chased: ChasedApps, kinds: frozenset[DemandKind], labels: Collection[Label]
) -> tuple[str, ...]:
    if chased.replied:
        return chased.replied
    # Uploads and data entry are worded alike for forms: only app-specific kinds follow an app.
    if chased.recent and (kinds & _FOLLOW_KINDS or Label.APP_DEMAND in labels):
        return chased.recent
    return ()


def _named(
    mentions: Iterable[AppMention],
    kinds: frozenset[DemandKind],
    labels: Collection[Label],
    required: Collection[str],
) -> tuple[AppDemand, ...]:
    found = (_demand(m.name, m.entry, kinds, labels, required, chased=False) for m in mentions)
    return tuple(demand for demand in found if demand is not None)


def _demand(
    name: str,
    entry: AppEntry | None,
    kinds: frozenset[DemandKind],
    labels: Collection[Label],
    required: Collection[str],
    *,
    chased: bool,
) -> AppDemand | None:
    if entry is not None and entry.means is not None and not kinds & _QUOTA_KINDS:
        return AppDemand(name, frozenset(), Role.PLATFORM, chased)
    if name in required or (entry is not None and entry.name in required):
        kinds = kinds - USE_KINDS
        if not kinds & _QUOTA_KINDS:
            return None
    if not kinds and Label.APP_DEMAND not in labels and not chased:
        return None
    return AppDemand(name, kinds, Role.BURDEN, chased)


@dataclass(frozen=True, slots=True)
class AppAuditor:
    """A group's app audit: the recogniser of its catalogue and the apps it marked required."""

    recogniser: AppRecogniser
    required: frozenset[str] = frozenset()

    def __call__(
        self, text: str, labels: Collection[Label], chased: ChasedApps = NO_CHASE
    ) -> tuple[AppDemand, ...]:
        """Return the app demands of one message; see ``audit_apps``."""
        return audit_apps(text, labels, self.recogniser, required=self.required, chased=chased)


def app_names(demands: Iterable[AppDemand]) -> list[str]:
    """The app names of ``demands`` that count as burdens, in order (for output lines)."""
    return [d.app for d in demands if d.role is Role.BURDEN]
