"""The learned step of the burden classifier: a small linear model that second-guesses the rules.

After the rules have labelled a message, one logistic-regression score per label is computed
from three kinds of features:

* character 1- to 4-grams of the folded text (the text the rules see, whitespace runs collapsed,
  with start and end markers), so wording the lexicon lacks still counts;
* English word unigrams and bigrams of the folded text;
* the rules' own signals (:meth:`bot.classifier.engine.Engine.rule_signals`): the rules that
  fired, the lexicon categories present, negated or spoken in the first person, and the
  acknowledgement and exemption verdicts, so the model learns when to trust the rules.

Every label then follows one of two thresholds: a label the rules gave is kept unless its score
falls below ``keep``; a label the rules did not give is added when its score reaches ``add``.
Both thresholds, like the weights, were chosen by cross-validation
(``python -m bot.classifier.training``). The engine re-applies its implications afterwards
(a proof, report or app demand is also a task push) and never lets the model label a message
the rules recognised as a member's acknowledgement.

Explanations. A label the rules gave keeps the rules' hits. A label the model adds gets one
:class:`~bot.classifier.model.Hit` with the rule id ``model.<label>`` (``model.report_demand``)
whose ``match`` is the span of the original text covered by the n-gram that contributes most
to the label's score, widened by overlapping n-grams that contribute at least half as much.
Because folding keeps every character in place, the span's offsets are offsets into the
original text. When no n-gram contributes positively (the score comes from the rules'
signals alone), the span of the first rule hit is used, else the whole stripped text.

Inference is pure Python; the weights (``data/learned.json.gz``) are read once per process.
"""

from __future__ import annotations

import gzip
import json
import operator
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.classifier.model import Hit
from bot.labels import ALL_LABELS, Label

WEIGHTS_FILE = Path(__file__).parent / "data" / "learned.json.gz"
"""The shipped weights (written by :mod:`bot.classifier.training`)."""

FORMAT_VERSION = 1
MAX_GRAM = 4
_START, _END = "\x02", "\x03"
_WORD = re.compile(r"[a-z][a-z']*")
_SPACES = re.compile(r"\s+")
_SPACE = frozenset(" \t\r\n\u3000\xa0" + _START + _END)


class LearnedModelError(ValueError):
    """The weights file cannot be used; the message says what is wrong and how to fix it."""


def compact(norm: str) -> tuple[str, list[int]]:
    """Return ``norm`` with whitespace runs collapsed and framed by markers, plus, for every
    character of the result, its offset in ``norm`` (markers map to 0 and ``len(norm)``)."""
    chars = [_START]
    offsets = [0]
    previous_space = True
    for index, char in enumerate(norm):
        space = char.isspace()
        if space and previous_space:
            continue
        previous_space = space
        chars.append(" " if space else char)
        offsets.append(index)
    if previous_space and len(chars) > 1:
        chars.pop()
        offsets.pop()
    chars.append(_END)
    offsets.append(len(norm))
    return "".join(chars), offsets


def frame(norm: str) -> str:
    """The text of :func:`compact` without the offsets (the fast path; same result)."""
    return _START + _SPACES.sub(" ", norm).strip() + _END


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


def feature_names(norm: str, signals: Iterable[str]) -> dict[str, set[str]]:
    """The features of one message by family (``grams``, ``words``, ``signals``).

    Training and inference both use this function, so they see the same features.
    """
    return {
        "grams": gram_set(frame(norm)),
        "words": {word for word, _s, _e in word_features(norm)},
        "signals": set(signals),
    }


