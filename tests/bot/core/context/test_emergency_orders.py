"""Orders that direct the response to a danger, given in a chat with open demands."""

from __future__ import annotations

from bot.core.context import Attachment
from bot.core.labels import Label
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


# A group where "boss" has asked before, then a danger raised by a member, in words written
# for these tests.
ASKED = Line("boss", "请各楼栋长明天上午把本周消防通道巡查情况发群里")
ALARM = Line("m1", "仓库后坡滑坡了，泥已经堆到三号楼后墙根！", minutes=300)


def test_an_order_right_after_an_alarm_directs_the_response() -> None:
    # the order names no danger itself; the alarm just before it does
    order = Line("boss", "马上让三号楼的人从前门出去，到操场集合", minutes=5)
    decided = run(ASKED, ALARM, order)
    assert decided[1].labels == frozenset()
    assert decided[2].labels == {T, U}
    assert decided[2].exempt
    # the same words with no alarm before them are no emergency order
    assert not run(ASKED, order)[1].exempt


def test_work_ordered_soon_after_an_alarm_is_exempt_and_later_work_is_not() -> None:
    work = "请物业安排人把三号楼后面的车全部挪走"
    soon = run(ASKED, ALARM, Line("boss", work, minutes=20))[2]
    later = run(ASKED, ALARM, Line("boss", work, minutes=180))[2]
    assert T in soon.labels and soon.exempt
    assert T in later.labels and not later.exempt


def test_paperwork_after_an_alarm_stays_a_burden() -> None:
    decided = run(ASKED, ALARM, Line("boss", "马上把各楼栋受影响户数统计表报我", minutes=5))
    assert decided[2].labels >= {T, Label.REPORT_DEMAND}
    assert not decided[2].exempt


def test_a_members_alarm_is_no_order_even_in_urgent_words() -> None:
    # a member who has answered demands raises the alarm: it asks nothing of the group
    decided = run(
        Line("boss", "今天下午各网格把巡查记录发群里"),
        Line("m1", "3网格巡查记录", attachment=Attachment.FILE, reply_to=1),
        Line("m1", "紧急！5栋楼道电瓶车着火了，整层都是烟", minutes=60),
    )
    assert decided[1].answers == 1
    assert decided[2].labels == frozenset()
    assert not decided[2].exempt
