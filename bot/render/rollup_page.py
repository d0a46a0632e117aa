"""A unit's weekly roll-up as one self-contained HTML page, and its groups as CSV rows."""

from __future__ import annotations

from bot.core.rollup import RollupWeek
from bot.render.i18n import Translator
from bot.render.rollup import rollup_lines
from bot.render.table_export import Row
from bot.render.web_page import HTML_LANG, page_environment


def rollup_page_html(rollup: RollupWeek, language: str, download_href: str | None) -> str:
    """Return the roll-up page of ``rollup`` in ``language``: every group ranked, no cut-off."""
    _ = Translator(language)
    return (
        page_environment()
        .get_template("rollup_page.html.jinja")
        .render(
            _=_,
            lang=HTML_LANG.get(language, "en"),
            r=rollup,
            title=_("Roll-up: {unit}", unit=rollup.unit or _("all groups")),
            lines=rollup_lines(_, rollup, limit=len(rollup.groups)),
            download_href=download_href,
        )
    )


def rollup_rows(rollup: RollupWeek) -> list[Row]:
    """One row per group of the roll-up, ranked as on the page."""
    return [
        {
            "week": rollup.week,
            "unit": group.unit or "",
            "rank": rank,
            "group_id": group.group_id,
            "group": group.name,
            "score": group.score,
            "status": group.status.value,
            "routine": group.routine,
            "demands": group.demands,
            "after_hours_demands": group.after_hours_demands,
            "over": " ".join(metric.value for metric in group.over),
        }
        for rank, group in enumerate(rollup.groups, start=1)
    ]
