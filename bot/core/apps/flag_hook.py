"""Naming an app in an anonymous flag (used by the flag dialogue).

A member may name the app a burden came through ("浙政钉 every night"). The flag dialogue calls
``app_in_flag`` on the member's (masked) text; the name goes with the flag
(``FlagEntry.app``) and the store counts distinct members per app in a HyperLogLog of salted
tokens, never next to anything that could identify the member. Only apps the group's
recogniser knows (the catalogue, the group's own apps, apps its demands named) are accepted:
a name captured only by phrasing is free text and could name a person or a place. Flag app
counts are shown under the same anonymity minimum as every other flag count.
"""

from __future__ import annotations

from bot.core.apps.recognise import AppRecogniser


def app_in_flag(text: str | None, recogniser: AppRecogniser) -> str | None:
    """The first known app named in a flag's text, by its catalogue name; None when none is.

    Names captured only by a phrasing pattern (no catalogue entry) are refused.
    """
    if not text:
        return None
    return next((m.entry.name for m in recogniser.mentions(text) if m.entry is not None), None)
