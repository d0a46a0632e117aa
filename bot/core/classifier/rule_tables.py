"""A rule set as the flat tables :func:`~bot.core.classifier.kernels.rules.analyse` reads.

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

from bot.core.classifier.kernels import rules as rule_kernel
from bot.core.classifier.rules import Condition, Rule, RuleSet
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
        """The tables in the order ``kernels.rules.analyse`` takes them."""
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


class _Pool:
    """Distinct category rows (row 0 the empty one) and the conjunctions of unless_* lists."""

    def __init__(self, row_of: Callable[[Iterable[str]], _Bits]) -> None:
        self._row_of = row_of
        self.width = len(row_of(()))
        self.rows: list[bytes] = [bytes(8 * self.width)]
        self._index = {self.rows[0]: 0}
        self.conjunctions: list[tuple[int, int]] = []
        self.parts: list[int] = []

    def row(self, names: Iterable[str]) -> int:
        """The index of the row of ``names``."""
        key = self._row_of(names).tobytes()
        found = self._index.get(key)
        if found is None:
            found = self._index[key] = len(self.rows)
            self.rows.append(key)
        return found

    def conditions(self, conditions: tuple[Condition, ...]) -> tuple[int, int, int]:
        """(row of the single conditions, first conjunction, count) of an unless_* list."""
        singles: set[str] = set()
        first = len(self.conjunctions)
        for condition in conditions:
            if len(condition) == 1:
                singles |= condition[0]
            else:
                self.conjunctions.append((len(self.parts), len(condition)))
                self.parts.extend(self.row(part) for part in condition)
        return self.row(singles), first, len(self.conjunctions) - first

    def array(self) -> _Bits:
        """The rows as one array."""
        return np.frombuffer(b"".join(self.rows), dtype=np.uint64).reshape(
            len(self.rows), self.width
        )


_LABELS = tuple(Label)
_LABEL_BIT = {label: index for index, label in enumerate(_LABELS)}


def _label_mask(labels: Iterable[Label]) -> int:
    mask = 0
    for label in labels:
        mask |= 1 << _LABEL_BIT[label]
    return mask


def _rule_columns(rule: Rule, pool: _Pool) -> list[int]:
    """One row of the rule table (columns ``R_*`` of ``kernels.rules``)."""
    kernel = rule_kernel
    columns = [0] * kernel.RULE_COLUMNS
    columns[kernel.R_LABEL] = _LABEL_BIT[rule.label]
    columns[kernel.R_REQUIRES] = _label_mask(rule.requires_labels)
    columns[kernel.R_NEGATABLE] = int(rule.negatable)
    columns[kernel.R_SPEAKER] = int(rule.speaker_check)
    columns[kernel.R_TRIGGER] = pool.row(rule.trigger)
    for first, conditions in (
        (kernel.R_CLAUSE, rule.unless_clause),
        (kernel.R_SENTENCE, rule.unless_sentence),
        (kernel.R_MESSAGE, rule.unless_message),
    ):
        columns[first : first + 3] = pool.conditions(conditions)
    columns[kernel.R_EXCEPT] = pool.row(rule.except_)
    columns[kernel.R_ADJACENT] = int(
        bool(rule.unless_next or rule.unless_prev or rule.unless_earlier)
    )
    columns[kernel.R_NEXT] = pool.row(rule.unless_next)
    columns[kernel.R_PREV] = pool.row(rule.unless_prev)
    columns[kernel.R_EARLIER] = pool.row(rule.unless_earlier)
    columns[kernel.R_CONTEXT] = pool.row(rule.need_context)
    columns[kernel.R_NEED] = pool.row(rule.need)
    columns[kernel.R_SCOPE] = _SCOPES.get(rule.need_scope, 2)
    columns[kernel.R_NEED_MESSAGE] = pool.row(rule.need_message)
    columns[kernel.R_INITIAL] = int(rule.initial)
    columns[kernel.R_LATE] = int(bool(rule.requires_labels))
    return columns


def build_tables(rules: RuleSet, row_of: Callable[[Iterable[str]], _Bits]) -> RuleTables:
    """The tables of ``rules``; ``row_of`` gives the bit row of a set of category names."""
    pool = _Pool(row_of)
    table = [_rule_columns(rule, pool) for rule in rules.rules]
    exemptions = [
        [pool.row(exemption.trigger), *pool.conditions(exemption.unless_sentence)]
        for exemption in rules.exemptions
    ]
    acknowledgements = [
        [pool.row(rule.starts_with), rule.max_chars, pool.row(rule.unless)]
        for rule in rules.acknowledgements
    ]
    engine_rows = np.array(
        [row_of(rules.engine.get(name, ())) for name in _ENGINE_SETS], dtype=np.uint64
    ).reshape(len(_ENGINE_SETS), pool.width)
    return RuleTables(
        pool=pool.array(),
        engine_rows=engine_rows,
        rules=_table(table, rule_kernel.RULE_COLUMNS),
        conjunctions=_table([list(pair) for pair in pool.conjunctions], 2),
        parts=np.array(pool.parts, dtype=np.int64),
        implications=_table(
            [[_label_mask(item.if_any), _LABEL_BIT[item.add]] for item in rules.implications], 2
        ),
        exemptions=_table(exemptions, 4),
        acknowledgements=_table(acknowledgements, 3),
        labels=_LABELS,
        hit_rules=(
            *((rule.label, rule.id) for rule in rules.rules),
            *((item.add, item.id) for item in rules.implications),
        ),
        exemption_ids=tuple(exemption.id for exemption in rules.exemptions),
    )


def _table(rows: Sequence[Sequence[int]], columns: int) -> _Ints:
    return np.array(rows, dtype=np.int64).reshape(len(rows), columns)


class CharClasses:
    """The character classes of :mod:`~bot.core.classifier.kernels.rules` by code point, filled in
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
        missing = points[(self.table[points] & rule_kernel.KNOWN) == 0]
        if not len(missing):
            return
        for point in np.unique(missing).tolist():
            char = chr(point)
            found = rule_kernel.KNOWN
            if char in self._sentence:
                found |= rule_kernel.SENTENCE_MARK
            if _SPACE.match(char):
                found |= rule_kernel.SPACE
            if char in self._clause:
                found |= rule_kernel.CLAUSE_MARK
            if self._content.match(char):
                found |= rule_kernel.CONTENT
            if char in self._separators:
                found |= rule_kernel.LIST_SEPARATOR
            self.table[point] = found


_SPACE = re.compile(r"\s")  # as the engine's sentence and clause regexes read \s
