"""The "apps" section of a digest, as plain lines every output format shares."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.apps import AppSummary, DemandKind
from bot.core.digest import WeekDigest
from bot.render.i18n import Translator

KIND_NAMES: Mapping[DemandKind, str] = {
    DemandKind.DOWNLOAD: "download/register",
    DemandKind.CHECKIN: "log-in/check-in",
    DemandKind.POINTS: "points/ranking/online time",
    DemandKind.ENGAGE: "likes/shares/votes/follows",
    DemandKind.UPLOAD: "photo/location upload",
    DemandKind.DATA_ENTRY: "data entry",
}
"""English names of the demand kinds (also the translation ids)."""


def kind_name(_: Translator, kind: DemandKind) -> str:
    """The display name of a demand kind."""
    return _(KIND_NAMES[kind])


def app_line(_: Translator, app: AppSummary) -> str:
    """One app of the digest: demands by kind this week, after hours, the previous weeks."""
    kinds = ", ".join(f"{kind_name(_, kind)} {n}" for kind, n in app.kinds.items())
    return _(
        "{app}: {demands} demands ({kinds}), {after} after hours; previous 4 weeks: {trend}",
        app=app.app,
        demands=app.demands,
        kinds=kinds or "–",
        after=app.after_hours,
        trend=", ".join(str(n) for n in reversed(app.trend)),
    )


def app_lines(_: Translator, digest: WeekDigest) -> list[str]:
    """The apps section: one line per app, the platforms used only as means of reports, and the
    apps members named in anonymous flags (only those named by at least the minimum)."""
    lines = [app_line(_, app) for app in digest.apps]
    if digest.platforms:
        used = ", ".join(f"{name} {n}" for name, n in digest.platforms.items())
        lines.append(_("Platforms used for forms, meetings and shared sheets: {used}", used=used))
    if digest.flags is not None and digest.flags.by_app:
        lines.append(flagged_apps_line(_, digest.flags.by_app, digest.flags.minimum))
    return lines


def flagged_apps_line(_: Translator, by_app: Mapping[str, int], minimum: int) -> str:
    """Apps named in anonymous flags, with how many members named each ("" when none)."""
    if not by_app:
        return ""
    return _(
        "Named in anonymous flags (apps named by at least {minimum} members): {apps}",
        minimum=minimum,
        apps=", ".join(f"{name} {n}" for name, n in by_app.items()),
    )
