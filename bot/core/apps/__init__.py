"""The government-app audit: which app each demand is about, and what it demands there.

Pure and Telegram-free: a catalogue shipped as data (:mod:`catalogue`), recognition of catalogue
spellings and of unlisted names by phrasing (:mod:`recognise`), demand kinds (:mod:`kinds`), and
:func:`audit_apps`, which turns one message (plus the apps of the demand it chases) into
``AppDemand`` values. Weekly counts per app live in :mod:`weekly`.
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
    "app_names",
    "audit_apps",
    "demand_kinds",
    "load_catalogue",
    "summarise_apps",
]
