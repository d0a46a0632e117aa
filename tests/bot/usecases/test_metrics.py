"""The message counters read the same in the Prometheus exposition however often a child is
reused."""

from __future__ import annotations

from bot.usecases.metrics import Metrics


def sample(metrics: Metrics, line_start: str) -> float:
    """The value of the one exposition line that starts with ``line_start``."""
    lines = metrics.exposition().decode().splitlines()
    (found,) = [line for line in lines if line.startswith(line_start)]
    return float(found.rsplit(" ", 1)[1])


def test_messages_are_counted_by_result() -> None:
    metrics = Metrics()
    for result in ["new", "new", "duplicate", "new", "updated"]:
        metrics.message_ingested(result)
    assert sample(metrics, 'fingertip_messages_total{result="new"}') == 3
    assert sample(metrics, 'fingertip_messages_total{result="duplicate"}') == 1
    assert sample(metrics, 'fingertip_messages_total{result="updated"}') == 1


def test_labels_are_counted_by_label_and_exemption() -> None:
    metrics = Metrics()
    metrics.label_given("proof_demand", exempt=False)
    metrics.label_given("proof_demand", exempt=False)
    metrics.label_given("proof_demand", exempt=True)
    metrics.label_given("task_push", exempt=False)
    labels = "fingertip_burden_labels_total"
    assert sample(metrics, f'{labels}{{exempt="false",label="proof_demand"}}') == 2
    assert sample(metrics, f'{labels}{{exempt="true",label="proof_demand"}}') == 1
    assert sample(metrics, f'{labels}{{exempt="false",label="task_push"}}') == 1


def test_two_applications_count_apart() -> None:
    first, second = Metrics(), Metrics()
    first.message_ingested("new")
    second.message_ingested("new")
    second.message_ingested("new")
    assert sample(first, 'fingertip_messages_total{result="new"}') == 1
    assert sample(second, 'fingertip_messages_total{result="new"}') == 2
