"""A short key naming the form or data a report demand asks for.

The digest compares these keys to spot the same form demanded twice, so the key must be stable
across wording: an attachment's file stem when there is one, else a 《title》, else the noun
phrase around the report cue (a few preceding Chinese characters or English words).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.classifier.normalise import translation_table

_ATTACHMENT = re.compile(
    r"([^\s:：/\\<>\"'|*?，,。;；]{1,60})\.(?:xlsx|xlsm|xls|csv|docx|doc|et|wps|ods|odt|pdf)\b",
    re.IGNORECASE,
)
_TITLE = re.compile(r"《([^《》]{2,40})》")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Characters that end a Chinese noun phrase when walking left from the cue.
_ZH_STOPS = set(
    "的把将在于前后和及与或、请各本该此这那你我他们每个份张报送交填写发给至到从对向按让由等要需须并再"
)
_EN_SKIP = {
    "the", "a", "an", "your", "my", "our", "their", "his", "her", "its", "this", "that",
    "attached", "completed", "updated", "quick", "each", "every", "all", "me", "us", "in",
    "of", "on", "for", "to", "and", "with", "send", "submit", "fill", "out", "please",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z0-9'-]+")


@lru_cache(maxsize=1)
def _subject_table() -> dict[int, str]:
    # The matching table without digit folding: a subject keeps its numbers.
    return {code: char for code, char in translation_table().items() if not chr(code).isdigit()}


def _fold(text: str) -> str:
    return " ".join(text.translate(_subject_table()).split())


def report_subject(text: str, norm: str, spans: list[tuple[int, int]]) -> str | None:
    """Return the key for the form/data asked for in ``text``, or None if nothing names it.

    ``spans`` are the offsets of the report cues that fired (the same in ``text`` and ``norm``).
    """
    # Both searches need a literal character most texts lack: test for it first (the
    # attachment pattern otherwise tries up to 60 characters at every position).
    attachment = _ATTACHMENT.search(text) if "." in text else None
    if attachment:
        stem = re.sub(r"^(?:附件|attachment)\s*[:：]?\s*", "", attachment.group(1), flags=re.I)
        if stem.strip():
            return _fold(stem)
    title = _TITLE.search(text) if "《" in text else None
    if title:
        return _fold(title.group(1))
    # A verb cue ("报送") yields a short phrase, a noun cue the whole noun phrase ("困难群众台账"):
    # keep the longest, the later one on ties (objects tend to follow their verbs).
    best = ""
    for start, end in spans:
        phrase = _noun_phrase(text, start, end)
        if len(phrase) >= len(best):
            best = phrase
    return _fold(best) if best else None


def _noun_phrase(text: str, start: int, end: int) -> str:
    cue = text[start:end]
    if _CJK.search(cue):
        left = start
        while left > 0 and start - left < 10:
            char = text[left - 1]
            if not _CJK.match(char) or char in _ZH_STOPS:
                break
            left -= 1
        return text[left:end]
    words = _WORD.findall(text[max(0, start - 40) : start])
    kept: list[str] = []
    for word in reversed(words[-3:]):
        if word.lower() in _EN_SKIP:
            break
        kept.insert(0, word)
    return " ".join([*kept[-2:], cue])
