"""A roll call after the asker's own chase of part of a demand chases the whole demand."""

from __future__ import annotations

from bot.core.context import Attachment
from tests.bot.core.context.test_decide import Line, P, R, T, run

DEMAND = Line(
    "boss",
    "Please send photos of the fire doors and the signed sheet for your block by Friday",
)
PHOTOS = Line("m1", "Block A photos", attachment=Attachment.PHOTO)
ASK_CHECKLIST = Line("boss", "Still waiting on the signed sheet from Block A")
CHECKLIST = Line("m1", "Block A sheet", attachment=Attachment.FILE)


def test_a_roll_call_after_a_chase_of_one_part_chases_every_part() -> None:
    roll_call = Line("boss", "Block C, Block D", minutes=24 * 60)
    decided = run(DEMAND, PHOTOS, ASK_CHECKLIST, CHECKLIST, roll_call)
    assert decided[2].labels == {T, R}
    assert decided[2].chases == 1
    # the units still missing owe what the demand asked, photos and checklist
    assert decided[4].labels == {T, P, R}
    assert decided[4].chases == 1


def test_a_roll_call_naming_one_part_still_chases_that_part() -> None:
    roll_call = Line("boss", "Block C photos, Block D photos", minutes=24 * 60)
    decided = run(DEMAND, PHOTOS, ASK_CHECKLIST, CHECKLIST, roll_call)
    assert decided[4].labels == {T, P}
