"""Apps named in anonymous flags reach every digest format, only past the anonymity minimum."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config.settings import default_settings
from bot.core.aggregates import FlagCounts, WeekAggregate
from bot.core.apps import AppWeek, DemandKind
from bot.core.digest import DigestInput, WeekDigest, build_digest, without_flags
from bot.core.labels import Label
from bot.core.worktime import Band
from bot.render.apps import app_lines
from bot.render.i18n import Translator
from bot.render.json_report import week_to_dict
from bot.render.telegram_html import digest_html
from bot.render.web_page import DigestPage, digest_page_html

WEEK = "2025-W39"
AFTER_THE_WEEK = datetime(2025, 10, 6, tzinfo=UTC)


def digest_with(flags: FlagCounts) -> WeekDigest:
    settings = default_settings()
    current = WeekAggregate(
        week=WEEK,
        messages=10,
        counted={(Label.TASK_PUSH, Band.WORK): 2, (Label.APP_DEMAND, Band.WORK): 2},
        demands_by_band={Band.WORK: 2},
        apps={"浙政钉": AppWeek(2, {DemandKind.CHECKIN: 2}, 0)},
        flags=flags,
    )
    return build_digest(
        DigestInput(
            group_id=-1,
            group_name="网格群",
            week=WEEK,
            current=current,
            history={},
            thresholds=settings.base_thresholds(),
            working_time=settings.working_time(),
            language="en",
            flag_min_members=3,
        ),
        AFTER_THE_WEEK,
    )


def rendered(digest: WeekDigest) -> str:
    page = DigestPage(
        digest=digest, history=[digest], working_time=default_settings().working_time()
    )
    return "\n".join(
        [
            *app_lines(Translator("en"), digest),
            *digest_html(digest, "en"),
            digest_page_html(page, "en"),
            str(week_to_dict(digest)["flags"]),
        ]
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_apps_named_by_enough_members_are_shown(language: str) -> None:
    digest = digest_with(FlagCounts(by_app={"学习强国": 4, "钉钉": 2}))
    assert digest.flags is not None
    assert week_to_dict(digest)["flags"]["apps"] == {"学习强国": 4}
    lines = app_lines(Translator(language), digest)
    assert any("学习强国 4" in line for line in lines)
    working_time = default_settings().working_time()
    page = digest_page_html(DigestPage(digest, [digest], working_time), language)
    apps_section = page.split('<section id="apps">', 1)[1].split("</section>", 1)[0]
    assert "浙政钉" in apps_section
    assert "学习强国 4" in apps_section
    assert "学习强国" in page.split('id="flagged-apps"', 1)[1]
    text = rendered(digest)
    assert "学习强国" in text
    assert "钉钉 2" not in text
    assert "'钉钉'" not in text


def test_apps_named_by_too_few_members_leave_no_trace() -> None:
    digest = digest_with(FlagCounts(by_app={"学习强国": 2}))
    assert digest.flags is None
    assert "学习强国" not in rendered(digest)


def test_a_group_chat_never_sees_flagged_apps() -> None:
    digest = without_flags(digest_with(FlagCounts(by_app={"学习强国": 5})))
    assert "学习强国" not in rendered(digest)
