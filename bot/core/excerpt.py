"""Short, redacted evidence excerpts: enough for a leader to see why a message counted."""

from __future__ import annotations

import re

MAX_EXCERPT = 140
_CONTEXT_BEFORE = 40

_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Contact details and identity numbers never belong in a digest, whoever posted them.
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"https?://\S+|www\.\S+"), "[link]"),
    (re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"), "[id]"),
    (re.compile(r"(?<!\d)(?:\+?\d[\d -]{8,}\d)(?!\d)"), "[number]"),
    # Mentions name the person being chased; the digest is about the pattern, not the person.
    (re.compile(r"@(?!所有人|all\b|everyone\b)[^\s@，,。:：]{1,32}", re.IGNORECASE), "@…"),
)
_SPACE = re.compile(r"\s+")
_MAY_MASK = re.compile(r"@|https?://|www\.|\d[\d -]{8,}\d")
"""What every redaction needs to match (an "@", a link's start, ten digits or more), in one
scan: most texts hold none of it and are left as they are, without the five passes."""


def redact(text: str) -> str:
    """Return ``text`` with e-mails, links, ID and phone numbers and @mentions masked."""
    return _SPACE.sub(" ", _mask(text)).strip()


def _mask(text: str) -> str:
    if _MAY_MASK.search(text) is None:
        return text
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def make_excerpt(text: str, focus: int = 0) -> str:
    """Return a redacted excerpt of at most ``MAX_EXCERPT`` characters around offset ``focus``.

    The excerpt starts a little before ``focus`` so the matched phrase is visible with its context;
    an ellipsis marks text cut on either side.
    """
    # Mask the whole text before cutting, so a window never starts inside a phone number.
    before = _SPACE.sub(" ", _mask(text[:focus])).lstrip()
    after = _SPACE.sub(" ", _mask(text[focus:])).rstrip()
    start = max(0, len(before) - _CONTEXT_BEFORE)
    prefix = "…" if start > 0 else ""
    clean = (before[start:] + after).strip()
    budget = MAX_EXCERPT - len(prefix)
    if len(clean) > budget:
        clean = clean[: budget - 1].rstrip() + "…"
    return prefix + clean
