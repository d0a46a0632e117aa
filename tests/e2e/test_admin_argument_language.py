"""A wrong admin argument is explained in the group's language: in a Chinese group the whole
answer is Chinese (only the command examples and the admin's own words stay as typed), in an
English group it is the English sentence the command line prints."""

from __future__ import annotations

import re

import pytest

from bot.demo.playground import Playground
from bot.usecases.settings_commands import EXAMPLES
from tests.e2e.test_admin_arguments import answer, in_group, settings_of

WRONG_ARGUMENTS = {
    "/set tz Asia": "unknown time zone 'Asia'",
    "/set hours mon-fri 9-18": "'9' is not a time",
    "/set threshold proof_demand warn=x": "'x' is not a number",
    "/set threshold proof_demand warn=5 alert=2": "must not be below warn",
    "/set holiday 31/12/2025": "'31/12/2025' is not a date",
    "/set colour red": "unknown setting 'colour'",
    "/set calendar moon": "unknown holiday calendar 'moon'",
    "/set digest someday 09:00": "unknown weekday 'someday'",
    "/set quiet 22:00": "are not START-END",
    "/set app remove 不存在的应用": "is not in this group's apps",
    "/subscribe unit 城南区//青禾社区": "a unit is a path",
}
COMMAND_EXAMPLE = re.compile(r"/(?:set|subscribe)(?: [\x21-\x7e]+)+")
"""A command as an admin types it (kept in English in every language)."""
QUOTED = re.compile(r"“[^”]*”|'[^']*'")
"""A value the admin typed, or a literal form to type, quoted in the answer."""
ENGLISH_WORDS = re.compile(
    r"\b(?:a|an|the|is|are|not|or|and|of|to|in|use|write|give|unknown|must|e\.g|example|"
    r"setting|needs|takes|only|changed)\b",
    re.IGNORECASE,
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def english_left_in(reply: str) -> list[str]:
    """The English words of ``reply`` outside command examples and quoted values."""
    return ENGLISH_WORDS.findall(QUOTED.sub("", COMMAND_EXAMPLE.sub("", reply)))


@pytest.mark.parametrize("command", list(WRONG_ARGUMENTS))
async def test_a_chinese_group_gets_the_whole_reason_in_chinese(
    playground: Playground, command: str
) -> None:
    group, boss, _ = await in_group(playground)
    before = await settings_of(playground, group)
    [reply] = await answer(playground, group, boss, command)
    assert reply.startswith("未修改：")
    assert english_left_in(reply) == [], reply
    assert len(CHINESE.findall(reply)) > len("未修改"), reply
    assert "\n" not in reply
    assert await settings_of(playground, group) == before


@pytest.mark.parametrize(("command", "reason"), list(WRONG_ARGUMENTS.items()))
async def test_an_english_group_gets_the_english_reason(
    playground: Playground, command: str, reason: str
) -> None:
    group, boss, _ = await in_group(playground)
    [saved] = await answer(playground, group, boss, "/set lang en")
    assert saved.startswith("Saved.")
    [reply] = await answer(playground, group, boss, command)
    assert reply.startswith("Not changed: ")
    assert reason in reply
    # The admin's own words and the unit example are Chinese in every language.
    for typed in (EXAMPLES["unit"], *command.split()[1:]):
        reply = reply.replace(typed, "")
    assert CHINESE.findall(reply) == [], reply
