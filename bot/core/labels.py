"""The six burden labels (see shared LABELS.md) in their canonical order."""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    """A kind of digital burden a work-group message can carry."""

    TASK_PUSH = "task_push"
    PROOF_DEMAND = "proof_demand"
    REPORT_DEMAND = "report_demand"
    ACK_DEMAND = "ack_demand"
    APP_DEMAND = "app_demand"
    URGENT_DEADLINE = "urgent_deadline"


ALL_LABELS: tuple[Label, ...] = tuple(Label)
"""Every label, in the canonical order used in output and reports."""


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
