"""A rule set as the flat tables :func:`~bot.core.classifier.kernels.analyse` reads.

Categories are bit rows (see :class:`~bot.core.classifier.scanner.Scanner`); every distinct row a
rule, exemption or acknowledgement names is kept once in a pool, row 0 being the empty one (an
empty condition is no condition, as with the masks of :mod:`bot.core.classifier.masks`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.core.classifier import kernels
from bot.core.classifier.rules import Condition, RuleSet
from bot.core.labels import Label

_Ints = npt.NDArray[np.int64]
_Bits = npt.NDArray[np.uint64]
_ENGINE_SETS = (
    "skippable",
    "clause_breaks",
    "negators",
    "purpose",
    "first_person",
    "reply_lead",
    "speaker_reset",
    "quote_intro",
)
_SCOPES = {"clause": 0, "sentence": 1}


@dataclass(frozen=True, slots=True)
class RuleTables:
    """What the rules pass needs besides the texts and their tokens."""

    pool: _Bits
    engine_rows: _Bits
    rules: _Ints
    conjunctions: _Ints
    parts: _Ints
    implications: _Ints
    exemptions: _Ints
    acknowledgements: _Ints
    labels: tuple[Label, ...]
    """Label by bit number in the kernel's label masks."""
    hit_rules: tuple[tuple[Label, str], ...]
    """(label, id) of each hit code: the rules, then the implications."""
    exemption_ids: tuple[str, ...]

    def arrays(self) -> tuple[object, ...]:
        """The tables in the order :func:`~bot.core.classifier.kernels.analyse` takes them."""
        return (
            self.pool,
            self.engine_rows,
            self.rules,
            self.conjunctions,
            self.parts,
            self.implications,
            self.exemptions,
            self.acknowledgements,
        )


