"""The digest as one self-contained HTML page (Jinja2, autoescaped): phone-sized, no external
assets, charts inline as data: URIs. Served behind signed links and written by ``audit --html``."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment

from bot.core.digest import Status, WeekDigest
from bot.core.metrics import MetricId
from bot.core.worktime import WorkingTime
from bot.render.apps import app_lines
from bot.render.charts import (
    AppCount,
    app_bars_png,
    chart_language,
    hour_heatmap_png,
    metric_trend_png,
)
from bot.render.i18n import Translator
from bot.render.jinja import template_environment
from bot.render.wording import describe_working_time

HTML_LANG = {"zh": "zh-CN", "en": "en"}
MEANINGS: Mapping[MetricId, str] = {
    MetricId.AFTER_HOURS_TASK_PUSH: (
        "Work was assigned outside working time: staff had to act in their evenings, "
        "nights or rest days."
    ),
    MetricId.AFTER_HOURS_DEMAND_SHARE: (
        "A large share of demands came outside working time: being reachable after hours "
        "was expected."
    ),
    MetricId.REST_DAY_DEMAND_DAYS: (
        "Demands reached staff on weekends or holidays, the “5+2” pattern the rules forbid."
    ),
    MetricId.PROOF_DEMAND: (
        "Staff were asked for screenshots or photos as proof of work: time spent leaving "
        "traces instead of working."
    ),
    MetricId.REPORT_DEMAND: (
        "Forms and data were demanded; a repeat means the same data was asked for again, "
        "against “report at most once”."
    ),
    MetricId.ACK_DEMAND: (
        "Staff were asked to reply “received” or join a chain: acknowledgements that show "
        "presence, not work."
    ),
    MetricId.APP_DEMAND: "Staff were asked to download, check in or collect points in an app.",
    MetricId.URGENT_DEADLINE: "Deadlines forced work right away or outside working time.",
}


@dataclass(frozen=True, slots=True)
class DigestPage:
    """What one group-week page shows: the digest, the weeks before it and the assumptions."""

    digest: WeekDigest
    history: Sequence[WeekDigest]
    """Digests of the weeks up to and including ``digest``, oldest first (for the trend)."""
    working_time: WorkingTime
    app_counts: Sequence[AppCount] = ()
    download_href: str | None = None
    """Where the CSV of the weekly figures is downloaded (None: no link)."""


@cache
def page_environment() -> Environment:
    """The Jinja2 environment of the HTML pages (autoescaped, strict), with their helpers."""
    return template_environment(meanings=MEANINGS)


def png_data_uri(png: bytes) -> str:
    """A ``data:`` URI for ``png``, so the page needs no second request."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def digest_page_html(page: DigestPage, language: str) -> str:
    """Return the page as one HTML document in ``language`` ("zh" or "en")."""
    _ = Translator(language)
    drawn = Translator(chart_language(language))
    digest = page.digest
    history = list(page.history) or [digest]
    apps = app_bars_png(page.app_counts, drawn)
    charts = [
        (
            "heatmap",
            _("Demands by weekday and hour"),
            png_data_uri(hour_heatmap_png(digest, page.working_time, drawn)),
        ),
        ("trend", _("Weekly trend per metric"), png_data_uri(metric_trend_png(history, drawn))),
    ]
    if apps is not None:
        charts.append(("apps", _("Demands to use an app, per app"), png_data_uri(apps)))
    provisions = list(
        dict.fromkeys(m.provision for m in digest.metrics if m.status is not Status.OK)
    )
    return (
        page_environment()
        .get_template("page.html.jinja")
        .render(
            _=_,
            d=digest,
            lang=HTML_LANG.get(_.language, "en"),
            working_time=describe_working_time(_, page.working_time),
            charts=charts,
            provisions=provisions,
            trend=list(reversed(digest.trend)),
            download_href=page.download_href,
            apps=app_lines(_, digest),
        )
    )
