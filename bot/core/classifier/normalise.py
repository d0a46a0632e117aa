"""Length-preserving text normalisation for the burden classifier.

Every character of the input maps to exactly one character of the normalised text, so offsets
found in the normalised text are offsets into the original text too. The mapping folds
width and compatibility forms (NFKC), case, traditional to simplified Chinese (OpenCC ``t2s``,
character by character) and every digit to ``0`` so that rule phrases can name numbers
generically ("0点前" matches "8点前" and "10点前"). URLs are blanked out and @mentions of
individual people are reduced to an ``@`` followed by underscores, so neither can trigger a rule.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_QUOTES = {"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"', "‘": "'", "’": "'"}

# The broadest CJK blocks in the BMP; t2s is applied to each character on its own.
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))

_URL = re.compile(
    r"(?:https?://|www\.)[!-~]+"
    r"|(?<![\w@.])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|cn|io|gle|uk|hk|tw|ly|me)"
    r"(?:/[!-~]*)?(?![\w])"
)
_MENTION = re.compile(r"(?<![\w.%+-])@([^\s@,，。:：!！?？、;；\"'()（）]{1,24})")
_GROUP_MENTIONS = ("所有人", "全体", "all", "everyone", "channel", "here", "team", "我")


@lru_cache(maxsize=1)
def translation_table() -> dict[int, str]:
    """Return the one-character-to-one-character folding table (built once, ~0.3 s)."""
    converter = opencc.OpenCC("t2s")
    table: dict[int, str] = {}
    for code in range(0x20, 0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char).lower()
        if len(folded) != 1:
            continue
        folded = _QUOTES.get(folded, folded)
        if folded.isdigit() and folded.isascii():
            folded = "0"
        if folded != char:
            table[code] = folded
    cjk = [chr(code) for start, stop in _CJK_RANGES for code in range(start, stop)]
    simplified = converter.convert("\n".join(cjk)).split("\n")
    if len(simplified) == len(cjk):  # opencc keeps one line per input line
        for trad, simp in zip(cjk, simplified, strict=True):
            if len(simp) == 1 and simp != trad:
                table[ord(trad)] = simp
    return table


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _mask_mention(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.startswith(_GROUP_MENTIONS):
        return match.group(0)
    return "@" + "_" * len(name)


def normalise(text: str, table: dict[int, str]) -> str:
    """Return ``text`` folded for matching; the result always has the same length."""
    folded = text.translate(table)
    if len(folded) != len(text):  # a table entry broke the 1:1 promise; stay safe
        folded = "".join(table.get(ord(char), char)[:1] or char for char in text)
    if "." in folded:
        folded = _URL.sub(_blank, folded)
    if "@" in folded:
        folded = _MENTION.sub(_mask_mention, folded)
    return folded
