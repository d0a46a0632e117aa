"""Labels decided in context whatever the message's own words: a late reply chasing its own
demand, an order during an emergency, an hour set by a completing reply (conversations written
for these tests)."""

from __future__ import annotations

import dataclasses

from bot.core.labels import Label
from tests.bot.core.context.test_decide import APP, Line, R, T, U, run

P = Label.PROOF_DEMAND

# the asker's app demand, then the group's other talk
APP_DEMAND = Line("boss", "各位网格员：本周起巡查一律在“巡查宝”上打卡，每天上下午各一次。")
FORM = Line("boss", "请各社区把本月独居老人走访表填好发我。")


def test_an_askers_reply_to_their_own_demand_a_day_later_chases_it() -> None:
    # no chase word at all: only the reply, a day after the demand, ties it to the app use
    late = Line("boss", "东片那三个人上周一次也不见", reply_to=1, minutes=26 * 60)
    decided = run(APP_DEMAND, Line("m1", "收到"), late)
    assert decided[2].labels == {T, APP}
    assert decided[2].chases == 1
    assert any(
        h.rule == "context.chase"
        and h.match == "chase of message 1: its sender's reply to it, hours later"
        for h in decided[2].hits
    )


def test_an_askers_quick_reply_to_their_own_demand_only_explains_it() -> None:
    soon = Line("boss", "东片那三个人上周一次也不见", reply_to=1, minutes=30)
    assert run(APP_DEMAND, Line("m1", "收到"), soon)[2].labels == frozenset()


def test_a_late_reply_from_someone_else_or_dropping_the_demand_chases_nothing() -> None:
    other = Line("m2", "东片那三个人上周一次也不见", reply_to=1, minutes=26 * 60)
    assert run(APP_DEMAND, other)[1].labels == frozenset()
    dropped = Line("boss", "Photos are no longer needed, thanks all.", reply_to=1, minutes=3000)
    asked = Line("boss", "Each site lead please send a photo of the fire exits.")
    assert run(asked, dropped)[1].labels == frozenset()


# an asker's own emergency order, then a member's report of it
FIRE = Line("boss", "东山林场起火了，护林队马上带灭火器上去扑救，附近村民立即撤离！")
REPORT = Line("m1", "到了，明火已经扑灭，人都在这里", minutes=25)


def test_an_askers_order_during_their_own_emergency_directs_the_response() -> None:
    # no danger and no immediacy in its words: the emergency minutes before makes it an order
    order = Line("boss", "留两个人在山上看着，天黑前别下来", minutes=10)
    decided = run(FIRE, REPORT, order)
    assert decided[0].exempt
    assert decided[2].labels == {T}
    assert decided[2].exempt
    assert decided[2].reason == "emergency_follow_up"
    assert any(h.rule == "context.emergency_follow_up" for h in decided[2].hits)


def test_the_same_words_long_after_the_emergency_are_no_emergency_order() -> None:
    order = Line("boss", "留两个人在山上看着，天黑前别下来", minutes=12 * 60)
    assert not run(FIRE, REPORT, order)[2].exempt


def test_thanks_a_report_or_a_question_during_an_emergency_orders_nothing() -> None:
    for words in ("辛苦大家了，注意安全", "消防队已经到了", "山上还有人吗？"):
        decided = run(FIRE, REPORT, Line("boss", words, minutes=10))
        assert decided[2].labels == frozenset(), words
        assert not decided[2].exempt, words


def test_a_new_members_order_during_an_emergency_is_not_read_as_the_askers() -> None:
    order = Line("m9", "留两个人在山上看着，天黑前别下来", minutes=10)
    assert not run(FIRE, REPORT, order)[2].exempt


def test_a_reply_setting_the_hour_of_a_form_it_completes_sets_an_urgent_deadline() -> None:
    hour = Line("boss", "最迟明天下班前给我", reply_to=2, minutes=20)
    decided = run(FORM, Line("m1", "表格能晚点交吗？", reply_to=1), hour)
    assert decided[2].labels == {T, R, U}
    assert decided[2].chases == 1


def test_a_reply_setting_a_day_later_in_the_week_is_no_urgent_deadline() -> None:
    later = Line("boss", "最迟下周一下班前给我", reply_to=2, minutes=20)
    decided = run(FORM, Line("m1", "表格能晚点交吗？", reply_to=1), later)
    assert decided[2].labels == {T, R}


