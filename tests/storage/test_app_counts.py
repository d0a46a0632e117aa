"""Per-app weekly counts in the store: idempotent, moved by edits, never for exempt messages."""

from __future__ import annotations

from dataclasses import replace

from bot.config.group_settings import GroupSettings
from bot.core.apps import (
    AppDemand,
    DemandKind,
    Role,
)
from bot.core.labels import Label
from bot.core.observation import Observation
from bot.core.worktime import Band
from storage.base import Invite
from storage.redis_store import RedisStore
from tests.support.builders import observation

GROUP = -1001
WEEK = "2025-W39"
APP = {Label.TASK_PUSH, Label.APP_DEMAND}
CHECKIN, POINTS, DOWNLOAD = DemandKind.CHECKIN, DemandKind.POINTS, DemandKind.DOWNLOAD


def with_apps(
    message_id: int, *demands: AppDemand, band: Band = Band.WORK, exempt: bool = False
) -> Observation:
    return replace(observation(message_id, labels=APP, band=band, exempt=exempt), apps=demands)


async def test_app_demands_are_counted_by_app_kind_and_band(store: RedisStore) -> None:
    await store.ingest(with_apps(1, AppDemand("浙政钉", frozenset({CHECKIN, POINTS}))))
    await store.ingest(with_apps(2, AppDemand("浙政钉", frozenset({CHECKIN})), band=Band.QUIET))
    await store.ingest(with_apps(3, AppDemand("Shift Board/v2 100%!", frozenset({DOWNLOAD}))))
    await store.ingest(with_apps(2, AppDemand("浙政钉", frozenset({CHECKIN})), band=Band.QUIET))
    week = await store.week(GROUP, WEEK)
    assert set(week.apps) == {"浙政钉", "Shift Board/v2 100%!"}
    assert week.apps["浙政钉"].demands == 2
    assert week.apps["浙政钉"].kinds == {CHECKIN: 2, POINTS: 1}
    assert week.apps["浙政钉"].after_hours == 1
    assert week.apps["Shift Board/v2 100%!"].kinds == {DOWNLOAD: 1}


async def test_an_edit_moves_the_app_counts(store: RedisStore) -> None:
    await store.ingest(with_apps(5, AppDemand("学习强国", frozenset({POINTS}))))
    await store.ingest(with_apps(5, AppDemand("浙里办", frozenset({DOWNLOAD}))))
    week = await store.week(GROUP, WEEK)
    assert set(week.apps) == {"浙里办"}
    assert week.apps["浙里办"].kinds == {DOWNLOAD: 1}


async def test_platforms_are_listed_apart_and_exempt_messages_count_no_app(
    store: RedisStore,
) -> None:
    await store.ingest(with_apps(1, AppDemand("问卷星", frozenset(), Role.PLATFORM)))
    await store.ingest(with_apps(2, AppDemand("钉钉", frozenset({CHECKIN})), exempt=True))
    week = await store.week(GROUP, WEEK)
    assert week.platforms == {"问卷星": 1}
    assert week.apps == {}


async def test_bulk_reads_match_single_reads(store: RedisStore) -> None:
    for group in (-1, -2, -3):
        demand = AppDemand("强国", frozenset({POINTS}))
        await store.ingest(replace(with_apps(group * -10, demand), group_id=group))
    await store.save_group_settings(-2, GroupSettings(unit="城南区/青禾社区"))
    bulk = await store.week_many([-1, -2, -3, -4], [WEEK, "2025-W38"])
    for group in (-1, -2, -3):
        single = await store.week(group, WEEK)
        assert bulk[group, WEEK] == replace(
            single, evidence=(), demand_hours={}, senders_by_label={}, demand_senders=0
        )
    assert bulk[-4, WEEK].messages == 0
    headlines = await store.week_many([-1], [], headline_weeks=[WEEK])
    single = await store.week(-1, WEEK)
    assert headlines[-1, WEEK].demands == single.demands
    assert headlines[-1, WEEK].messages == single.messages
    assert headlines[-1, WEEK].apps == {}
    settings = await store.group_settings_many([-1, -2])
    assert settings[-1] is None
    assert settings[-2] is not None
    assert settings[-2].unit == "城南区/青禾社区"


async def test_bulk_reads_count_repeats_without_naming_them(store: RedisStore) -> None:
    report = {Label.TASK_PUSH, Label.REPORT_DEMAND}
    await store.ingest(observation(1, labels=report, subject="走访台账", sender="a"))
    await store.ingest(observation(2, labels=report, subject="走访台账", sender="b"))
    single = await store.week(GROUP, WEEK)
    bulk = (await store.week_many([GROUP], [WEEK]))[GROUP, WEEK]
    assert len(single.repeated_reports) == 1
    assert len(bulk.repeated_reports) == len(single.repeated_reports)


async def test_unit_subscriptions_and_single_use_unit_links(store: RedisStore) -> None:
    await store.create_unit_invite("tok", "城南区", 7, 60)
    assert await store.redeem_unit_invite("tok") == Invite("城南区", 7)
    assert await store.redeem_unit_invite("tok") is None
    await store.subscribe_unit(7, "城南区")
    await store.subscribe_unit(7, "城南区")
    await store.subscribe_unit(8, "城南区/城南街道")
    assert await store.unit_subscriptions() == [(7, "城南区"), (8, "城南区/城南街道")]
    assert await store.claim_rollup("城南区", WEEK, 7)
    assert not await store.claim_rollup("城南区", WEEK, 7)
    await store.release_rollup("城南区", WEEK, 7)
    assert await store.claim_rollup("城南区", WEEK, 7)
    assert await store.unsubscribe_units(7) == 1
    assert await store.unit_subscriptions() == [(8, "城南区/城南街道")]
