"""Rule conditions as integer bit masks: one bit per lexicon category.

The fast engine ORs a token's category bits into its clause, sentence and message and tests a
rule's conditions with ``&`` instead of set operations; the reference engine keeps the sets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.classifier.rules import Condition, Rule
from bot.core.labels import Label


class CategoryBits:
    """One bit per category name, fixed when the rules are loaded."""

    def __init__(self, categories: Iterable[str]) -> None:
        """Number ``categories`` in sorted order."""
        self._bits = {name: 1 << index for index, name in enumerate(sorted(set(categories)))}

    def of(self, categories: Iterable[str]) -> int:
        """The mask of ``categories`` (names without a bit add nothing)."""
        mask = 0
        for name in categories:
            mask |= self._bits.get(name, 0)
        return mask

    def conditions(
        self, conditions: tuple[Condition, ...]
    ) -> tuple[int, tuple[tuple[int, ...], ...]]:
        """An unless_* list as (any-of mask of its single conditions, its conjunctions)."""
        single = 0
        conjunctions: list[tuple[int, ...]] = []
        for condition in conditions:
            if len(condition) == 1:
                single |= self.of(condition[0])
            else:
                conjunctions.append(tuple(self.of(part) for part in condition))
        return single, tuple(conjunctions)


def present(single: int, conjunctions: tuple[tuple[int, ...], ...], found: int) -> bool:
    """Whether an unless_* list (see :meth:`CategoryBits.conditions`) holds for ``found``."""
    if single & found:
        return True
    for parts in conjunctions:
        for part in parts:
            if not part & found:
                break
        else:
            return True
    return False


@dataclass(frozen=True, slots=True)
class RuleMasks:
    """One rule with its category conditions as masks."""

    rule: Rule
    label: Label
    requires_labels: frozenset[Label]
    negatable: bool
    speaker_check: bool
    clause_single: int
    clause_all: tuple[tuple[int, ...], ...]
    sentence_single: int
    sentence_all: tuple[tuple[int, ...], ...]
    message_single: int
    message_all: tuple[tuple[int, ...], ...]
    except_: int
    adjacent: bool
    unless_next: int
    unless_prev: int
    unless_earlier: int
    need_context: int
    need: int
    need_scope: str
    need_message: int
    initial: bool

    @classmethod
    def of(cls, rule: Rule, bits: CategoryBits) -> RuleMasks:
        """``rule``'s masks under ``bits``."""
        clause = bits.conditions(rule.unless_clause)
        sentence = bits.conditions(rule.unless_sentence)
        message = bits.conditions(rule.unless_message)
        return cls(
            rule=rule,
            label=rule.label,
            requires_labels=rule.requires_labels,
            negatable=rule.negatable,
            speaker_check=rule.speaker_check,
            clause_single=clause[0],
            clause_all=clause[1],
            sentence_single=sentence[0],
            sentence_all=sentence[1],
            message_single=message[0],
            message_all=message[1],
            except_=bits.of(rule.except_),
            adjacent=bool(rule.unless_next or rule.unless_prev or rule.unless_earlier),
            unless_next=bits.of(rule.unless_next),
            unless_prev=bits.of(rule.unless_prev),
            unless_earlier=bits.of(rule.unless_earlier),
            need_context=bits.of(rule.need_context),
            need=bits.of(rule.need),
            need_scope=rule.need_scope,
            need_message=bits.of(rule.need_message),
            initial=rule.initial,
        )
