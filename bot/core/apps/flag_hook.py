"""The hook for naming an app in an anonymous flag (wired by the flag dialogue).

A member may name the app a burden came through ("浙政钉 every night"). The flag dialogue calls
``app_in_flag`` on the member's text (or on the name they picked) and passes the result to
``Store.add_flag_app``, which counts it in the group-week's flag hash, never next to anything
that could identify the member. Flag app counts are shown under the same anonymity minimum as
every other flag count.
"""

from __future__ import annotations

from bot.core.apps.recognise import AppRecogniser


def app_in_flag(text: str | None, recogniser: AppRecogniser) -> str | None:
    """The first app named in a flag's text, by its catalogue name; None when none is named."""
    if not text:
        return None
    mentions = recogniser.mentions(text)
    return mentions[0].name if mentions else None
