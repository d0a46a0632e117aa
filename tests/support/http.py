"""An HTTP client for tests that leaves no socket behind when the test's event loop closes."""

from __future__ import annotations

import aiohttp


def closing_session() -> aiohttp.ClientSession:
    """A client session whose connections close with each request (no keep-alive)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))
