"""Value objects the burden classifier returns."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.fast_init import maker
from bot.core.labels import Label


@dataclass(frozen=True, slots=True)
class Hit:
    """Evidence for one label: which rule fired on which span of the original text."""

    label: Label
    rule: str
    match: str
    start: int
    end: int

    def __reduce__(self) -> tuple[type[Hit], tuple[Label, str, str, int, int]]:
        # Pickled as a constructor call: the slots dataclass's own state restore looks its
        # fields up and sets them one by one, some 4 µs a hit, and an audit's workers send
        # the parent the hits of every labelled message.
        return (Hit, (self.label, self.rule, self.match, self.start, self.end))


@dataclass(frozen=True, slots=True)
class Classification:
    """The labels of one message, with the evidence for each of them."""

    labels: frozenset[Label]
    exempt: bool
    hits: tuple[Hit, ...]
    exempt_rule: str | None
    acknowledgement: bool
    report_subject: str | None
    truncated: bool = False
    """Whether only the first :data:`~bot.core.classifier.engine.MAX_ANALYSED_CHARS`
    characters were analysed (the hits then all lie in that opening part)."""

    def __reduce__(
        self,
    ) -> tuple[
        type[Classification],
        tuple[frozenset[Label], bool, tuple[Hit, ...], str | None, bool, str | None, bool],
    ]:
        # A constructor call, as for ``Hit``.
        return (
            Classification,
            (
                self.labels,
                self.exempt,
                self.hits,
                self.exempt_rule,
                self.acknowledgement,
                self.report_subject,
                self.truncated,
            ),
        )


# Made for every hit and result of the classifier: the frozen dataclasses' own constructors set
# each field through ``object.__setattr__``; these give equal objects at C speed (fast_init).
new_hit = maker(Hit)
new_classification = maker(Classification)
