"""Exemption lent by the conversation stays with the response to a present danger.

Context lends exemption to an asker's orders close to an emergency (their own exempt order, a
member's alarm, a member's news of someone at risk). LABELS.md "Exempt" names what never
directs the response however close it comes: duty rosters and presence, counts, forms and
written reports, photos and publicity, drills, inspections, meetings, plans, paperwork, normal
work, later days, and an all-clear. Each conversation here is written for these tests.
"""

from __future__ import annotations

from bot.core.context.cues import shipped_cues
from bot.core.context.model import InContext
from bot.core.labels import Label
from tests.bot.core.context.test_decide import Line, R, T, U, run

ASKED = Line("boss", "请各村明天上午把本周巡查记录发群里", minutes=0)
EVACUATE = Line("boss", "河水漫过堤了，立即组织低洼区住户转移到镇中学")
ASKED_EN = Line("boss", "Please send this week's site checklists by Friday", minutes=0)
EVACUATE_EN = Line(
    "boss",
    "River over the bank at Mill Road, evacuate the ground-floor flats now and close the road",
)
GAS = Line("m1", "Gas smell in the basement car park, quite strong!")
FLOODING = Line("m1", "3号楼地下室进水了，水已经到膝盖！")


def _after_own_order(text: str, minutes: int = 60) -> InContext:
    return run(ASKED, EVACUATE, Line("boss", text, minutes=minutes))[2]


def test_routine_orders_soon_after_an_own_exempt_order_are_not_lent_its_exemption() -> None:
    # a drill, a damage record with photos, documents moved to keep them dry: ordinary work
    for text in (
        "下周组织一次防汛演练，各村准备一下",
        "安排两个人明天去把受损情况拍照登记",
        "把档案室的文件搬到二楼，别被水泡了",
    ):
        decided = _after_own_order(text)
        assert T in decided.labels, text
        assert not decided.exempt, text
    # a further order of the response itself still is
    more = _after_own_order("再派两个人到堤上看着，水再涨就叫人")
    assert T in more.labels and more.exempt


def test_a_meeting_called_after_an_alarm_is_no_response() -> None:
    decided = run(
        ASKED_EN,
        GAS,
        Line(
            "boss",
            "Debrief tomorrow 9am in the main office, everyone on shift please attend",
            minutes=20,
        ),
    )
    assert T in decided[2].labels
    assert not decided[2].exempt


def test_an_immediate_meeting_after_an_alarm_is_an_order_but_no_response() -> None:
    decided = run(ASKED, FLOODING, Line("boss", "马上开个短会，研究一下防汛", minutes=5))
    assert decided[2].labels == {T, U}
    assert not decided[2].exempt
    # an order to get people out, the same minutes after, is
    out = run(ASKED, FLOODING, Line("boss", "马上让地下室的人全部上来，把电闸拉掉", minutes=5))
    assert out[2].exempt


def test_a_count_or_an_inspection_ordered_during_the_emergency_is_no_follow_up() -> None:
    # words the classifier reads as no demand: context lends them nothing
    for text in (
        "Team leads, send me headcounts of who was moved",
        "Check the fire extinguishers are in date as part of the monthly inspection",
    ):
        decided = run(ASKED_EN, EVACUATE_EN, Line("boss", text, minutes=30))[2]
        assert not decided.exempt, text
    held = run(
        ASKED_EN,
        EVACUATE_EN,
        Line("boss", "Keep the public back till the fire service arrive", minutes=30),
    )[2]
    assert held.exempt


def test_an_all_clear_is_no_order_of_the_response() -> None:
    for text in (
        "Water is going down, all clear. Residents can go back in now",
        "水位已经退了，警报解除，大家马上回岗位",
    ):
        lines = (ASKED_EN, EVACUATE_EN) if text.isascii() else (ASKED, EVACUATE)
        decided = run(*lines, Line("boss", text, minutes=120))[2]
        assert not decided.exempt, text


def test_work_called_off_or_set_for_a_later_day_is_no_response() -> None:
    cancelled = run(
        ASKED_EN,
        GAS,
        Line("boss", "All site visits for tomorrow cancelled, stay home", reply_to=2, minutes=5),
    )
    assert not cancelled[2].exempt
    later = _after_own_order("周六全体在体育场东门集合，负责沿线维持秩序", minutes=90)
    assert T in later.labels
    assert not later.exempt


