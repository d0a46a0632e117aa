"""Which app each demand is about, and what it demands there: the pure step of the app audit.

An *app demand* is a demand (a message with a burden label) about an app: it names the app and
carries ``app_demand`` or demands check-ins, points or engagement in it; or it names no app but
replies to, or follows, a demand about an app, and is then about that app (see ``ChasedApps``).
A demand that merely mentions an app (a report of how many registered) is not an app demand.

A platform that is usually only the vehicle of a real form, meeting or shared sheet (问卷星,
腾讯会议, 金山文档) is listed as a platform used, not counted as an app burden, unless the message
demands check-ins, points or engagement in it. An app the group marked as required is not a
burden for being downloaded or used; forced check-ins, rankings and like quotas in it still are.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.apps.catalogue import AppEntry
from bot.core.apps.kinds import USE_KINDS, DemandKind, demand_kinds
from bot.core.apps.recognise import AppMention, AppRecogniser
from bot.core.classifier.model import Hit
from bot.core.labels import Label

_QUOTA_KINDS = frozenset({DemandKind.CHECKIN, DemandKind.POINTS, DemandKind.ENGAGE})
_IN_APP_WORK = frozenset({DemandKind.UPLOAD, DemandKind.DATA_ENTRY})


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
    ``replied``; failing that, it takes ``recent`` when the classifier gave it ``app_demand``.
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
    if not text or not labels:
        return ()
    mentions = recogniser.mentions(text)
    if mentions:
        return _named(mentions, demand_kinds(text), labels, required)
    # The kinds are worded only when an app is named or chased (most labelled messages have
    # neither): a dozen patterns a message otherwise.
    apps = _chased_apps(chased, labels)
    if not apps:
        return ()
    kinds = demand_kinds(text)
    found = (
        _demand(name, recogniser.catalogue.entry(name), kinds, labels, required, chased=True)
        for name in apps
    )
    return tuple(demand for demand in found if demand is not None)


def _chased_apps(chased: ChasedApps, labels: Collection[Label]) -> tuple[str, ...]:
    if chased.replied:
        return chased.replied
    # Following without replying is a weaker tie: only an app demand (by its label) follows.
    if chased.recent and Label.APP_DEMAND in labels:
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
    # A named app that a task tells people to do something in (upload photos through it, enter
    # data into it) is an app demand even when the words alone did not earn the label.
    named_task = not chased and bool(kinds & _IN_APP_WORK) and Label.TASK_PUSH in labels
    if not (Label.APP_DEMAND in labels or kinds & _QUOTA_KINDS or chased or named_task):
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

    def learning(self, demands: tuple[AppDemand, ...]) -> AppAuditor:
        """This auditor, also recognising the unlisted apps of ``demands`` from now on.

        An app first captured by its phrasing ("下载'青禾网格通'") is then recognised by its
        bare name later in the same chat ("在青禾网格通里上报").
        """
        catalogue = self.recogniser.catalogue
        new = [d.app for d in demands if catalogue.entry(d.app) is None]
        if not new:
            return self
        grown = catalogue.with_entries(AppEntry(name) for name in new)
        return AppAuditor(AppRecogniser(grown), self.required)


def app_names(demands: Iterable[AppDemand]) -> list[str]:
    """The app names of ``demands`` that count as burdens, in order (for output lines)."""
    return [d.app for d in demands if d.role is Role.BURDEN]


_APP_OWN_KINDS = frozenset(
    {DemandKind.DOWNLOAD, DemandKind.CHECKIN, DemandKind.POINTS, DemandKind.ENGAGE}
)


def app_label_hit(text: str, labels: frozenset[Label], demands: Iterable[AppDemand]) -> Hit | None:
    """The evidence for adding ``app_demand`` when the app audit found the message burdening
    an app its labels do not show; None when the labels already agree with the audit.

    The label and the app audit must tell the same story: a task that names an app and makes
    people work in it (upload photos there, enter data, check in, chase its points) is an app
    demand even when the classifier's words missed it. A chase that names no app takes the
    label only when its own words ask something of the app itself (install, check in, points,
    likes): "still two classes' screenshots missing" chases the screenshots, not the app.
    """
    if Label.APP_DEMAND in labels or Label.TASK_PUSH not in labels:
        return None
    for demand in demands:
        if demand.role is Role.BURDEN and (not demand.chased or demand.kinds & _APP_OWN_KINDS):
            start = max(text.find(demand.app), 0)
            match = text[start : start + len(demand.app)] if demand.app in text else demand.app
            rule = "apps.chased" if demand.chased else "apps.named"
            return Hit(Label.APP_DEMAND, rule, match, start, start + len(match))
    return None
