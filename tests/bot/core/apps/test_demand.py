"""App demands: which app, which kinds, platforms, required apps and chased apps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.apps import (
    AppAuditor,
    AppRecogniser,
    ChasedApps,
    DemandKind,
    Role,
    audit_apps,
    demand_kinds,
    load_catalogue,
)
from bot.core.apps.trail import FOLLOW_WINDOW, AppTrail
from bot.core.labels import Label

RECOGNISER = AppRecogniser(load_catalogue())
APP = frozenset({Label.TASK_PUSH, Label.APP_DEMAND})
REPORT = frozenset({Label.TASK_PUSH, Label.REPORT_DEMAND})
TASK = frozenset({Label.TASK_PUSH})
D, C, P, E, U, F = (
    DemandKind.DOWNLOAD,
    DemandKind.CHECKIN,
    DemandKind.POINTS,
    DemandKind.ENGAGE,
    DemandKind.UPLOAD,
    DemandKind.DATA_ENTRY,
)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("请下载并注册", {D}),
        ("每天登录打卡签到", {C}),
        ("积分排名倒数的通报", {P}),
        ("点赞转发，点在看", {E}),
        ("拍照上传并共享位置", {U}),
        ("请在系统里录入走访信息", {F}),
        ("Please install it and clock in every shift", {D, C}),
        ("the leaderboard shows your points", {P}),
        ("like and share the post, then vote", {E}),
        ("upload a photo with your location", {U}),
        ("fill in your details in the portal", {F}),
    ],
)
def test_kinds(text: str, kinds: set[DemandKind]) -> None:
    assert demand_kinds(text) == kinds


def test_a_named_app_demand_carries_its_kinds() -> None:
    (demand,) = audit_apps("请各位登录浙政钉打卡，积分排名要通报", APP, RECOGNISER)
    assert (demand.app, demand.kinds, demand.role) == ("浙政钉", frozenset({C, P}), Role.BURDEN)


def test_a_message_that_is_no_demand_has_no_app_demand() -> None:
    assert audit_apps("浙里办登录不上，有人知道怎么回事吗？", frozenset(), RECOGNISER) == ()


def test_a_report_about_an_app_is_not_a_demand_in_it() -> None:
    assert audit_apps("请把本村浙里办已注册人数报一下", REPORT, RECOGNISER) == ()


def test_quotas_in_an_app_count_even_without_the_app_label() -> None:
    (demand,) = audit_apps("强国积分排名后三位的下周通报", TASK, RECOGNISER)
    assert demand.app == "学习强国"
    assert P in demand.kinds


def test_a_form_platform_is_listed_not_counted() -> None:
    (demand,) = audit_apps("问卷星链接已发，请今天填写", REPORT, RECOGNISER)
    assert (demand.app, demand.role) == ("问卷星", Role.PLATFORM)


def test_a_check_in_quota_on_a_meeting_platform_is_a_burden() -> None:
    (demand,) = audit_apps("每天登录腾讯会议签到，缺勤通报排名", APP, RECOGNISER)
    assert demand.role is Role.BURDEN


def test_a_required_app_is_no_burden_for_being_used_but_its_quotas_are() -> None:
    auditor = AppAuditor(RECOGNISER, frozenset({"浙政钉"}))
    assert auditor("请大家下载浙政钉并注册", APP) == ()
    (demand,) = auditor("浙政钉每日打卡排名倒数的要通报", APP)
    assert demand.kinds == frozenset({C, P})


def test_a_reply_without_an_app_is_about_the_app_it_replies_to() -> None:
    chased = ChasedApps(replied=("青禾网格通",))
    (demand,) = audit_apps("@刘敏 还差你", TASK, RECOGNISER, chased=chased)
    assert (demand.app, demand.chased) == ("青禾网格通", True)


def test_a_follow_up_needs_the_app_label_to_take_the_recent_app() -> None:
    chased = ChasedApps(recent=("国家反诈中心",))
    assert audit_apps("请把已注册的人数报一下", REPORT, RECOGNISER, chased=chased) == ()
    (demand,) = audit_apps("还没注册的抓紧注册", APP, RECOGNISER, chased=chased)
    assert demand.app == "国家反诈中心"


def test_the_trail_remembers_replies_and_the_latest_demand_within_the_window() -> None:
    trail = AppTrail()
    start = datetime(2025, 11, 3, 9, tzinfo=UTC)
    (demand,) = audit_apps("请下载“青禾网格通”并注册", APP, RECOGNISER)
    trail.remember(7, start, (demand,))
    assert trail.chased(7, start + timedelta(days=3)).replied == ("青禾网格通",)
    assert trail.chased(8, start + timedelta(hours=1)) == ChasedApps()
    assert trail.chased(None, start + timedelta(hours=1)).recent == ("青禾网格通",)
    assert trail.chased(None, start + FOLLOW_WINDOW + timedelta(minutes=1)) == ChasedApps()


def test_an_unlisted_app_once_captured_is_recognised_by_its_bare_name() -> None:
    auditor = AppAuditor(RECOGNISER)
    assert auditor("请大家每天在青禾网格通里上报事件", APP) == ()
    first = auditor("请大家下载“青禾网格通”并注册", APP)
    (later,) = auditor.learning(first)("请大家每天在青禾网格通里上报事件", APP)
    assert later.app == "青禾网格通"


@given(st.text(max_size=200), st.sets(st.sampled_from(list(Label))))
def test_never_raises_and_burdens_only_on_demands(text: str, labels: set[Label]) -> None:
    found = audit_apps(text, labels, RECOGNISER)
    assert not found or labels
