"""The cue lexicon of conversation context (``data/cues.toml``), compiled once.

Each message's cues are read through a :class:`CueText`: one Aho-Corasick pass finds every
literal the cues' alternatives cannot match without (derived from the regexes at load time, see
:mod:`bot.core.classifier.literals`), and a cue's regexes then run only when one of their literals
is there, at most once per message. The matches are those of the plain joined regex.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol

from bot.core.classifier.literals import LiteralScan, case_classes, required_literals
from bot.core.labels import Label

_CUES = Path(__file__).parent / "data" / "cues.toml"
_KINDS = (Label.PROOF_DEMAND, Label.REPORT_DEMAND, Label.APP_DEMAND, Label.ACK_DEMAND)


_FLAGS = re.IGNORECASE | re.MULTILINE
# From this many alternatives a cue is searched one alternative at a time: one regex of a
# hundred alternatives tries each of them at every position of the text, while each
# alternative alone skips ahead to its own first literal (about half the time in all).
_SPLIT_FROM = 16
# A group reference would point elsewhere once the alternatives are compiled apart.
_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")

# The ranking alternative (``chase`` and ``measure``: three units or more with a figure each)
# tries twenty unit lengths at every position of a text, about 50 µs a message, while no
# literal tells it apart: any comma lets it through. Each of its repeated units ends in a
# figure, maybe a unit word, and a separator, so a match holds, in order, two runs of
# "digit, then only digits, dots, spaces, %, / or unit words, then a separator" and a digit
# after them. Each run found from where the last one ended stops at its first separator, so it
# ends no later than the match's own run does: the runs are found in order whenever the
# ranking matches, and a text without them is not searched.
_RANKING = (
    r"([^\d,，、;；:：\n]{1,20}?\s*[:：]?\s*\d+(\.\d+)?\s*(%|/\d+|人|户|份|个|次|条|笔|分)?"
    r"\s*[,，、;；]\s*){2,}[^\d,，、;；:：\n]{1,20}?\s*[:：]?\s*\d"
)
_FIGURE_THEN_SEPARATOR = r"\d[\d.\s%/人户份个次条笔分]*[,，、;；]"
_GUARDS: dict[str, tuple[str, ...]] = {
    _RANKING: (_FIGURE_THEN_SEPARATOR, _FIGURE_THEN_SEPARATOR, r"\d"),
}
"""Costly alternatives (by their exact source) and what a text holds, in order, whenever they
match: cheap regexes each searched from where the one before ended."""

CueName = Literal[
    "chase",
    "complete",
    "address",
    "question",
    "entry",
    "recurring",
    "sameday",
    "campaign",
    "cancel",
    "chain_data",
    "immediacy",
    "danger",
    "past",
    "own_part",
    "chain_request",
    "urgent",
    "remains",
    "measure",
    "thanks",
    "directive",
    "deadline",
    "later_day",
    "chatty",
    "routine",
    "stand_down",
    "concern",
]
_CUE_NAMES: tuple[CueName, ...] = CueName.__args__  # type: ignore[attr-defined]


class Searcher(Protocol):
    """What a cue offers: ``search`` as :meth:`re.Pattern.search` does (without positions)."""

    def search(self, text: str) -> re.Match[str] | None:
        """The leftmost match of the cue in ``text`` (the first alternative on ties)."""
        ...


@dataclass(frozen=True, slots=True)
class Alternatives:
    """The regex ``(?:a)|(?:b)|…`` searched one alternative at a time; the same match."""

    patterns: tuple[Searcher, ...]

    def search(self, text: str) -> re.Match[str] | None:
        """The match the joined regex finds: the leftmost, the first alternative on ties."""
        best: re.Match[str] | None = None
        for pattern in self.patterns:
            found = pattern.search(text)
            if found is not None and (best is None or found.start() < best.start()):
                best = found
        return best


@dataclass(frozen=True, slots=True)
class Guarded:
    """An alternative searched only in texts that hold its ``steps`` in order (each found
    from where the one before ended): a necessary condition, so the same match."""

    pattern: re.Pattern[str]
    steps: tuple[re.Pattern[str], ...]

    def search(self, text: str) -> re.Match[str] | None:
        """``pattern.search(text)``, or None at once when a step is missing."""
        at = 0
        for step in self.steps:
            found = step.search(text, at)
            if found is None:
                return None
            at = found.end()
        return self.pattern.search(text)


# Sets of literal bits whose alternatives a split cue keeps at hand: a few hundred occur in
# practice; hostile texts could make more, so the memo is bounded.
_MAX_CHOSEN = 4096


@dataclass(frozen=True, slots=True)
class _Filtered:
    """One cue's alternatives with the literals each cannot match without."""

    searcher: Searcher
    patterns: tuple[Searcher, ...]
    """The alternatives compiled apart (a split cue), else empty."""
    mask: int
    """Every literal bit some alternative needs."""
    by_bit: dict[int, tuple[int, ...]]
    """The alternatives (indices) each literal bit lets through."""
    always: tuple[int, ...]
    """The alternatives that need no literal: searched whatever was seen."""
    chosen: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """The alternatives to search, in order, per set of literal bits already met (bounded)."""

    def _chosen(self, hit: int) -> tuple[int, ...]:
        chosen = self.chosen.get(hit)
        if chosen is None:
            indices = set(self.always)
            by_bit = self.by_bit
            rest = hit
            while rest:
                low = rest & -rest
                indices.update(by_bit[low])
                rest ^= low
            if len(self.chosen) >= _MAX_CHOSEN:
                self.chosen.clear()
            # in the alternatives' order: on equal starts the first alternative wins
            chosen = self.chosen[hit] = tuple(sorted(indices))
        return chosen

    def search(self, text: str, seen: int) -> re.Match[str] | None:
        """The match of the joined regex, trying only alternatives whose literals were seen."""
        hit = seen & self.mask
        if not hit and not self.always:
            return None
        if not self.patterns:
            return self.searcher.search(text)
        best: re.Match[str] | None = None
        patterns = self.patterns
        for index in self._chosen(hit):
            found = patterns[index].search(text)
            if found is not None and (best is None or found.start() < best.start()):
                best = found
        return best


