"""Operational counters for Prometheus. Counts only: no group, member or message appears here,
and nothing about flags at all (a counter scraped every few seconds would time-stamp each one)."""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
)

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """The bot's counters, in a registry of their own (one per application)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "fingertip_messages",
            "Group messages seen, by what ingesting them did",
            ["result"],
            registry=self.registry,
        )
        self.labels = Counter(
            "fingertip_burden_labels",
            "Burden labels given to group messages",
            ["label", "exempt"],
            registry=self.registry,
        )
        self.digests = Counter(
            "fingertip_digests_delivered", "Weekly digests delivered", registry=self.registry
        )
        self.queued = Gauge(
            "fingertip_messages_queued",
            "Group messages held in memory while the store is unreachable",
            registry=self.registry,
        )
        self.dropped = Counter(
            "fingertip_messages_dropped",
            "Group messages lost because the store stayed unreachable and the queue was full",
            registry=self.registry,
        )
        self.errors = Counter(
            "fingertip_update_errors", "Updates whose handling failed", registry=self.registry
        )
        # Each message bumps a labelled counter or two: the children are looked up once, not
        # through ``labels()`` (argument checks, a lock, a dict) every time.
        self._by_result: dict[str, Counter] = {}
        self._by_label: dict[tuple[str, bool], Counter] = {}

    def message_ingested(self, result: str) -> None:
        """Count one group message by what ingesting it did (``new``, ``duplicate``, ...)."""
        child = self._by_result.get(result)
        if child is None:
            child = self._by_result[result] = self.messages.labels(result)
        child.inc()

    def label_given(self, label: str, exempt: bool) -> None:
        """Count one burden label given to a group message, exempt or not."""
        child = self._by_label.get((label, exempt))
        if child is None:
            child = self.labels.labels(label, "true" if exempt else "false")
            self._by_label[label, exempt] = child
        child.inc()

    def exposition(self) -> bytes:
        """The counters in the Prometheus text format."""
        return generate_latest(self.registry)
