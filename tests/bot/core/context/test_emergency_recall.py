"""Orders against a present danger in the many ways managers write them, and what stays a burden.

Every conversation is invented for these tests: English as UK, US, Indian, Singaporean and
Australian managers write it, and Chinese.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.classifier import default_classifier
from bot.core.classifier.model import Classification, Hit
from bot.core.context import ContextMessage, Conversation
from bot.core.labels import Label
from tests.bot.core.context.test_decide import START, Line, T, U, run

# "boss" has asked before: an asker, as in a group with some history
ASKED = Line("boss", "Please send me your timesheets by Friday.")
ASKED_ZH = Line("boss", "请各网格员周五前把本月走访记录交上来")


@pytest.mark.parametrize(
    "order",
    [
        "Evacuate the ground floor flats on Mill Road, the river is rising fast",
        "Gas leak on Elm Close, shut off the supply at the meter and get the residents out",
        "Cordon off the car park, the wall's about to come down",
        "Flash flooding in the underpass, block it off and divert traffic",
        "Bushfire is 5km away, start moving the residents to the evacuation centre",
        "Cyclone warning issued, bring all the outdoor staff in and tie everything down",
        "Heatwave: check on all your vulnerable clients today, visit anyone who doesn't answer",
        "Floodbank at Mill Lane is seeping badly. All crews to Mill Lane with sandbags",
        "Lift stuck between floors 4 and 5, two residents inside. Call the engineer",
        "Snowstorm tonight. Gritters out from 8pm on all priority routes",
        "Ceiling's come down in room 4, move the class to the hall and keep everyone out of there",
        "Nullah overflowing near the basti, please shift the families to the community hall",
        "Heavy snow overnight, nobody drives the minibus until the roads are gritted",
        "Sewage backing up into the flats on Carr Lane, get the residents out of the ground floor",
        "Pile-up on the ring road, major incident declared, all off-duty nurses come in",
        "化工厂氯气泄漏，下风向两公里内居民往北撤离",
        "G205国道塌方，交警中队去两头封路",
        "抢险队带上沙袋到二号闸口，堤脚出现管涌",
    ],
)
def test_an_order_naming_a_hazard_directs_the_response_without_a_word_of_hurry(
    order: str,
) -> None:
    asker = ASKED if order.isascii() else ASKED_ZH
    decided = run(asker, Line("boss", order, minutes=120))[1]
    assert T in decided.labels
    assert decided.exempt


def test_an_order_with_a_weather_warning_for_tomorrow_is_exempt() -> None:
    # a new sender, no hurry: the warning it names makes the order a response
    order = (
        "Team, amber snow alert overnight into tomorrow. "
        "Do not drive to any home visits before 11."
    )
    decided = run(Line("boss", order))[0]
    assert T in decided.labels
    assert decided.exempt


@pytest.mark.parametrize(
    "routine",
    [
        "Flood response duty rota for next week is attached, check your shifts",
        "Send me your headcount forms for the evacuation centre by 5pm",
        "Please post a photo of yourself at your post every hour during the storm",
        "Write up the incident report for yesterday's gas leak and email it to me",
        "Evacuation drill next Monday, make sure all staff know the assembly point",
        "Take photos of the storm damage for the newsletter",
        "Storm update: all clear, crews can go back to normal duties",
        "防汛值班表已发群里，请各位按表值班，每天发在岗照片",
        "下周三举行防汛应急演练，各单位派两人参加",
        "台风过后各村统计房屋受损情况，明天下午前报我",
        "台风预警解除，各单位恢复正常上班",
    ],
)
def test_rosters_forms_photos_drills_and_all_clears_about_a_hazard_stay_burdens(
    routine: str,
) -> None:
    decided = run(ASKED, Line("boss", routine, minutes=120))[1]
    assert not decided.exempt


def test_a_hazard_named_in_a_members_report_is_no_order() -> None:
    # "Block 7" names a place, not an order to block something
    decided = run(ASKED, Line("m1", "Block 7 lane is still flooded boss, van can't get through"))
    assert decided[1].labels == frozenset()
    assert not decided[1].exempt


def test_an_asker_naming_a_response_just_after_news_of_a_risk_directs_it() -> None:
    news = Line("m1", "The handrail on the back stairwell came away in my hand, it's hanging off")
    order = Line("boss", "Tape off the back stairwell, nobody uses it", reply_to=2, minutes=3)
    decided = run(ASKED, news, order)
    assert decided[2].labels == {T}
    assert decided[2].exempt
    # the asker's next order in the same response, in a hurry, follows it
    follow = run(ASKED, news, order, Line("boss", "Get the joiner in to fix it right away"))
    assert follow[3].labels == {T, U}
    assert follow[3].exempt


def test_the_same_order_with_no_news_before_it_is_no_response() -> None:
    decided = run(ASKED, Line("boss", "Tape off the back stairwell, nobody uses it"))
    assert not decided[1].exempt


def test_an_order_following_the_askers_own_news_of_a_risk_directs_the_response() -> None:
    # not a reply: the asker saw it themself, then tells the marshals what to do
    decided = run(
        ASKED,
        Line("boss", "A scaffold board up on the shop front is hanging over the queue"),
        Line("boss", "Marshals, move the customers away from the shop front please", minutes=2),
    )
    assert T in decided[2].labels
    assert decided[2].exempt


def test_a_reassured_member_is_no_news_to_answer() -> None:
    # "I'm fine": the risk is over, a precaution given in reply is no emergency order
    news = "Got bitten by a dog at number 40, just a scratch"
    order = Line("boss", "Skip number 40. Don't go back there on your own", reply_to=2, minutes=3)
    decided = run(ASKED, Line("m1", f"{news}, I'm fine"), order)
    assert not decided[2].exempt
    # without the reassurance it is news of a person at risk, and the order answers it
    assert run(ASKED, Line("m1", news), order)[2].exempt


def test_a_search_stood_down_is_no_order() -> None:
    search = "Resident with dementia gone missing from Oak House, everyone search the gardens now"
    decided = run(
        ASKED,
        Line("boss", search),
        Line("m1", "She's in the chapel, warm and fine", minutes=20),
        Line("boss", "Search stood down, everyone back on the wards", minutes=2),
    )
    assert decided[1].exempt
    assert not decided[3].labels


def test_the_past_that_dates_a_danger_does_not_undo_an_order_to_act_at_once() -> None:
    order = "昨晚起河水一直涨，东桥桥面进水了，交警马上把桥封了"
    decided = run(ASKED_ZH, Line("boss", order, minutes=120))[1]
    assert decided.labels == {T, U}
    assert decided.exempt
    # a past response reported with no order to act is still no order
    report = run(ASKED_ZH, Line("boss", "昨晚已经把东桥封了", minutes=120))[1]
    assert not report.exempt


def test_an_order_for_a_later_day_is_never_exempt_whoever_read_it_so() -> None:
    # the classifier's own reading calls this road closure a response
    order = "下周三自行车赛，全中队取消休假，早上5点在南门集合，负责沿线封路"
    decided = run(ASKED_ZH, Line("boss", order, minutes=120))[1]
    assert T in decided.labels
    assert not decided.exempt


def test_paperwork_the_learned_step_guessed_on_an_emergency_order_is_dropped() -> None:
    order = (
        "Boy of 10 lost near the quarry since lunch, green jacket, mum is at the gates. "
        "Every free officer get to the quarry gates now and search from the north fence"
    )
    decided = run(ASKED, Line("boss", order, minutes=120))[1]
    assert decided.labels == {T, U}
    assert decided.exempt


def test_app_use_the_learned_step_guessed_on_an_order_against_a_hazard_is_dropped() -> None:
    order = "Gale, a tree fell on the lines at Gate 2, keep everyone away and call the board"
    decided = run(ASKED, Line("boss", order, minutes=120))[1]
    assert decided.labels == {T}
    assert decided.exempt


def test_paperwork_named_on_an_emergency_order_stays() -> None:
    order = "Gas leak on Elm Close, evacuate now and send me a photo of each cleared house"
    decided = run(ASKED, Line("boss", order, minutes=120))[1]
    assert Label.PROOF_DEMAND in decided.labels
    assert not decided.exempt


def test_the_askers_own_part_then_an_order_to_the_group_is_an_order() -> None:
    fire = Line("boss", "后山林子起火了，护林队马上带工具上去", minutes=120)
    decided = run(
        ASKED_ZH, fire, Line("boss", "我给乡里打电话，大家看着风向，别站在下风口", minutes=5)
    )
    assert decided[1].exempt
    assert T in decided[2].labels
    assert decided[2].exempt
    # the own part alone orders nothing
    alone = run(ASKED_ZH, fire, Line("boss", "我给乡里打电话", minutes=5))
    assert not alone[2].labels


def test_footage_pulled_to_find_someone_is_a_response_not_a_video_to_hand_in() -> None:
    decided = run(
        ASKED_ZH,
        Line("m1", "商场三楼有位老人走丢了，女儿在前台等", minutes=120),
        Line("boss", "保安马上查三楼各通道的录像，各出口先守住", reply_to=2, minutes=2),
    )
    assert decided[2].exempt
    # a video asked to be sent in stays a burden
    video = run(ASKED_ZH, Line("boss", "马上把今天抢险的录像发群里", minutes=120))[1]
    assert not video.exempt


MARINA = Line(
    "boss", "River's over the wall at the marina, evacuate the Quay St flats now", minutes=120
)


@pytest.mark.parametrize(
    "follow_up",
    [
        "Can one of you go round the back and check the cellar?",
        "Somebody ring the out of hours line",
    ],
)
def test_a_request_during_the_response_is_an_order_of_it(follow_up: str) -> None:
    decided = run(ASKED, MARINA, Line("boss", follow_up, minutes=10))
    assert decided[1].exempt
    assert T in decided[2].labels
    assert decided[2].exempt


def test_a_request_for_figures_during_the_response_stays_a_burden() -> None:
    ask = Line("boss", "Can someone send me the headcount for the rest centre?", minutes=10)
    decided = run(ASKED, MARINA, ask)
    assert not decided[2].exempt


@pytest.mark.parametrize(
    "order",
    [
        "We're on fire this week! 120 sign-ups, keep sharing the link",
        "The blackout dates for leave are 20 to 31 Dec, check your requests",
        "Planned power cut tomorrow 9 to 12 at the depot, let the residents know",
        "Sales collapsed this month, call every lapsed customer today",
        "Outbreak of complaints about parking, tell staff to use the back lot",
        "Hurricane season prep: check your go-bags are stocked by end of month",
        "Fire risk assessments for all blocks need updating now, get them done this week",
        "马上组织开展防溺水安全教育",
    ],
)
def test_hazard_words_in_a_figure_of_speech_a_plan_or_prevention_are_no_emergency(
    order: str,
) -> None:
    assert not run(ASKED, Line("boss", order, minutes=120))[1].exempt


def _guessed_app(text: str) -> Classification:
    """``text`` read as work with app use that only the learned step guessed."""
    return Classification(
        labels=frozenset({T, Label.APP_DEMAND}),
        exempt=False,
        hits=(
            Hit(T, "task.action", text[:5], 0, 5),
            Hit(Label.APP_DEMAND, "model.app_demand", text[:3], 0, 3),
        ),
        exempt_rule=None,
        acknowledgement=False,
        report_subject=None,
    )


def _decided_after(lines: list[Line], text: str) -> frozenset[Label]:
    conversation = Conversation(default_classifier())
    moment = START
    for number, line in enumerate(lines, start=1):
        moment += timedelta(minutes=line.minutes)
        conversation.decide(ContextMessage(number, line.text, moment, line.sender))
    message = ContextMessage(len(lines) + 1, text, moment + timedelta(minutes=5), "boss")
    decided = conversation.decide_classified(message, _guessed_app(text), text.lower())
    assert decided.exempt == (Label.APP_DEMAND not in decided.labels)
    return decided.labels


def test_app_use_guessed_on_an_askers_order_during_the_response_is_dropped() -> None:
    order = "Unit 4, get to Mill Road and take the passengers on board the spare coach"
    assert _decided_after([ASKED, MARINA], order) == {T}
    # the same order with no emergency on keeps what the learned step read
    assert Label.APP_DEMAND in _decided_after([ASKED], order)
