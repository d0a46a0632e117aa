"""Chases that press the demand's own deadline: its day has come, or a reply sets the hour."""

from __future__ import annotations

import pytest

from bot.core.context.cues import shipped_cues
from tests.bot.core.context.test_decide import Line, R, T, U, run

SUMMARY = Line("boss", "请各站本月20号前把安全检查总结报上来")
ROLL_CALL = Line("boss", "二站 四站 六站还没报", minutes=3 * 24 * 60)
ANSWER = Line("m3", "四站周三报")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        # the deadline is today
        ("今天截止", 60),
        ("Today's the deadline", 60),
        # the last day, with the units still owed
        ("二站 六站，今日最后一日", 600),
        ("Stations 2 and 6 outstanding, today is last day", 600),
    ],
)
def test_saying_the_deadline_has_come_chases_the_demand_with_urgency(
    text: str, minutes: int
) -> None:
    decided = run(SUMMARY, ROLL_CALL, ANSWER, Line("boss", text, minutes=minutes))
    assert decided[3].labels == {T, R, U}
    assert decided[3].chases == 1


def test_a_date_and_the_one_unit_left_is_a_roll_call() -> None:
    decided = run(SUMMARY, ROLL_CALL, ANSWER, Line("boss", "今天25号了，六站", minutes=600))
    assert decided[3].labels == {T, R, U}
    assert decided[3].chases == 1
    # a date and a chat word is no roll call
    chat = run(SUMMARY, ROLL_CALL, ANSWER, Line("boss", "今天25号了，开会吧", minutes=600))
    assert R not in chat[3].labels


def test_an_hour_in_chinese_numerals_completes_the_demand_urgently() -> None:
    reply = Line("boss", "十一点前，领导下午开会要用", reply_to=3, minutes=10)
    decided = run(SUMMARY, ROLL_CALL, Line("m3", "四站中午前给"), reply)
    assert decided[3].labels == {T, R, U}
    # it replies to the answer to the roll call, which chased the demand
    assert decided[3].chases == 2


def test_a_deadline_word_names_no_screenshot() -> None:
    cues = shipped_cues()
    assert cues.read("今天截止").named_kinds() == frozenset()
    assert cues.read("截至目前还有三个村").named_kinds() == frozenset()
    assert cues.read("还有两个没截").named_verbs()


def test_a_weekday_before_a_roll_call_chases_without_urgency() -> None:
    # the weekday says when the chase is sent, not that the deadline is today
    for text in ("今天周四。二站 六站", "It's Thursday. Stations 2 and 6?"):
        decided = run(SUMMARY, ROLL_CALL, ANSWER, Line("boss", text, minutes=600))
        assert decided[3].labels == {T, R}, text
        assert decided[3].chases == 1, text