@dataclass(frozen=True, slots=True)
class LearnedModel:
    """Per-label linear scores over n-gram and rule-signal features, with two thresholds.

    Each feature family maps a feature to its weight for every label, in the order of
    :attr:`labels`; a feature absent from the table weighs nothing.
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

    def scores(self, norm: str, signals: Iterable[str]) -> list[float]:
        """The raw score (log-odds) of every label of :attr:`labels` for one message."""
        grams = gram_set(frame(norm))
        words = {word for word, _s, _e in word_features(norm)}
        present = set(signals)
        # dict views intersect by probing the smaller side: one C loop per family
        rows = [self.bias]
        for table, names in ((self.grams, grams), (self.words, words), (self.signals, present)):
            found = table.keys() & names
            if found:
                rows.extend(map(table.__getitem__, found))
        return [sum(column) for column in zip(*rows, strict=True)]

    def may_add(self, norm: str, signals: Iterable[str]) -> bool:
        """Whether a message no rule can fire on is worth scoring (it may gain a label)."""
        if not self.quiet_messages:
            return False
        totals = self.scores(norm, signals)
        return any(score >= limit for score, limit in zip(totals, self.add, strict=True))

    def refine(
        self, text: str, norm: str, signals: Iterable[str], labels: set[Label], hits: list[Hit]
    ) -> None:
        """Keep, drop or add labels in place by the model's scores; hits follow the labels.

        A dropped label loses its hits; an added label gets one ``model.<label>`` hit.
        """
        totals = self.scores(norm, signals)
        for index, label in enumerate(self.labels):
            score = totals[index]
            if label in labels:
                if score < self.keep[index]:
                    labels.discard(label)
                    hits[:] = [hit for hit in hits if hit.label is not label]
            elif score >= self.add[index]:
                labels.add(label)
                start, end = self._evidence(text, norm, index, hits)
                hits.append(Hit(label, f"model.{label.value}", text[start:end], start, end))

    def _evidence(self, text: str, norm: str, index: int, hits: list[Hit]) -> tuple[int, int]:
        """The (start, end) in ``text`` of the n-grams that contribute most to label ``index``."""
        framed, offsets = compact(norm)
        candidates: list[tuple[float, int, int]] = []
        zero = (0.0,) * len(self.labels)
        gram_weights, word_weights = self.grams, self.words
        for gram, gram_start, gram_end in char_grams(framed):
            if all(char in _SPACE for char in gram):
                continue
            weight = gram_weights.get(gram, zero)[index]
            if weight > 0:
                # trim markers and spaces; offsets[] maps back into norm (= into text)
                first, last = gram_start, gram_end - 1
                while framed[first] in _SPACE:
                    first += 1
                while framed[last] in _SPACE:
                    last -= 1
                candidates.append((weight, offsets[first], offsets[last] + 1))
        for word, start, end in word_features(norm):
            weight = word_weights.get(word, zero)[index]
            if weight > 0:
                candidates.append((weight, start, end))
        if not candidates:
            if hits:
                return hits[0].start, hits[0].end
            stripped = text.strip()
            begin = text.find(stripped) if stripped else 0
            return begin, begin + len(stripped) if stripped else len(text)
        best, start, end = max(candidates, key=lambda c: (c[0], c[2] - c[1], -c[1]))
        for weight, other_start, other_end in candidates:
            if weight >= best / 2 and other_start < end and other_end > start:
                start, end = min(start, other_start), max(end, other_end)
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
            row[index] += float(pairs[position + 1])
        table[name] = tuple(row)
    return table


def _floats(raw: object, count: int, what: str) -> tuple[float, ...]:
    if not isinstance(raw, list) or len(raw) != count:
        raise LearnedModelError(f"weights file: '{what}' must list {count} numbers")
    return tuple(float(value) for value in raw)


def model_from_dict(data: Mapping[str, object]) -> LearnedModel:
    """Build a model from the decoded weights file; raise :class:`LearnedModelError` if bad."""
    if data.get("version") != FORMAT_VERSION:
        raise LearnedModelError(
            f"weights file has version {data.get('version')!r}, expected {FORMAT_VERSION}; "
            "rebuild it with python -m bot.classifier.training"
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
    )


def load_model(path: Path = WEIGHTS_FILE) -> LearnedModel:
    """Read a gzip-compressed JSON weights file; raise :class:`LearnedModelError` if unusable."""
    try:
        raw = gzip.decompress(path.read_bytes())
    except FileNotFoundError:
        raise LearnedModelError(
            f"{path}: weights file not found; run python -m bot.classifier.training"
        ) from None
    except (OSError, EOFError) as error:
        raise LearnedModelError(f"{path}: not a gzip file ({error}); rebuild it") from None
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise LearnedModelError(f"{path}: not valid JSON ({error}); rebuild it") from None
    if not isinstance(data, dict):
        raise LearnedModelError(f"{path}: must hold a JSON object; rebuild it")
    return model_from_dict(data)


@lru_cache(maxsize=1)
def shipped_model() -> LearnedModel | None:
    """The shipped model, read once; None when no weights file ships (rules only)."""
    if not WEIGHTS_FILE.exists():
        return None
    return load_model(WEIGHTS_FILE)