def build_tables(rules: RuleSet, row_of: Callable[[Iterable[str]], _Bits]) -> RuleTables:
    """The tables of ``rules``; ``row_of`` gives the bit row of a set of category names."""
    width = len(row_of(()))
    pool_rows: list[bytes] = [bytes(8 * width)]
    index_of = {pool_rows[0]: 0}

    def row(names: Iterable[str]) -> int:
        key = row_of(names).tobytes()
        found = index_of.get(key)
        if found is None:
            found = index_of[key] = len(pool_rows)
            pool_rows.append(key)
        return found

    conjunctions: list[tuple[int, int]] = []
    parts: list[int] = []

    def condition_list(conditions: tuple[Condition, ...]) -> tuple[int, int, int]:
        """(row of the single conditions, first conjunction, count) of an unless_* list."""
        singles: set[str] = set()
        first = len(conjunctions)
        for condition in conditions:
            if len(condition) == 1:
                singles |= condition[0]
            else:
                conjunctions.append((len(parts), len(condition)))
                parts.extend(row(part) for part in condition)
        return row(singles), first, len(conjunctions) - first

    labels = tuple(Label)
    bit = {label: index for index, label in enumerate(labels)}

    def label_mask(found: Iterable[Label]) -> int:
        mask = 0
        for label in found:
            mask |= 1 << bit[label]
        return mask

    table: list[list[int]] = []
    for rule in rules.rules:
        columns = [0] * kernels.RULE_COLUMNS
        columns[kernels.R_LABEL] = bit[rule.label]
        columns[kernels.R_REQUIRES] = label_mask(rule.requires_labels)
        columns[kernels.R_NEGATABLE] = int(rule.negatable)
        columns[kernels.R_SPEAKER] = int(rule.speaker_check)
        columns[kernels.R_TRIGGER] = row(rule.trigger)
        (
            columns[kernels.R_CLAUSE],
            columns[kernels.R_CLAUSE_ALL],
            columns[kernels.R_CLAUSE_ALLS],
        ) = condition_list(rule.unless_clause)
        (
            columns[kernels.R_SENTENCE],
            columns[kernels.R_SENTENCE_ALL],
            columns[kernels.R_SENTENCE_ALLS],
        ) = condition_list(rule.unless_sentence)
        (
            columns[kernels.R_MESSAGE],
            columns[kernels.R_MESSAGE_ALL],
            columns[kernels.R_MESSAGE_ALLS],
        ) = condition_list(rule.unless_message)
        columns[kernels.R_EXCEPT] = row(rule.except_)
        columns[kernels.R_ADJACENT] = int(
            bool(rule.unless_next or rule.unless_prev or rule.unless_earlier)
        )
        columns[kernels.R_NEXT] = row(rule.unless_next)
        columns[kernels.R_PREV] = row(rule.unless_prev)
        columns[kernels.R_EARLIER] = row(rule.unless_earlier)
        columns[kernels.R_CONTEXT] = row(rule.need_context)
        columns[kernels.R_NEED] = row(rule.need)
        columns[kernels.R_SCOPE] = _SCOPES.get(rule.need_scope, 2)
        columns[kernels.R_NEED_MESSAGE] = row(rule.need_message)
        columns[kernels.R_INITIAL] = int(rule.initial)
        columns[kernels.R_LATE] = int(bool(rule.requires_labels))
        table.append(columns)
    exemptions = [
        [row(exemption.trigger), *condition_list(exemption.unless_sentence)]
        for exemption in rules.exemptions
    ]
    acknowledgements = [
        [row(rule.starts_with), rule.max_chars, row(rule.unless)] for rule in rules.acknowledgements
    ]
    engine_rows = np.array(
        [row_of(rules.engine.get(name, ())) for name in _ENGINE_SETS], dtype=np.uint64
    ).reshape(len(_ENGINE_SETS), width)
    return RuleTables(
        pool=np.frombuffer(b"".join(pool_rows), dtype=np.uint64).reshape(len(pool_rows), width),
        engine_rows=engine_rows,
        rules=_table(table, kernels.RULE_COLUMNS),
        conjunctions=_table([list(pair) for pair in conjunctions], 2),
        parts=np.array(parts, dtype=np.int64),
        implications=_table(
            [[label_mask(item.if_any), bit[item.add]] for item in rules.implications], 2
        ),
        exemptions=_table(exemptions, 4),
        acknowledgements=_table(acknowledgements, 3),
        labels=labels,
        hit_rules=(
            *((rule.label, rule.id) for rule in rules.rules),
            *((item.add, item.id) for item in rules.implications),
        ),
        exemption_ids=tuple(exemption.id for exemption in rules.exemptions),
    )


def _table(rows: Sequence[Sequence[int]], columns: int) -> _Ints:
    return np.array(rows, dtype=np.int64).reshape(len(rows), columns)


class CharClasses:
    """The character classes of :mod:`~bot.core.classifier.kernels` by code point, filled in
    as new characters turn up (asking ``re`` itself, so the classes match the engine's regexes).
    """

    def __init__(
        self,
        sentence_marks: str,
        clause_marks: str,
        separators: Iterable[str],
        content: re.Pattern[str],
    ) -> None:
        """``sentence_marks`` and ``clause_marks``: the characters whose runs end a sentence
        or a clause; ``separators``: those that list items; ``content``: what counts as
        content before a token (the engine's own regex)."""
        self.table = np.zeros(0x110000, dtype=np.uint8)
        self._sentence = frozenset(sentence_marks)
        self._clause = frozenset(clause_marks)
        self._separators = frozenset(separators)
        self._content = content

    def cover(self, points: npt.NDArray[np.uint32]) -> None:
        """Make sure every code point of ``points`` has its classes."""
        missing = points[(self.table[points] & kernels.KNOWN) == 0]
        if not len(missing):
            return
        for point in np.unique(missing).tolist():
            char = chr(point)
            found = kernels.KNOWN
            if char in self._sentence:
                found |= kernels.SENTENCE_MARK
            if _SPACE.match(char):
                found |= kernels.SPACE
            if char in self._clause:
                found |= kernels.CLAUSE_MARK
            if self._content.match(char):
                found |= kernels.CONTENT
            if char in self._separators:
                found |= kernels.LIST_SEPARATOR
            self.table[point] = found


_SPACE = re.compile(r"\s")  # as the engine's sentence and clause regexes read \s
