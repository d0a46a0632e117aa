"""Literals a regular expression cannot match without, and one scan that finds them all.

A cue alternative such as ``(还|仲)有.{0,20}(没|未|冇)`` can only match a text that contains
``有``; a text without it need not be searched at all. :func:`required_literals` derives such
literals from the regex itself (its parse tree), so the prefilter follows the cue data, and
:class:`LiteralScan` finds every literal of every cue in one Aho-Corasick pass. Case-insensitive
cues fold text and literals with :func:`case_classes`, built from the regex engine's own
case-insensitive matching, so that a literal ``k`` is also found in ``K`` or the Kelvin sign.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import ahocorasick
import numpy as np

# The standard library's regex parser (``re._parser``; ``sre_parse`` before 3.11, deprecated
# since). Without it no literal is derived and every alternative is simply searched.
try:
    _PARSER: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - other Python versions
    _PARSER = None

Literals = frozenset[str]
"""Any-of: a match contains at least one of these strings."""

_UNICODE_STOP = 0x110000
_SURROGATES = (0xD800, 0xE000)


def _score(literals: Literals) -> tuple[int, int]:
    # Longer literals are rarer in text; fewer of them, fewer candidates.
    return (min(len(literal) for literal in literals), -len(literals))


def _of_sequence(items: Iterable[tuple[Any, Any]]) -> Literals | None:
    """Every item of a sequence must match: the best literal set of any one item will do."""
    best: Literals | None = None
    run: list[str] = []
    candidates: list[Literals] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        found = _of_item(name, av)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset({"".join(run)}))
    for literals in candidates:
        if best is None or _score(literals) > _score(best):
            best = literals
    return best


def _of_class(av: Any) -> Literals | None:
    # a class of plain characters only ([表照图]); a negated class or a range has none
    if all(str(op) == "LITERAL" for op, _ in av):
        return frozenset(chr(code) for _, code in av)
    return None


def _of_branch(av: Any) -> Literals | None:
    # every branch must name some; the match contains one of any branch's
    union: set[str] = set()
    for branch in av[1]:
        found = _of_sequence(branch)
        if not found:
            return None
        union |= found
    return frozenset(union)


def _of_item(name: str, av: Any) -> Literals | None:
    """The literals one parsed item cannot match without (None when it has none for sure)."""
    found: Literals | None = None
    if name == "IN":
        found = _of_class(av)
    elif name == "SUBPATTERN":
        found = _of_sequence(av[-1])
    elif name == "ATOMIC_GROUP":
        found = _of_sequence(av)
    elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
        found = _of_sequence(av[2])
    elif name == "BRANCH":
        found = _of_branch(av)
    # anchors, lookarounds, any character, categories, group references: no literal needed
    return found


def required_literals(pattern: str, flags: int) -> Literals | None:
    """Strings one of which every match of ``pattern`` contains (as written in the pattern,
    before any case folding), or None when none can be named (then always search)."""
    if _PARSER is None:
        return None
    try:
        parsed = _PARSER.parse(pattern, flags)
        return _of_sequence(list(parsed))
    except Exception:  # an unknown parser shape only costs the prefilter
        return None


def _every_character() -> str:
    """Every code point but the surrogates, as one string (built at C speed)."""
    codes = np.arange(_UNICODE_STOP, dtype="<u4")
    codes = codes[(codes < _SURROGATES[0]) | (codes >= _SURROGATES[1])]
    return codes.tobytes().decode("utf-32-le")


def _representative(char: str, literal_characters: frozenset[str]) -> tuple[bool, bool, str]:
    # a lower-case literal character stands for its class, so lower-case text needs no folding
    return (char not in literal_characters, char != char.lower(), char)


@lru_cache(maxsize=8)
def case_classes(characters: frozenset[str]) -> dict[int, str]:
    """A ``str.translate`` table under which a text character and a literal character of
    ``characters`` that a case-insensitive regex matches (``k``, ``K``, ``K``; ``s``, ``ſ``)
    become the same character. Characters outside any class are left alone."""
    if not characters:
        return {}
    klass = "[" + "".join(re.escape(char) for char in sorted(characters)) + "]"
    cased = "".join(sorted(set(re.findall(klass, _every_character(), re.IGNORECASE))))
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for literal in sorted(characters):
        for char in re.findall(re.escape(literal), cased, re.IGNORECASE):
            low, high = sorted((root(literal), root(char)))
            parent[high] = low
    classes: dict[str, list[str]] = {}
    for char in cased:
        classes.setdefault(root(char), []).append(char)
    table: dict[int, str] = {}
    for members in classes.values():
        chosen = min(members, key=lambda char: _representative(char, characters))
        table.update({ord(char): chosen for char in members if char != chosen})
    return table


class LiteralScan:
    """One Aho-Corasick pass over a text: which of the registered literals it contains."""

    def __init__(self, literals: Iterable[str], table: dict[int, str]) -> None:
        """``table`` folds text and literals alike (see :func:`case_classes`)."""
        self._table = table
        # Most texts hold no character to fold (already lower case): skip the translation.
        self._to_fold = (
            re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(table)) + "]")
            if table
            else None
        )
        self.bits: dict[str, int] = {}
        automaton = ahocorasick.Automaton()
        for literal in sorted(set(literals)):
            folded = literal.translate(table)
            bit = self.bits.setdefault(folded, 1 << len(self.bits))
            automaton.add_word(folded, bit)
            self.bits[literal] = bit
        if len(automaton):
            automaton.make_automaton()
        self._automaton = automaton

    def mask(self, literals: Iterable[str]) -> int:
        """The bits of ``literals`` (each registered before)."""
        found = 0
        for literal in literals:
            found |= self.bits[literal]
        return found

    def seen(self, text: str) -> int:
        """The bits of every registered literal ``text`` contains."""
        found = 0
        if self._automaton.kind != ahocorasick.AHOCORASICK:
            return found
        if self._to_fold is not None and self._to_fold.search(text):
            text = text.translate(self._table)
        for _end, bit in self._automaton.iter(text):
            found |= bit
        return found
