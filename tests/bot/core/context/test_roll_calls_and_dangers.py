"""Roll calls of units, rankings under a quota, replies that set the day, and kinds of danger."""

from __future__ import annotations

import pytest

from bot.core.context.cues import shipped_cues
from tests.bot.core.context.test_decide import APP, Line, R, T, U, run

DAY = 24 * 60
ORDER = "各中队：请于本周五前把本月消防栓检查表交到大队。"
FIRE = "河滨路仓库起火冒浓烟，三中队马上去现场，周边住户立即疏散，别让人靠近"


def test_a_roll_call_of_units_days_later_chases_the_form_not_the_emergency_between() -> None:
    decided = run(
        Line("boss", ORDER),
        Line("m1", "收到"),
        Line("boss", FIRE, minutes=DAY),
        Line("boss", "二中队 四中队 老陈", minutes=3 * DAY),
    )
    assert decided[0].labels == {T, R}
    assert decided[2].exempt
    assert decided[3].labels == {T, R}
    assert decided[3].chases == 1
    assert not decided[3].exempt


def test_a_single_unit_asked_after_is_a_chase() -> None:
    decided = run(Line("boss", ORDER), Line("boss", "四中队？", minutes=2 * DAY))
    assert decided[1].labels == {T, R}


def test_a_roll_call_that_says_the_deadline_is_today_is_urgent() -> None:
    decided = run(Line("boss", ORDER), Line("boss", "今天16号，二中队、五中队", minutes=4 * DAY))
    assert decided[1].labels == {T, R, U}


@pytest.mark.parametrize("thanks", ["辛苦了，大家", "Thanks all, good job", "好的 谢谢"])
def test_thanks_after_a_demand_is_no_roll_call(thanks: str) -> None:
    decided = run(Line("boss", ORDER), Line("boss", thanks, minutes=DAY))
    assert decided[1].labels == set()


def test_a_ranking_under_an_app_quota_inherits_the_app_use() -> None:
    decided = run(
        Line("boss", "Managers: get every tenant to register on the NeighbourLink app, 40 each."),
        Line("boss", "Registrations so far: Block A 52, Block B 31, Block C 9", minutes=7 * DAY),
    )
    assert APP in decided[0].labels
    assert decided[1].labels == decided[0].labels


def _measures(text: str) -> bool:
    return shipped_cues().read(text).has("measure")


def test_figures_per_unit_measure_a_demand() -> None:
    assert _measures("东片96%，南片91%，北片58%")
    assert _measures("Kingsway 34, High St 22, Retail Park 11")
    assert not _measures("还差二中队、四中队")


def test_a_reply_setting_the_end_of_the_shift_makes_the_form_urgent() -> None:
    decided = run(
        Line("boss", ORDER),
        Line("m1", "二中队今天出警多，晚点交", minutes=DAY),
        Line("boss", "收工前交", reply_to=2, minutes=5),
    )
    assert decided[2].labels == {T, R, U}


@pytest.mark.parametrize(
    "order",
    [
        "Chlorine smell in the pump room, everyone out of the building now",
        "地下室一氧化碳报警，立即把人全部撤到室外",
        "A man with a knife at reception, lock the ward doors now and keep patients inside",
        "3号楼电梯困住两位老人，物业马上派人去，先安抚他们",
        "Scaffolding on the east side has buckled, clear the yard immediately",
        # orders that close, cut off or stop
        "Crew 4 get to the junction now and set up the road closure until the gas board arrives",
        "化工区B罐区有异味，立即切断电源、停止作业，无关人员撤到东门外",
        "8楼有住户情绪激动说要轻生，值班保安马上上去，物业同时联系家属",
    ],
)
def test_orders_against_many_kinds_of_danger_are_exempt(order: str) -> None:
    decided = run(Line("boss", order))
    assert decided[0].exempt
    assert T in decided[0].labels


@pytest.mark.parametrize(
    "paperwork",
    [
        "Chlorine drill next Tuesday: photos of the muster to me by Friday",
        "一氧化碳中毒宣传入户情况统计表周五前报中心",
    ],
)
def test_paperwork_about_such_dangers_is_not_exempt(paperwork: str) -> None:
    decided = run(Line("boss", paperwork))
    assert decided[0].labels
    assert not decided[0].exempt
