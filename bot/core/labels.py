"""The six burden labels (README, "Labels") and the one table that says everything about each.

A new label is one ``Label`` member, one ``LabelSpec`` row below (its stored code, its name, its
metric with default thresholds and citation), its rules in ``classifier/data`` and a retrained
learned model; ``tests/bot/core/test_label_table.py`` names whatever is still missing.
Storage codes are written into every stored counter: never change or reuse one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.core import provisions
from bot.core.metrics import Comparison, Measure, MetricDefinition, MetricId, define_metric


class Label(StrEnum):
    """A kind of digital burden a work-group message can carry."""

    TASK_PUSH = "task_push"
    PROOF_DEMAND = "proof_demand"
    REPORT_DEMAND = "report_demand"
    ACK_DEMAND = "ack_demand"
    APP_DEMAND = "app_demand"
    URGENT_DEADLINE = "urgent_deadline"


@dataclass(frozen=True)
class LabelSpec:
    """Everything the bot needs to know about one label, in one row."""

    label: Label
    code: str
    """One character in the stored counter fields; stable forever (existing data uses it)."""
    name: str
    """The English display name, also the translation id of the Chinese one."""
    metric: MetricDefinition
    """The digest metric that counts this label, with its default thresholds and citation."""
    measure: Measure
    """Whether the metric counts the label's messages all week or outside working time only."""


LABEL_TABLE: tuple[LabelSpec, ...] = (
    LabelSpec(
        Label.TASK_PUSH,
        code="t",
        name="task pushes",
        metric=define_metric(
            MetricId.AFTER_HOURS_TASK_PUSH,
            Comparison.AT_LEAST,
            "after-hours task pushes",
            provisions.WORK_GROUP_RULES,
            warn=3,
            alert=6,
            quiet_warn=1,
            routine_alert=True,
        ),
        measure=Measure.OUTSIDE_WORK,
    ),
    LabelSpec(
        Label.PROOF_DEMAND,
        code="p",
        name="proof demands (screenshots, photos)",
        metric=define_metric(
            MetricId.PROOF_DEMAND,
            Comparison.AT_LEAST,
            "proof demands",
            provisions.PROOF,
            warn=1,
            alert=3,
        ),
        measure=Measure.WHOLE_WEEK,
    ),
    LabelSpec(
        Label.REPORT_DEMAND,
        code="r",
        name="report demands (forms, data)",
        metric=define_metric(
            MetricId.REPORT_DEMAND,
            Comparison.MORE_THAN,
            "report demands",
            provisions.REPORT,
            warn=3,
            alert=6,
            repeat_warn=1,
            repeat_alert=2,
        ),
        measure=Measure.WHOLE_WEEK,
    ),
    LabelSpec(
        Label.ACK_DEMAND,
        code="k",
        name="acknowledgement demands",
        metric=define_metric(
            MetricId.ACK_DEMAND,
            Comparison.AT_LEAST,
            "acknowledgement demands",
            provisions.ACK,
            warn=2,
            alert=5,
        ),
        measure=Measure.WHOLE_WEEK,
    ),
    LabelSpec(
        Label.APP_DEMAND,
        code="a",
        name="app demands (download, check-in, likes)",
        metric=define_metric(
            MetricId.APP_DEMAND,
            Comparison.AT_LEAST,
            "app demands",
            provisions.APP,
            warn=1,
            alert=3,
        ),
        measure=Measure.WHOLE_WEEK,
    ),
    LabelSpec(
        Label.URGENT_DEADLINE,
        code="u",
        name="urgent deadlines",
        metric=define_metric(
            MetricId.URGENT_DEADLINE,
            Comparison.AT_LEAST,
            "urgent deadlines",
            provisions.URGENT,
            warn=2,
            alert=5,
        ),
        measure=Measure.WHOLE_WEEK,
    ),
)
"""One row per label, in the canonical order used in output and reports."""

SPECS: Mapping[Label, LabelSpec] = {spec.label: spec for spec in LABEL_TABLE}
ALL_LABELS: tuple[Label, ...] = tuple(spec.label for spec in LABEL_TABLE)
"""Every label, in the canonical order used in output and reports."""


def spec_of(label: Label) -> LabelSpec:
    """Return the table row of ``label``."""
    return SPECS[label]


def sort_labels(labels: frozenset[Label] | set[Label]) -> list[Label]:
    """Return ``labels`` in canonical order (the order of ``ALL_LABELS``)."""
    return [label for label in ALL_LABELS if label in labels]


def parse_label(name: str) -> Label:
    """Return the label called ``name``; raise ``ValueError`` naming the valid ones."""
    try:
        return Label(name.strip())
    except ValueError:
        valid = ", ".join(ALL_LABELS)
        raise ValueError(f"unknown label {name!r}; valid labels are: {valid}") from None
