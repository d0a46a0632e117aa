"""Orders that direct the response to a danger, given in a chat with open demands."""

from __future__ import annotations

from tests.bot.core.context.test_decide import APP, Line, T, U, run

SIGN_UP = "各片区长：本周内每户居民都要在“安居通”上完成注册"


def test_an_emergency_order_after_an_app_quota_is_no_campaign_figure() -> None:
    # "人数" reads as a campaign figure under the quota, but an order against a danger starts a
    # response: it neither chases nor measures the app use before it
    order = "东片3号楼电梯困住了人，具体人数还不清楚，物业马上派人去，先安抚住户"
    decided = run(Line("boss", SIGN_UP), Line("boss", order, minutes=90))
    assert APP in decided[0].labels
    assert decided[1].labels == {T, U}
    assert decided[1].chases is None
    assert decided[1].exempt


def test_a_headcount_asked_during_the_response_stays_paperwork() -> None:
    decided = run(
        Line("boss", "化工区B罐区有异味，立即切断电源、停止作业，无关人员撤到东门外"),
        Line("boss", "各班组长马上把撤出人数填表报我", minutes=10),
    )
    assert decided[0].exempt
    assert decided[1].labels
    assert not decided[1].exempt
