"""The cue lexicon of conversation context (``data/cues.toml``), compiled once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.core.labels import Label

_CUES = Path(__file__).parent / "data" / "cues.toml"
_KINDS = (Label.PROOF_DEMAND, Label.REPORT_DEMAND, Label.APP_DEMAND, Label.ACK_DEMAND)


@dataclass(frozen=True, slots=True)
class Cues:
    """One regular expression per cue; ``kinds`` per demand kind a chase can name."""

    chase: re.Pattern[str]
    complete: re.Pattern[str]
    address: re.Pattern[str]
    question: re.Pattern[str]
    entry: re.Pattern[str]
    recurring: re.Pattern[str]
    sameday: re.Pattern[str]
    campaign: re.Pattern[str]
    cancel: re.Pattern[str]
    chain_data: re.Pattern[str]
    immediacy: re.Pattern[str]
    danger: re.Pattern[str]
    past: re.Pattern[str]
    own_part: re.Pattern[str]
    chain_request: re.Pattern[str]
    urgent: re.Pattern[str]
    remains: re.Pattern[str]
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
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | re.MULTILINE)


@lru_cache(maxsize=1)
def shipped_cues() -> Cues:
    """The shipped cue lexicon."""
    data = tomllib.loads(_CUES.read_text(encoding="utf-8"))
    cue, kind = data["cue"], data["kind"]
    return Cues(
        chase=_join(cue["chase"]),
        complete=_join(cue["complete"]),
        address=_join(cue["address"]),
        question=_join(cue["question"]),
        entry=_join(cue["entry"]),
        recurring=_join(cue["recurring"]),
        sameday=_join(cue["sameday"]),
        campaign=_join(cue["campaign"]),
        cancel=_join(cue["cancel"]),
        chain_data=_join(cue["chain_data"]),
        immediacy=_join(cue["immediacy"]),
        danger=_join(cue["danger"]),
        past=_join(cue["past"]),
        own_part=_join(cue["own_part"]),
        chain_request=_join(cue["chain_request"]),
        urgent=_join(cue["urgent"]),
        remains=_join(cue["remains"]),
        kind_nouns=tuple((label, _join(kind[label.value]["nouns"])) for label in _KINDS),
        kind_verbs=tuple((label, _join(kind[label.value]["verbs"])) for label in _KINDS),
    )