def test_a_chase_of_an_emergency_order_naming_paperwork_is_not_exempt() -> None:
    checklists = run(
        ASKED_EN,
        EVACUATE_EN,
        Line("boss", "Checklists still missing from Ward 3 and 5", minutes=60),
    )
    assert not checklists[2].exempt
    # a roll call of who is still to be moved chases the response itself
    roll_call = run(ASKED, EVACUATE, Line("boss", "还差3组和5组没转移完", minutes=30))
    assert roll_call[2].chases == 2
    assert roll_call[2].exempt


def test_a_written_report_about_the_emergency_is_paperwork_even_named_report() -> None:
    # "报告" is a report back (exempt) only in an immediate order; with a deadline it is a
    # written report, also when the danger named makes the words alone read as exempt
    text = "化工区氯气泄漏的事，安全科出个分析报告，明天下班前"
    decided = run(ASKED, Line("boss", text, minutes=60))
    assert R in decided[1].labels
    assert not decided[1].exempt
    report_back = run(ASKED, Line("boss", "化工区氯气泄漏，立即疏散B区人员，清点完立即报告"))
    assert report_back[1].exempt


def test_an_immediate_reply_to_news_of_routine_trouble_is_not_exempt() -> None:
    # a broken printer or a shortfall of machines is work, however quick the order
    for news, order in (
        ("打印机又卡纸了，表格打不出来", "马上叫人来修，别耽误"),
        ("收割机差两台，还有200亩没收", "农机站马上调两台过去"),
        ("Customer says the invoice was wrong again", "Call them right away and reissue it"),
    ):
        decided = run(ASKED, Line("m1", news), Line("boss", order, reply_to=2, minutes=5))
        assert not decided[1].concern, news
        assert not decided[2].exempt, order
    # news of a person at risk names no danger the cues know, and is remembered as a concern
    unwell = run(
        ASKED,
        Line("m1", "7网格的刘大爷人有点迷糊，叫了几声反应慢"),
        Line("boss", "你马上扶他到阴凉处，别走开", reply_to=2, minutes=5),
    )
    assert unwell[1].concern and not unwell[1].labels
    assert unwell[2].exempt


def test_looking_for_someone_to_fix_a_thing_is_no_search_for_a_person() -> None:
    cues = shipped_cues()
    assert cues.read("马上找人来修").search("danger") is None
    assert cues.read("马上分头找人").search("danger") is not None
    assert cues.read("大家马上去河边找人").search("danger") is not None


def test_paperwork_kinds_are_named_by_the_routine_cue() -> None:
    cues = shipped_cues()
    for text in (
        "今晚值班安排如下",
        "on-call rota for the weekend",
        "log late arrivals as weather",
        "截图发我",
    ):
        assert cues.read(text).search("routine") is not None, text
    # responders on duty are no roster, a platform no form, a muster headcount no paperwork
    for text in (
        "值班民警马上到现场",
        "all staff on duty to platform 7 now",
        "head count at the car park",
    ):
        assert cues.read(text).search("routine") is None, text


def test_an_all_clear_in_urgent_words_after_an_alarm_orders_nothing() -> None:
    # "now" just after an alarm reads as an order to respond, but this one stands it down
    text = "Engineer has capped it, we can go back in now"
    decided = run(ASKED_EN, GAS, Line("boss", text, minutes=30))
    assert decided[2].labels == frozenset()
    assert not decided[2].exempt


def test_thanks_over_the_results_of_a_demand_chases_nothing() -> None:
    form = Line("boss", "请各村本周五前在问卷链接里填好村民满意度调查", minutes=0)
    for text in ("辛苦各位，最终填写率92%", "Survey closed, we scored 88%. Well done all"):
        decided = run(form, Line("boss", text, minutes=24 * 60))
        assert decided[1].labels == frozenset(), text
    # a thanks that still names who is missing chases as any other
    still = run(form, Line("boss", "Thanks. Just Ward 3 and Ward 5 outstanding now", minutes=600))
    assert T in still[1].labels and still[1].chases == 1


def test_a_check_in_during_the_emergency_is_the_burden_itself() -> None:
    # acknowledgements and presence check-ins are what LABELS.md names as never exempt
    for text in (
        "Everyone on shift reply here when you arrive so I know who's in",
        "各值班点马上在群里报个到",
    ):
        decided = run(ASKED, EVACUATE, Line("boss", text, minutes=45))[2]
        assert decided.labels, text
        assert not decided.exempt, text
    # also when the order itself is exempt on its words
    both = run(ASKED, Line("boss", "河水漫过堤了，立即组织低洼区住户转移，收到请回复"))[1]
    assert Label.ACK_DEMAND in both.labels
    assert not both.exempt
