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

    def exposition(self) -> bytes:
        """The counters in the Prometheus text format."""
        return generate_latest(self.registry)
