"""An asker's longer reply chasing their own app demand days later, naming no app."""

from __future__ import annotations

from tests.bot.core.context.test_decide import APP, Line, P, T, run

CHECKS = Line(
    "boss",
    "Duty managers: from today every pool safety check goes in the SiteSafe app, "
    "tap in at each station with a photo",
)


def test_a_reply_chasing_an_app_demand_days_later_inherits_the_app_use() -> None:
    # longer than a terse chase, and a task on its own words, but it replies to the demand it
    # chases and names no kind of its own: it asks for what that demand asked
    chase = Line("boss", "Evening checks missing yesterday at Northside, Ryan?", reply_to=1)
    decided = run(CHECKS, Line("m2", "Does it work in the plant room?"), chase)
    assert decided[2].labels == {T, APP, P}
    assert decided[2].chases == 1


def test_a_longer_message_that_only_follows_an_app_demand_stands_on_its_own_words() -> None:
    # without a reply the length still tells a new notice from a chase: a task on its own words
    # (no chase word, so the terse chases do not apply either) keeps just its own labels
    notice = "Ryan, please cover the evening checks at Northside tomorrow while Dana is off"
    decided = run(CHECKS, Line("boss", notice, minutes=2880))
    assert decided[1].labels == {T}
    # the same words replying to the demand chase it
    replying = run(CHECKS, Line("boss", notice, minutes=2880, reply_to=1))
    assert replying[1].labels == {T, APP, P}
