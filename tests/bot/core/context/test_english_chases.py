"""English chases and completing replies: invented conversations, none from the corpus."""

from __future__ import annotations

import pytest

from bot.core.labels import Label
from tests.bot.core.context.test_decide import A, Line, P, R, T, U, run

APP = Label.APP_DEMAND

APP_PUSH = Line("boss", "Everyone please download the RotaPal app and log in by Friday.")
FORM = Line(
    "boss", "Depot leads, please fill in the March fuel return and send it to me by the 14th."
)
PHOTOS = Line(
    "boss", "Shift leads, please send a photo of the cleaned loading bay after each shift."
)
READ = Line("boss", "New lone-working policy attached. Everyone please confirm you've read it.")


def test_a_count_of_people_not_logged_in_yet_chases_the_app_push() -> None:
    decided = run(
        APP_PUSH,
        Line("m1", "Done 👍"),
        Line("boss", "Six of the night drivers have not logged in", minutes=600),
    )
    assert decided[2].labels == {T, APP}
    assert decided[2].chases == 1


@pytest.mark.parametrize(
    "chase",
    ["It's the 14th - depots 2 and 5 please", "Due today - depots 2 and 5"],
    ids=["the date come", "due today"],
)
def test_the_deadline_come_in_a_chase_chases_the_form_and_presses_it(chase: str) -> None:
    decided = run(FORM, Line("m1", "Sent"), Line("boss", chase, minutes=3 * 24 * 60))
    assert decided[2].labels == {T, R, U}
    assert decided[2].chases == 1


def test_who_is_left_chases_the_acknowledgement() -> None:
    decided = run(
        READ, Line("m1", "Read 👍"), Line("boss", "Just Sam and Priya left", minutes=120)
    )
    assert decided[2].labels == {A}
    assert decided[2].chases == 1


def test_a_reply_naming_the_chat_as_destination_completes_the_photo_request() -> None:
    decided = run(
        PHOTOS,
        Line("m1", "Email or WhatsApp?", reply_to=1),
        Line("boss", "Pop them in here please", reply_to=2, minutes=5),
    )
    assert decided[2].labels == {T, P}


def test_an_english_reply_setting_the_end_of_the_working_day_presses_the_form() -> None:
    decided = run(FORM, Line("boss", "By close of play today if you can", reply_to=1, minutes=5))
    assert U in decided[1].labels
    assert R in decided[1].labels


def test_a_member_saying_they_have_sent_theirs_demands_nothing() -> None:
    # a guard: the new English chase words must not read a member's own report as a chase
    decided = run(FORM, Line("m1", "I've just submitted ours", reply_to=1))
    assert decided[1].labels == set()


def test_a_countdown_in_minutes_presses_the_chase() -> None:
    decided = run(
        PHOTOS,
        Line("m1", "Bay 1 done"),
        Line("boss", "30 mins left, bays 4 and 6 still to come", minutes=60),
    )
    assert decided[2].labels == {T, P, U}


def test_a_reply_setting_a_date_completes_without_urgency_and_an_hour_with_it() -> None:
    for text in ("Before the 30th please, not later", "By 12 October at the latest"):
        decided = run(FORM, Line("boss", text, reply_to=1, minutes=5))
        assert decided[1].labels == {T, R}, text
    decided = run(FORM, Line("boss", "Before 3 please", reply_to=1, minutes=5))
    assert decided[1].labels == {T, R, U}


def test_a_chase_naming_the_quoted_reply_word_chases_the_acknowledgement() -> None:
    # the app push came later, but the chase names the reply the first message asked for
    for text in ("Dev and Ana haven't said 'seen' yet", 'No "read" from Dev so far'):
        decided = run(READ, APP_PUSH, Line("m1", "Read 👍"), Line("boss", text, minutes=240))
        assert decided[3].labels == {A}, text
        assert decided[3].chases == 1, text


def test_days_to_go_chases_the_demand_without_pressing_it() -> None:
    decided = run(
        FORM, Line("m1", "Sent"), Line("boss", "Two days to go, depots 2 and 5", minutes=600)
    )
    assert decided[2].labels == {T, R}
    assert decided[2].chases == 1
