"""The government-app audit: which app each demand is about, and what it demands there.

Pure and Telegram-free: a catalogue shipped as data (:mod:`catalogue`), recognition of catalogue
spellings and of unlisted names by phrasing (:mod:`recognise`), demand kinds (:mod:`kinds`), and
:func:`audit_apps`, which turns one message (plus the apps of the demand it chases) into
``AppDemand`` values. Weekly counts per app live in :mod:`weekly`.

Wiring a conversation context (the live bot): keep, per group, the burden app names of recent
demands by message id and those of the latest app demand (what :class:`trail.AppTrail` keeps
for the export audit); call ``observe(message, ..., apps=auditor,
chased=ChasedApps(replied=<apps of the replied-to message>, recent=<apps of the latest app
demand within the window>))``; then record ``app_names(observation.apps)`` for this message.
``AppAuditor.learning(observation.apps)`` makes an unlisted app captured once recognisable by
its bare name for the rest of the conversation.
"""

from bot.core.apps.catalogue import (
    AppEntry,
    AppType,
    Catalogue,
    CatalogueError,
    Means,
    load_catalogue,
)
from bot.core.apps.demand import (
    NO_CHASE,
    AppAuditor,
    AppDemand,
    ChasedApps,
    Role,
    app_label_hit,
    app_names,
    audit_apps,
)
from bot.core.apps.flag_hook import app_in_flag
from bot.core.apps.kinds import DemandKind, demand_kinds
from bot.core.apps.recognise import AppMention, AppRecogniser
from bot.core.apps.weekly import AppSummary, AppWeek, summarise_apps

__all__ = [
    "NO_CHASE",
    "AppAuditor",
    "AppDemand",
    "AppEntry",
    "AppMention",
    "AppRecogniser",
    "AppSummary",
    "AppType",
    "AppWeek",
    "Catalogue",
    "CatalogueError",
    "ChasedApps",
    "DemandKind",
    "Means",
    "Role",
    "app_in_flag",
    "app_label_hit",
    "app_names",
    "audit_apps",
    "demand_kinds",
    "load_catalogue",
    "summarise_apps",
]