_KindFilter = tuple[Label, "_Filtered | None", re.Pattern[str]]


@dataclass(frozen=True, slots=True)
class Cues:
    """One regular expression per cue; ``kinds`` per demand kind a chase can name."""

    chase: Searcher
    complete: Searcher
    address: Searcher
    question: Searcher
    entry: Searcher
    recurring: Searcher
    sameday: Searcher
    campaign: Searcher
    cancel: Searcher
    chain_data: Searcher
    immediacy: Searcher
    danger: Searcher
    past: Searcher
    own_part: Searcher
    chain_request: Searcher
    urgent: Searcher
    remains: Searcher
    measure: Searcher
    thanks: Searcher
    directive: Searcher
    deadline: Searcher
    later_day: Searcher
    chatty: Searcher
    routine: Searcher
    stand_down: Searcher
    concern: Searcher
    kind_nouns: tuple[tuple[Label, re.Pattern[str]], ...]
    kind_verbs: tuple[tuple[Label, re.Pattern[str]], ...]
    _scan: LiteralScan | None = field(default=None, compare=False, repr=False)
    _filtered: dict[str, _Filtered] = field(default_factory=dict, compare=False, repr=False)
    _kind_filters: dict[str, tuple[_KindFilter, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Per table ("nouns", "verbs"): each kind with its prefilter (None: searched plainly)."""

    def named_nouns(self, text: str) -> frozenset[Label]:
        """The demand kinds ``text`` names by a noun ("照片", "forms")."""
        return frozenset(label for label, pattern in self.kind_nouns if pattern.search(text))

    def named_verbs(self, text: str) -> frozenset[Label]:
        """The demand kinds ``text`` names by a verb ("没报", "没回")."""
        return frozenset(label for label, pattern in self.kind_verbs if pattern.search(text))

    def named_kinds(self, text: str) -> frozenset[Label]:
        """The demand kinds ``text`` names ("还有4个村的照片没交" names proof_demand): by its
        nouns, else by its verbs."""
        nouns = frozenset(label for label, pattern in self.kind_nouns if pattern.search(text))
        if nouns:
            return nouns
        return frozenset(label for label, pattern in self.kind_verbs if pattern.search(text))

    def read(self, text: str) -> CueText:
        """``text`` ready for its cues: each searched at most once, only where it can match."""
        return CueText(self, text)


_NOT_SEARCHED = object()
# The prefilter's key of each kind's nouns and verbs ("nouns:proof_demand"), made once.
_KIND_KEYS = {
    (key, label): f"{key}:{label.value}" for key in ("nouns", "verbs") for label in _KINDS
}


class CueText:
    """One message's text and its cues, each searched once and only when needed."""

    __slots__ = ("_cues", "_found", "_seen", "text")

    def __init__(self, cues: Cues, text: str) -> None:
        """``text`` is scanned for the cues' literals when a first cue is asked for."""
        self.text = text
        self._cues = cues
        self._seen: int | None = None
        self._found: dict[str, object] = {}

    @property
    def cues(self) -> Cues:
        """The cue lexicon this text is read with."""
        return self._cues

    def _literals_seen(self) -> int:
        seen = self._seen
        if seen is None:
            scan = self._cues._scan
            seen = self._seen = scan.seen(self.text) if scan is not None else 0
        return seen

    def search(self, name: CueName) -> re.Match[str] | None:
        """The match of cue ``name`` in the text, as ``getattr(cues, name).search(text)``."""
        found = self._found.get(name, _NOT_SEARCHED)
        if found is _NOT_SEARCHED:
            filtered = self._cues._filtered.get(name)
            if filtered is None:
                found = getattr(self._cues, name).search(self.text)
            else:
                seen = self._seen
                if seen is None:
                    seen = self._literals_seen()
                # a message asks for several cues, most of them not there: none of their
                # literals seen, no call
                if seen & filtered.mask or filtered.always:
                    found = filtered.search(self.text, seen)
                else:
                    found = None
            self._found[name] = found
        return found  # type: ignore[return-value]

    def has(self, name: CueName) -> bool:
        """Whether cue ``name`` matches the text."""
        return self.search(name) is not None

    def _kinds(self, key: str) -> frozenset[Label]:
        found = self._found.get(key, _NOT_SEARCHED)
        if found is _NOT_SEARCHED:
            text = self.text
            seen = self._literals_seen()
            named: list[Label] = []
            for label, filtered, pattern in self._cues._kind_filters[key]:
                if filtered is None:
                    # a label without a prefilter: searched plainly, the same match
                    match = pattern.search(text)
                elif seen & filtered.mask or filtered.always:
                    match = filtered.search(text, seen)
                else:
                    # none of its literals is there (most kinds, most messages): no call
                    continue
                if match is not None:
                    named.append(label)
            found = self._found[key] = frozenset(named)
        return found  # type: ignore[return-value]

    def named_nouns(self) -> frozenset[Label]:
        """:meth:`Cues.named_nouns` of the text."""
        return self._kinds("nouns")

    def named_verbs(self) -> frozenset[Label]:
        """:meth:`Cues.named_verbs` of the text."""
        return self._kinds("verbs")

    def named_kinds(self) -> frozenset[Label]:
        """:meth:`Cues.named_kinds` of the text."""
        return self.named_nouns() or self.named_verbs()


def _join(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), _FLAGS)


def _split(patterns: list[str]) -> bool:
    many = len(patterns) >= _SPLIT_FROM or any(p in _GUARDS for p in patterns)
    return many and not any(_REFERENCE.search(p) for p in patterns)


def _alternative(pattern: str) -> Searcher:
    """One alternative compiled apart, behind its guard when it has one."""
    compiled = re.compile(pattern, _FLAGS)
    steps = _GUARDS.get(pattern)
    if steps is None:
        return compiled
    return Guarded(compiled, tuple(re.compile(step, _FLAGS) for step in steps))


def _cue(patterns: list[str]) -> Searcher:
    """One cue: its alternatives joined, or apart when there are many or one is guarded (same
    matches)."""
    if not _split(patterns):
        return _join(patterns)
    return Alternatives(tuple(_alternative(p) for p in patterns))


def _filtered(searcher: Searcher, patterns: list[str], needs: list[int]) -> _Filtered:
    by_bit: dict[int, list[int]] = {}
    for index, need in enumerate(needs):
        rest = need
        while rest:
            low = rest & -rest
            by_bit.setdefault(low, []).append(index)
            rest ^= low
    mask = 0
    for need in needs:
        mask |= need
    return _Filtered(
        searcher,
        tuple(_alternative(p) for p in patterns) if _split(patterns) else (),
        mask,
        {bit: tuple(indices) for bit, indices in by_bit.items()},
        tuple(index for index, need in enumerate(needs) if not need),
    )


def _prefilters(
    cues: dict[str, tuple[Searcher, list[str]]],
) -> tuple[LiteralScan, dict[str, _Filtered]] | None:
    """Every cue's alternatives with the literals they need, and one scan for all of them."""
    needed = {
        name: [required_literals(pattern, _FLAGS) for pattern in patterns]
        for name, (_searcher, patterns) in cues.items()
    }
    literals = {literal for lists in needed.values() for found in lists for literal in found or ()}
    if not literals:
        return None
    scan = LiteralScan(literals, case_classes(frozenset("".join(literals))))
    filtered = {
        name: _filtered(searcher, patterns, [scan.mask(found or ()) for found in needed[name]])
        for name, (searcher, patterns) in cues.items()
    }
    return scan, filtered


@lru_cache(maxsize=1)
def shipped_cues() -> Cues:
    """The shipped cue lexicon."""
    return cues_from(tomllib.loads(_CUES.read_text(encoding="utf-8")))


def cues_from(data: dict[str, dict[str, object]]) -> Cues:
    """The cue lexicon of a parsed ``cues.toml``."""
    cue: dict[str, list[str]] = data["cue"]  # type: ignore[assignment]
    kind: dict[str, dict[str, list[str]]] = data["kind"]  # type: ignore[assignment]
    searchers = {name: _cue(cue[name]) for name in _CUE_NAMES}
    kind_nouns = tuple((label, _join(kind[label.value]["nouns"])) for label in _KINDS)
    kind_verbs = tuple((label, _join(kind[label.value]["verbs"])) for label in _KINDS)
    sources: dict[str, tuple[Searcher, list[str]]] = {
        name: (searchers[name], cue[name]) for name in _CUE_NAMES
    }
    for key, table in (("nouns", kind_nouns), ("verbs", kind_verbs)):
        for label, pattern in table:
            sources[f"{key}:{label.value}"] = (pattern, kind[label.value][key])
    prefilters = _prefilters(sources)
    scan, filtered = prefilters if prefilters is not None else (None, {})
    kind_filters = {
        key: tuple(
            (label, filtered.get(_KIND_KEYS[key, label]), pattern) for label, pattern in table
        )
        for key, table in (("nouns", kind_nouns), ("verbs", kind_verbs))
    }
    return Cues(
        **searchers,
        kind_nouns=kind_nouns,
        kind_verbs=kind_verbs,
        _scan=scan,
        _filtered=filtered,
        _kind_filters=kind_filters,
    )
