"""The burden classifier: labels work-group messages, with the evidence for every label.

Rules live in TOML files under ``data/`` (see :mod:`bot.core.classifier.rules` for the format);
a deployment may add its own files through :func:`load_classifier`. A small learned model
(:mod:`bot.core.classifier.learned`, weights in ``data/learned.json``) then keeps, drops or adds
labels; every label it adds carries a ``model.<label>`` hit naming the text that drove it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from bot.core.classifier.engine import Engine
from bot.core.classifier.learned import shipped_model
from bot.core.classifier.model import Classification, Hit
from bot.core.classifier.normalise import normalise, translation_table
from bot.core.classifier.rules import RuleFileError, load_rule_files

__all__ = [
    "SHIPPED_RULE_FILES",
    "Classification",
    "Classifier",
    "Hit",
    "RuleFileError",
    "classify",
    "load_classifier",
]

_DATA = Path(__file__).parent / "data"
SHIPPED_RULE_FILES: tuple[Path, ...] = (
    _DATA / "shared.toml",
    _DATA / "zh.toml",
    _DATA / "en.toml",
)
"""The rule files every classifier loads, in order."""


class Classifier:
    """Labels messages with the burden labels, explaining each label with hits."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def classify(self, text: str) -> Classification:
        """Return the labels of ``text``; never raises for any string."""
        return self._engine.classify(text)

    def classify_folded(self, text: str) -> tuple[Classification, str]:
        """:meth:`classify` and :meth:`normalise` of ``text``, folding it only once."""
        return self._engine.classify_folded(text)

    def classify_many(self, texts: Sequence[str]) -> list[tuple[Classification, str]]:
        """:meth:`classify_folded` of every text, in order; faster per text than one call
        each (the learned step sums the n-grams of a whole batch at once)."""
        return self._engine.classify_many(texts)

    def phrases(self) -> Iterable[str]:
        """Every lexicon phrase, folded as the matcher sees it (for benchmarks)."""
        return self._engine.phrases()

    def normalise(self, text: str) -> str:
        """Return ``text`` folded the way the rules see it (same length as ``text``)."""
        return self._engine.normalise(text)


def load_classifier(extra_rule_files: Sequence[Path] = ()) -> Classifier:
    """Build a classifier from the shipped rules plus ``extra_rule_files`` (same format).

    Raises :class:`RuleFileError` naming the file, the rule and the problem when a file is
    missing, is not valid TOML, or defines something the engine cannot use.
    """
    table = translation_table()
    rules = load_rule_files(
        [*SHIPPED_RULE_FILES, *extra_rule_files], lambda phrase: normalise(phrase, table)
    )
    return Classifier(Engine(rules, table, shipped_model()))


@lru_cache(maxsize=1)
def default_classifier() -> Classifier:
    """The classifier with the shipped rules only, built once."""
    return load_classifier()


def classify(text: str) -> Classification:
    """Classify ``text`` with the default classifier."""
    return default_classifier().classify(text)
