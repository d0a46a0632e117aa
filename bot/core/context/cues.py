"""The cue lexicon of conversation context (``data/cues.toml``), compiled once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

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


class Searcher(Protocol):
    """What a cue offers: ``search`` as :meth:`re.Pattern.search` does (without positions)."""

    def search(self, text: str) -> re.Match[str] | None:
        """The leftmost match of the cue in ``text`` (the first alternative on ties)."""
        ...


@dataclass(frozen=True, slots=True)
class Alternatives:
    """The regex ``(?:a)|(?:b)|…`` searched one alternative at a time; the same match."""

    patterns: tuple[re.Pattern[str], ...]

    def search(self, text: str) -> re.Match[str] | None:
        """The match the joined regex finds: the leftmost, the first alternative on ties."""
        best: re.Match[str] | None = None
        for pattern in self.patterns:
            found = pattern.search(text)
            if found is not None and (best is None or found.start() < best.start()):
                best = found
        return best


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
    kind_nouns: tuple[tuple[Label, re.Pattern[str]], ...]
    kind_verbs: tuple[tuple[Label, re.Pattern[str]], ...]

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


def _join(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), _FLAGS)


def _cue(patterns: list[str]) -> Searcher:
    """One cue: its alternatives joined, or apart when there are many (same matches)."""
    joined = _join(patterns)
    if len(patterns) < _SPLIT_FROM or any(_REFERENCE.search(p) for p in patterns):
        return joined
    return Alternatives(tuple(re.compile(p, _FLAGS) for p in patterns))


@lru_cache(maxsize=1)
def shipped_cues() -> Cues:
    """The shipped cue lexicon."""
    data = tomllib.loads(_CUES.read_text(encoding="utf-8"))
    cue, kind = data["cue"], data["kind"]
    return Cues(
        chase=_cue(cue["chase"]),
        complete=_cue(cue["complete"]),
        address=_cue(cue["address"]),
        question=_cue(cue["question"]),
        entry=_cue(cue["entry"]),
        recurring=_cue(cue["recurring"]),
        sameday=_cue(cue["sameday"]),
        campaign=_cue(cue["campaign"]),
        cancel=_cue(cue["cancel"]),
        chain_data=_cue(cue["chain_data"]),
        immediacy=_cue(cue["immediacy"]),
        danger=_cue(cue["danger"]),
        past=_cue(cue["past"]),
        own_part=_cue(cue["own_part"]),
        chain_request=_cue(cue["chain_request"]),
        urgent=_cue(cue["urgent"]),
        remains=_cue(cue["remains"]),
        kind_nouns=tuple((label, _join(kind[label.value]["nouns"])) for label in _KINDS),
        kind_verbs=tuple((label, _join(kind[label.value]["verbs"])) for label in _KINDS),
    )
