"""The learned step of the burden classifier: a small linear model that second-guesses the rules.

After the rules have labelled a message, one score (log-odds) per label is computed from:

* character 1- to 4-grams of the folded text (the text the rules see, whitespace runs collapsed,
  leading and trailing emoji and @names dropped, with start and end markers), so wording the
  lexicon lacks still counts;
* English word unigrams and bigrams of the folded text;
* signals from the rule engine (:meth:`bot.core.classifier.engine.Engine.rule_signals`): the
  lexicon categories present, negated or spoken in the first person, and the labels the rules gave.

Training (:mod:`bot.core.classifier.training`) fits a text model on the first kinds of features and
then blends its six scores with the rules' six verdicts, per label, on messages the rules were
never tuned on, so the blend knows how far to trust the rules on new text. The blend is linear,
so it is folded into one weight table per feature: inference is a sum of weights.

Every label then follows one of two thresholds: a label the rules gave is kept unless its score
falls below ``keep``; a label the rules did not give is added when its score reaches ``add``.
A label given by a rule the model was not trained alongside (a deployment's own rule file) is
always kept. The engine re-applies its implications afterwards (a proof, report or app demand
is also a task push) and never lets the model label a message the rules recognised as a
member's acknowledgement; a message left without labels has no hits and is not exempt.

Explanations. A label the rules gave keeps the rules' hits. A label the model adds gets one
:class:`~bot.core.classifier.model.Hit` with the rule id ``model.<label>``
(``model.report_demand``) whose ``match`` is the span of the original text that contributes
most to the label's score: every n-gram's and word's weight is shared out over its characters,
and the window of two to eight characters with the largest total (less a cost per character,
so weak edges drop out) is quoted, widened to whole words in Latin script.
Because folding keeps every character in place, the span's offsets are offsets into the
original text. When no n-gram contributes positively (the score comes from the rules'
signals alone), the span of the first rule hit is used, else the whole stripped text.

Scores are exact fixed-point sums (:mod:`bot.core.classifier.lanes`), so they never depend on the
hash seed; the n-grams of a message are summed by one numpy pass
(:mod:`bot.core.classifier.gram_index`). The weights (``data/learned.json``) are read once per
process.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from bot.core.classifier.gram_index import GramIndex
from bot.core.classifier.lanes import MAX_WEIGHT, SCALE, pack, to_fixed, unpack
from bot.core.classifier.model import Hit, new_hit
from bot.core.labels import ALL_LABELS, Label

WEIGHTS_FILE = Path(__file__).parent / "data" / "learned.json"
"""The shipped weights (written by :mod:`bot.core.classifier.training`)."""

FORMAT_VERSION = 1
MAX_GRAM = 4
EVIDENCE_SPAN = 8
"""The longest span, in characters, a model hit quotes as its evidence (before widening to
whole Latin words)."""
EVIDENCE_COST = 0.3
NUMPY_FROM = 20
"""From this many characters (markers included) the n-grams are summed by the numpy index;
below it a few dozen dict probes are cheaper than the fixed cost of the numpy calls."""
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz'")
_START, _END = "\x02", "\x03"
_WORD = re.compile(r"[a-z][a-z']*")
_SPACES = re.compile(r"\s+")


class LearnedModelError(ValueError):
    """The weights file cannot be used; the message says what is wrong and how to fix it."""


def _noise(char: str) -> bool:
    code = ord(char)
    return (
        char.isspace()
        or 0x2190 <= code <= 0x2BFF  # arrows, symbols, dingbats
        or 0x1F000 <= code <= 0x1FAFF  # emoji
        or char in "\ufe0e\ufe0f\u200d"  # emoji presentation and joiners
    )


def _core(norm: str) -> tuple[int, int]:
    """Bounds of ``norm`` without leading and trailing whitespace, emoji and masked @names.

    What a message opens or closes with in that way (a greeting emoji, an @name) does not
    change what it asks, so it must not move the n-gram scores either.
    """
    begin, end = 0, len(norm)
    while begin < end:
        if _noise(norm[begin]):
            begin += 1
        elif norm[begin] == "@" and begin + 1 < end and norm[begin + 1] == "_":
            begin += 1
            while begin < end and norm[begin] == "_":
                begin += 1
        else:
            break
    while end > begin:
        if _noise(norm[end - 1]):
            end -= 1
            continue
        cursor = end
        while cursor > begin and norm[cursor - 1] == "_":
            cursor -= 1
        if cursor < end and cursor > begin and norm[cursor - 1] == "@":
            end = cursor - 1
        else:
            break
    return begin, end


def compact(norm: str) -> tuple[str, list[int]]:
    """Return the core of ``norm`` (see :func:`_core`) with whitespace runs collapsed, framed
    by markers, plus, for every character of the result, its offset in ``norm`` (the
    markers map to the core's bounds)."""
    begin, end = _core(norm)
    chars = [_START]
    offsets = [begin]
    previous_space = False
    for index in range(begin, end):
        char = norm[index]
        space = char.isspace()
        if space and previous_space:
            continue
        previous_space = space
        chars.append(" " if space else char)
        offsets.append(index)
    chars.append(_END)
    offsets.append(end)
    return "".join(chars), offsets


def frame(norm: str) -> str:
    """The text of :func:`compact` without the offsets (the fast path; same result)."""
    begin, end = _core(norm)
    return _START + _SPACES.sub(" ", norm[begin:end]) + _END


def gram_set(framed: str) -> set[str]:
    """The distinct character 1- to 4-grams of ``framed`` (built by C-level loops)."""
    bigrams = list(map(operator.add, framed, framed[1:]))
    trigrams = list(map(operator.add, bigrams, framed[2:]))
    grams = set(framed)
    grams.update(bigrams, trigrams, map(operator.add, trigrams, framed[3:]))
    return grams


def char_grams(framed: str) -> Iterator[tuple[str, int, int]]:
    """Every character 1- to 4-gram of ``framed`` with its (start, end) in ``framed``."""
    size = len(framed)
    for start in range(size):
        for length in range(1, MAX_GRAM + 1):
            end = start + length
            if end > size:
                break
            yield framed[start:end], start, end


def word_features(norm: str) -> Iterator[tuple[str, int, int]]:
    """English word unigrams and bigrams of ``norm`` with their spans in ``norm``."""
    previous: re.Match[str] | None = None
    for match in _WORD.finditer(norm):
        yield match.group(), match.start(), match.end()
        if previous is not None:
            yield f"{previous.group()} {match.group()}", previous.start(), match.end()
        previous = match


def word_set(norm: str) -> set[str]:
    """The distinct words and word bigrams of :func:`word_features` (fast path, same set)."""
    words = _WORD.findall(norm)
    found = set(words)
    found.update(map(" ".join, pairwise(words)))
    return found


def feature_names(norm: str, signals: Iterable[str]) -> dict[str, set[str]]:
    """The features of one message by family (``grams``, ``words``, ``signals``).

    Training and inference both use this function, so they see the same features.
    """
    return {
        "grams": gram_set(frame(norm)),
        "words": word_set(norm),
        "signals": set(signals),
    }


@dataclass(frozen=True, slots=True)
class _Packed:
    """The model in exact fixed point (see :mod:`bot.core.classifier.lanes`)."""

    bias: int
    keep: tuple[int, ...]
    add: tuple[int, ...]
    grams: dict[str, int]
    words: dict[str, int]
    signals: dict[str, int]
    gram_index: GramIndex | None
    """The n-gram weights as a numpy index (None: the alphabet is too large; use ``grams``)."""


def _packed_table(table: Mapping[str, tuple[float, ...]]) -> dict[str, int]:
    return {name: pack([to_fixed(weight) for weight in row]) for name, row in table.items()}


@dataclass(frozen=True, slots=True)
class LearnedModel:
    """Per-label linear scores over n-gram and rule-signal features, with two thresholds.

    Each feature family maps a feature to its weight for every label, in the order of
    :attr:`labels`; a feature absent from the table weighs nothing. Scores are summed exactly
    in fixed point (millionths), so they never depend on the order features are visited in.
    """

    labels: tuple[Label, ...]
    bias: tuple[float, ...]
    keep: tuple[float, ...]
    add: tuple[float, ...]
    grams: Mapping[str, tuple[float, ...]]
    words: Mapping[str, tuple[float, ...]]
    signals: Mapping[str, tuple[float, ...]]
    quiet_messages: bool
    """Whether messages in which no rule trigger appears are scored at all."""
    known_rules: frozenset[str]
    """The rule and implication ids the model was trained alongside; it never drops a label
    that another rule (a deployment's own rule file) gave."""
    _packed: _Packed = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        packed = _Packed(
            bias=pack([to_fixed(value) for value in self.bias]),
            keep=tuple(to_fixed(value) for value in self.keep),
            add=tuple(to_fixed(value) for value in self.add),
            grams=_packed_table(self.grams),
            words=_packed_table(self.words),
            signals=_packed_table(self.signals),
            gram_index=GramIndex.build(self.grams, len(self.labels)),
        )
        object.__setattr__(self, "_packed", packed)

    def fixed_scores(
        self, norm: str, signals: Iterable[str], gram_totals: Sequence[int] | None = None
    ) -> list[int]:
        """The score of every label of :attr:`labels` in millionths, summed exactly.

        The n-grams of all but the shortest texts are summed by one numpy pass
        (:mod:`bot.core.classifier.gram_index`); ``gram_totals`` passes in that sum when
        :meth:`gram_totals_many` already made it for a batch. For words and rule signals one
        packed integer per feature carries all six weights, so their sum is a single C-level
        ``sum`` (:mod:`bot.core.classifier.lanes`).
        """
        packed = self._packed
        total = packed.bias
        for table, names in ((packed.words, word_set(norm)), (packed.signals, signals)):
            # a dict view intersects by probing the smaller side: one C loop per family
            total += sum(map(table.__getitem__, table.keys() & names))
        if gram_totals is None:
            framed = frame(norm)
            if packed.gram_index is None or len(framed) < NUMPY_FROM:
                grams = packed.grams
                total += sum(map(grams.__getitem__, grams.keys() & gram_set(framed)))
                return unpack(total, len(self.labels))
            gram_totals = packed.gram_index.totals(framed)
        return [a + b for a, b in zip(unpack(total, len(self.labels)), gram_totals, strict=True)]

    def gram_totals_many(self, norms: Sequence[str]) -> list[list[int]]:
        """The n-gram part of :meth:`fixed_scores` for every text of ``norms``, in one pass."""
        framed = [frame(norm) for norm in norms]
        index = self._packed.gram_index
        if index is not None:
            return index.totals_many(framed)
        grams = self._packed.grams
        return [
            unpack(sum(map(grams.__getitem__, grams.keys() & gram_set(text))), len(self.labels))
            for text in framed
        ]

    def reference_scores(self, norm: str, signals: Iterable[str]) -> list[int]:
        """:meth:`fixed_scores` the plain way: feature by feature, label by label.

        Slow; kept so that benchmarks and tests can check the fast path against it.
        """
        lanes = len(self.labels)
        packed = self._packed
        names = {
            "grams": {gram for gram, _s, _e in char_grams(frame(norm))},
            "words": {word for word, _s, _e in word_features(norm)},
            "signals": set(signals),
        }
        totals = unpack(packed.bias, lanes)
        for family, table in (
            ("grams", packed.grams),
            ("words", packed.words),
            ("signals", packed.signals),
        ):
            for name in sorted(names[family]):
                if name in table:
                    for index, value in enumerate(unpack(table[name], lanes)):
                        totals[index] += value
        return totals

    def scores(self, norm: str, signals: Iterable[str]) -> list[float]:
        """The score (log-odds) of every label of :attr:`labels` for one message."""
        return [value / SCALE for value in self.fixed_scores(norm, signals)]

    def may_add(self, totals: Sequence[int]) -> bool:
        """Whether a message no rule can fire on gains a label by its :meth:`fixed_scores`."""
        if not self.quiet_messages:
            return False
        return any(score >= limit for score, limit in zip(totals, self._packed.add, strict=True))

    def refine(
        self, text: str, norm: str, totals: Sequence[int], labels: set[Label], hits: list[Hit]
    ) -> None:
        """Keep, drop or add labels in place by the :meth:`fixed_scores` ``totals``.

        A dropped label loses its hits; an added label gets one ``model.<label>`` hit.
        """
        keep, add = self._packed.keep, self._packed.add
        trusted = {hit.label for hit in hits if hit.rule not in self.known_rules}
        for index, label in enumerate(self.labels):
            score = totals[index]
            if label in labels:
                if score < keep[index] and label not in trusted:
                    labels.discard(label)
                    hits[:] = [hit for hit in hits if hit.label is not label]
            elif score >= add[index]:
                labels.add(label)
                start, end = self._evidence(text, norm, index, hits)
                hits.append(new_hit(label, f"model.{label.value}", text[start:end], start, end))

    def _evidence(self, text: str, norm: str, index: int, hits: list[Hit]) -> tuple[int, int]:
        """The (start, end) in ``text`` of the short phrase that adds most to label ``index``.

        Every n-gram's and word's weight is shared out evenly over its characters; the span is
        the window of 2 to ``EVIDENCE_SPAN`` characters with the largest total.
        """
        framed, offsets = compact(norm)
        size = len(framed)
        share = [0.0] * size
        zero = (0.0,) * len(self.labels)
        for gram, start, end in char_grams(framed):
            weight = self.grams.get(gram, zero)[index]
            if weight:
                for position in range(start, end):
                    share[position] += weight / (end - start)
        where = {offset: position for position, offset in enumerate(offsets) if position > 0}
        for word, start, end in word_features(norm):
            weight = self.words.get(word, zero)[index]
            covered = [where[offset] for offset in range(start, end) if offset in where]
            for position in covered:
                share[position] += weight / len(covered)
        # each character costs a fraction of the strongest one, so weak edges are left out
        cost = EVIDENCE_COST * max(share, default=0.0)
        best: tuple[float, int, int] | None = None
        for first in range(1, size - 1):
            if framed[first] == " ":
                continue
            total = 0.0
            for last in range(first, min(first + EVIDENCE_SPAN, size - 1)):
                total += share[last] - cost
                if framed[last] == " " or (last == first and size > 3):
                    continue
                if best is None or total > best[0] + 1e-12:
                    best = (total, first, last)
        if best is None or cost <= 0:
            if hits:
                return hits[0].start, hits[0].end
            stripped = text.strip()
            begin = text.find(stripped) if stripped else 0
            return begin, begin + len(stripped) if stripped else len(text)
        _total, first, last = best
        return _whole_words(norm, offsets[first], offsets[last] + 1)


def _whole_words(norm: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span that cuts a Latin word so that it quotes the whole word."""
    while start > 0 and norm[start - 1] in _LATIN and norm[start] in _LATIN:
        start -= 1
    while end < len(norm) and norm[end] in _LATIN and norm[end - 1] in _LATIN:
        end += 1
    return start, end


def _tables(raw: object, labels: int, what: str) -> dict[str, tuple[float, ...]]:
    """Dense per-feature weights from the file's ``feature: [index, weight, …]`` rows."""
    if not isinstance(raw, dict):
        raise LearnedModelError(f"weights file: '{what}' must be an object; rebuild the weights")
    table: dict[str, tuple[float, ...]] = {}
    for name, pairs in raw.items():
        if not isinstance(pairs, list) or len(pairs) % 2:
            raise LearnedModelError(
                f"weights file: feature {name!r} in '{what}' must list index/weight pairs"
            )
        row = [0.0] * labels
        for position in range(0, len(pairs), 2):
            index = int(pairs[position])
            if not 0 <= index < labels:
                raise LearnedModelError(
                    f"weights file: feature {name!r} in '{what}' names a label index out of range"
                )
            row[index] += _weight(pairs[position + 1], f"feature {name!r} in '{what}'")
        table[name] = tuple(row)
    return table


def _floats(raw: object, count: int, what: str) -> tuple[float, ...]:
    if not isinstance(raw, list) or len(raw) != count:
        raise LearnedModelError(f"weights file: '{what}' must list {count} numbers")
    return tuple(_weight(value, f"'{what}'") for value in raw)


def _weight(raw: object, where: str) -> float:
    """One weight or threshold; finite and within :data:`MAX_WEIGHT` so sums stay exact."""
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise LearnedModelError(f"weights file: {where} holds {raw!r}, not a number") from None
    if not abs(value) <= MAX_WEIGHT:  # also refuses NaN
        raise LearnedModelError(
            f"weights file: {where} holds {raw!r}; weights must be finite and within "
            f"±{MAX_WEIGHT:g}; rebuild the weights"
        )
    return value


def model_from_dict(data: Mapping[str, object]) -> LearnedModel:
    """Build a model from the decoded weights file; raise :class:`LearnedModelError` if bad."""
    if data.get("version") != FORMAT_VERSION:
        raise LearnedModelError(
            f"weights file has version {data.get('version')!r}, expected {FORMAT_VERSION}; "
            "rebuild it with python -m bot.core.classifier.training"
        )
    names = data.get("labels")
    if not isinstance(names, list) or sorted(names) != sorted(label.value for label in ALL_LABELS):
        raise LearnedModelError("weights file: 'labels' must list every label exactly once")
    labels = tuple(Label(name) for name in names)
    count = len(labels)
    return LearnedModel(
        labels=labels,
        bias=_floats(data.get("bias"), count, "bias"),
        keep=_floats(data.get("keep"), count, "keep"),
        add=_floats(data.get("add"), count, "add"),
        grams=_tables(data.get("grams"), count, "grams"),
        words=_tables(data.get("words"), count, "words"),
        signals=_tables(data.get("signals"), count, "signals"),
        quiet_messages=bool(data.get("quiet_messages", False)),
        known_rules=_names(data.get("known_rules"), "known_rules"),
    )


def _names(raw: object, what: str) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        raise LearnedModelError(f"weights file: '{what}' must be a list of rule ids")
    return frozenset(raw)


def load_model(path: Path = WEIGHTS_FILE) -> LearnedModel:
    """Read a JSON weights file; raise :class:`LearnedModelError` if it is missing or unusable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LearnedModelError(
            f"{path}: weights file not found; reinstall the package or run "
            "python -m bot.core.classifier.training"
        ) from None
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise LearnedModelError(f"{path}: not valid JSON ({error}); rebuild it") from None
    if not isinstance(data, dict):
        raise LearnedModelError(f"{path}: must hold a JSON object; rebuild it")
    return model_from_dict(data)


@lru_cache(maxsize=1)
def shipped_model() -> LearnedModel:
    """The shipped model, read once; :class:`LearnedModelError` if the file is missing or bad
    (a packaging fault: the classifier must not silently fall back to the rules alone)."""
    return load_model(WEIGHTS_FILE)
