"""Every label has every part: a table row, a stored code, a metric, a name, rules, a model row.

Parametrised over the ``Label`` enum itself, so a new member fails here naming what it lacks.
"""

from __future__ import annotations

import pytest

from bot.core.classifier import SHIPPED_RULE_FILES
from bot.core.classifier.learned import shipped_model
from bot.core.classifier.rules import load_rule_files
from bot.core.labels import ALL_LABELS, LABEL_TABLE, SPECS, Label
from bot.core.thresholds import DEFINITIONS, Thresholds
from bot.core.worktime import Band
from bot.render.i18n import gettext
from bot.render.names import LABEL_NAMES, METRIC_NAMES
from storage.codec import LABEL_CODES, decode_week

# The codes already written into stored counters: changing one would misread existing data.
STORED_CODES = {
    "task_push": "t",
    "proof_demand": "p",
    "report_demand": "r",
    "ack_demand": "k",
    "app_demand": "a",
    "urgent_deadline": "u",
}
_RULES = load_rule_files(SHIPPED_RULE_FILES, lambda phrase: phrase)
_EVERY = pytest.mark.parametrize("label", list(Label), ids=str)


def test_the_table_lists_every_label_once_in_enum_order() -> None:
    assert tuple(Label) == ALL_LABELS
    assert len(LABEL_TABLE) == len(SPECS)


@_EVERY
def test_label_keeps_its_stored_code(label: Label) -> None:
    assert SPECS[label].code == STORED_CODES.get(label.value), "a new label needs a new code"
    assert LABEL_CODES[label] == SPECS[label].code


def test_stored_codes_are_single_unused_characters() -> None:
    codes = [spec.code for spec in LABEL_TABLE]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 1 and code.isalpha() and code.islower() for code in codes)


@_EVERY
def test_label_has_a_metric_with_defaults_and_citations(label: Label) -> None:
    metric = SPECS[label].metric
    assert DEFINITIONS[metric.id] is metric
    rule = Thresholds.defaults().rule(metric.id)
    assert rule.warn is not None and rule.alert is not None and rule.warn <= rule.alert
    assert rule.provision_zh and rule.provision_en


def test_every_metric_belongs_to_at_most_one_label() -> None:
    metrics = [spec.metric.id for spec in LABEL_TABLE]
    assert len(set(metrics)) == len(metrics)


@_EVERY
def test_label_and_its_metric_have_translated_names(label: Label) -> None:
    spec = SPECS[label]
    for name in (LABEL_NAMES[label], METRIC_NAMES[spec.metric.id]):
        assert name
        assert gettext("zh", name) != name, f"no zh_CN translation of {name!r}"


def test_group_metrics_have_translated_names_too() -> None:
    for name in METRIC_NAMES.values():
        assert gettext("zh", name) != name, f"no zh_CN translation of {name!r}"


@_EVERY
def test_label_has_shipped_rules(label: Label) -> None:
    fired = {rule.label for rule in _RULES.rules} | {i.add for i in _RULES.implications}
    assert label in fired, f"no [[rule]] or [[implication]] gives {label}"


@_EVERY
def test_label_has_a_learned_model_row(label: Label) -> None:
    assert label in shipped_model().labels


@_EVERY
def test_data_stored_with_the_old_codes_still_decodes(label: Label) -> None:
    code = STORED_CODES[label.value]
    week = decode_week("2025-W39", {"m": "2", f"l{code}": "2", f"c{code}q": "1"}, {})
    assert week.labelled == {label: 2}
    assert week.counted == {(label, Band.QUIET): 1}
