"""Orders in the response to a danger worded as a response is: a unit or a person told to move
first, people kept off, a stay that holds, a task handed to "someone"; and an order replying to a
member's fresh news from someone who answered a question before. Words written for these tests."""

from __future__ import annotations

from bot.core.context.cues import shipped_cues
from bot.core.labels import Label
from tests.bot.core.context.test_decide import Line, run

T, U = Label.TASK_PUSH, Label.URGENT_DEADLINE

ASKED = Line("boss", "请各班组明天上午把本月设备点检表发群里")
ORDER = Line("boss", "锅炉房蒸汽管爆了，马上关掉总阀，所有人撤到厂门口", minutes=600)
ASKED_EN = Line("boss", "Please send me the weekly cleaning rota by Friday")
ORDER_EN = Line(
    "boss", "Gas leak in the kitchen block, evacuate it now and call the fire service", minutes=600
)


def test_a_unit_told_to_keep_away_during_the_response_is_an_exempt_order() -> None:
    follow = Line("boss", "三组的人绕开锅炉房那条路", minutes=5)
    decided = run(ASKED, ORDER, follow)
    assert decided[1].exempt
    assert decided[2].labels == {T}
    assert decided[2].exempt
    # the same words with no emergency before them are no response
    assert not run(ASKED, follow)[1].exempt


def test_people_kept_off_and_told_to_come_out_first_are_orders_of_the_response() -> None:
    for words in ("你们先出来，门口拦住别让人进", "不准人回车间拿东西", "离管道远点，等维修的到"):
        decided = run(ASKED, ORDER, Line("boss", words, minutes=8))
        assert decided[2].labels == {T}, words
        assert decided[2].exempt, words


def test_a_response_order_with_a_hurry_is_urgent_too() -> None:
    decided = run(ASKED, ORDER, Line("boss", "联系燃气公司，尽快把阀门换掉", minutes=10))
    assert decided[2].labels == {T, U}
    assert decided[2].exempt


def test_english_tasks_handed_out_during_the_response_are_exempt_orders() -> None:
    for words in (
        "Someone wait at the front gate for the crews",
        "Nobody goes past the loading bay until I say",
        "Night shift stays out in the car park with the others",
    ):
        decided = run(ASKED_EN, ORDER_EN, Line("boss", words, minutes=6))
        assert decided[1].exempt, words
        assert decided[2].labels == {T}, words
        assert decided[2].exempt, words


def test_routine_words_after_the_emergency_stay_unexempt() -> None:
    # a written report asked for during the response is the burden itself
    decided = run(ASKED, ORDER, Line("boss", "你们先把事故经过写个书面报告", minutes=20))
    assert not decided[2].exempt


def test_a_deputys_immediate_reply_to_a_members_news_directs_the_response() -> None:
    # "dep" answered a member's question once, which alone would make them a member whose
    # urgent words raise an alarm; replying to another member's fresh news, they give an order
    lines = (
        Line("boss", "请各楼长周三前检查一遍天台门锁，做完在登记表上打勾"),
        Line("m1", "天台钥匙在谁那里？", reply_to=1),
        Line("dep", "在管理处，借的时候签个名", reply_to=2),
        Line("m2", "7栋9楼楼梯间窗玻璃碎了一地，有小孩在那里跑", minutes=2000),
    )
    order = Line("dep", "阿明马上上去把小孩带回家，封住那层楼梯间", reply_to=4, minutes=2)
    decided = run(*lines, order)
    assert decided[2].answers is not None
    assert decided[4].labels == {T, U}
    assert decided[4].exempt
    # the same order with no news before it is no response
    assert not run(*lines[:3], Line("dep", order.text, minutes=2))[3].exempt


def test_a_deputys_order_replying_to_a_members_alarm_needs_no_hurry_word() -> None:
    # "dep" reads as a member (they answered before); their order in reply to another member's
    # fresh alarm, with no immediacy, still directs the response
    lines = (
        Line("boss", "Please send me the weekly cleaning rota by Friday"),
        Line("m1", "Does the rota include the night porters?", reply_to=1),
        Line("dep", "Yes, put them at the bottom", reply_to=2),
        Line(
            "m2",
            "Smoke coming out of the boiler room vent, people still in the basement",
            minutes=3000,
        ),
    )
    order = Line(
        "dep",
        "Get everyone up to the car park and keep the basement door shut",
        reply_to=4,
        minutes=1,
    )
    decided = run(*lines, order)
    assert decided[4].labels >= {T}
    assert decided[4].exempt
    # the same words not replying to the alarm, from someone who answers, are no order
    assert not run(*lines, Line("dep", order.text, minutes=1))[4].exempt


def test_immediate_orders_against_a_danger_the_cues_now_know_are_exempt() -> None:
    for words in (
        "紧急：5栋一户老人家里入水，值班的马上过去帮他转到邻居家",
        "3床病人突然气促、血氧掉到86，值班护士立即上氧，叫救护车",
        "Extreme heat warning today: call every client who lives alone now and check on them",
        "Two vans blown over on the coast road, all drivers pull in now and wait",
    ):
        decided = run(ASKED, Line("boss", words, minutes=600))
        assert T in decided[1].labels, words
        assert decided[1].exempt, words


def test_a_police_call_already_made_is_no_own_part() -> None:
    # "家属已报警" tells what others did about the danger; it is no member's report of their own
    # part, which would keep the order around it ("…马上分片寻找") from directing the response
    cues = shipped_cues()
    assert cues.read("老人走失，家属已报警，各组马上分片寻找").search("own_part") is None
    assert cues.read("已报了，在表里").search("own_part") is not None


def test_staff_told_to_act_during_the_response_is_an_exempt_order() -> None:
    decided = run(ASKED, ORDER, Line("boss", "前台同事开大门，清空门口的车位", minutes=7))
    assert decided[2].labels == {T}
    assert decided[2].exempt
