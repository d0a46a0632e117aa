"""A round-robin balancer for the benchmarks (the test suite's, served on a chosen port)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.support.balancer import RoundRobinBalancer


@asynccontextmanager
async def serve_balancer(workers: list[str], port: int) -> AsyncIterator[None]:
    """Balance requests on ``port`` over ``workers`` for the duration of the block."""
    async with RoundRobinBalancer(workers, port=port):
        yield