def test_a_photo_demand_completed_by_its_hour_stays_a_photo_demand() -> None:
    photos = Line("boss", "请各楼栋长拍一下消防通道照片发群里。")
    decided = run(photos, Line("boss", "下班前", reply_to=1, minutes=5))
    assert decided[1].labels == {T, P, U}


def test_an_alarm_from_a_sender_with_no_history_gives_no_order() -> None:
    # the group has an asker; the newcomer raises the danger without telling anyone to act
    alarm = Line("new", "紧急！3号楼地下车库有电动车起火，浓烟已经冒到一楼大堂了", minutes=60)
    decided = run(FORM, alarm)
    assert decided[1].labels == frozenset()
    assert not decided[1].exempt
    assert decided[1].alarm


def test_an_order_from_a_sender_with_no_history_still_directs_the_response() -> None:
    order = Line("new", "紧急！3号楼地下车库起火，请物业马上组织一楼住户撤离到广场", minutes=60)
    decided = run(FORM, order)
    assert decided[1].labels >= {T}
    assert decided[1].exempt


ROSTER = Line("boss", "Team leads: please send me your team's holiday rota for December.")


def test_an_askers_bare_question_after_their_own_demand_chases_it() -> None:
    decided = run(
        ROSTER,
        Line("m1", "Rota for Dispatch attached"),
        Line("boss", "Packing and Returns??", minutes=120),
    )
    assert decided[2].labels == {T, R}
    assert decided[2].chases == 1
    assert any(
        h.match == "chase of message 1: its sender's bare question after it"
        for h in decided[2].hits
    )


def test_a_question_asking_something_of_its_own_is_no_chase() -> None:
    for words in ("Who has the van keys?", "Lunch at 1?", "Car park full again?", "车修好了？"):
        decided = run(ROSTER, Line("m1", "Rota for Dispatch attached"), Line("boss", words))
        assert R not in decided[2].labels, words


def test_a_bare_question_from_someone_else_chases_nothing() -> None:
    decided = run(ROSTER, Line("m1", "Packing and Returns??", minutes=120))
    assert decided[1].labels == frozenset()


PHOTOS_AND_FORM = Line("boss", "请各村把秋收安全检查表填好，连同现场照片一起发我。")


def test_a_short_chase_by_its_verb_alone_chases_the_photos_too() -> None:
    # "没报" reads as a report demand on its own words; the chase names no kind, so it chases
    # everything the demand asked to be submitted
    decided = run(
        PHOTOS_AND_FORM,
        Line("m1", "东村的表和照片"),
        Line("boss", "还有3个村没报", minutes=24 * 60),
    )
    assert decided[2].labels == {T, P, R}
    assert decided[2].chases == 1


def test_a_chase_naming_the_form_chases_only_the_form() -> None:
    decided = run(
        PHOTOS_AND_FORM,
        Line("m1", "东村的表和照片"),
        Line("boss", "检查表还有3个村没报", minutes=24 * 60),
    )
    assert decided[2].labels == {T, R}


def test_an_askers_answer_to_a_question_about_their_emergency_order_directs_it_too() -> None:
    question = Line("m1", "有两户老人走不动怎么办？", reply_to=1, minutes=5)
    answer = Line("boss", "让村干部背下来，先送到村部", reply_to=2, minutes=3)
    decided = run(FIRE, question, answer)
    assert decided[2].labels == {T}
    assert decided[2].exempt
    # the same answer to a question about paperwork only explains it
    form = run(FORM, Line("m1", "有两户老人不在家怎么办？", reply_to=1), answer)
    assert form[2].labels == frozenset()


NEWS = Line("m1", "12栋的独居老人陈伯两天没出门了，敲门也没人应", minutes=60)


def test_an_askers_immediate_order_replying_to_a_members_news_directs_the_response() -> None:
    # the news names no danger the cues know; the order replying to it at once directs the
    # response to it
    order = Line("boss", "马上联系他儿子拿钥匙，开锁师傅也叫上", reply_to=2, minutes=5)
    decided = run(FORM, NEWS, order)
    assert decided[2].labels >= {T, U}
    assert decided[2].exempt
    # the same order with no news replied to is no emergency order
    assert not run(FORM, NEWS, dataclasses.replace(order, reply_to=None))[2].exempt


def test_a_reply_to_a_members_news_that_tells_no_one_to_act_directs_nothing() -> None:
    decided = run(FORM, NEWS, Line("boss", "Forwarding it now", reply_to=2, minutes=5))
    assert not decided[2].exempt
