"""Shared fixtures: real Redis (embedded, and a server when FINGERTIP_REDIS_URL is set), the Bot
API sandbox and the end-to-end playground."""

import contextlib
import os
import signal

import pytest

# Opt in to python-telegram-bot's timedelta values now, so its deprecation warning (an error
# under our warnings-as-errors policy) never fires.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from tests.support.browser import chromium  # noqa: F401
from tests.support.playground import pages_playground, playground  # noqa: F401
from tests.support.redis import (  # noqa: F401  (re-exported fixtures)
    data_dir,
    embedded_redis,
    redis_client,
    redis_cluster,
    redis_url,
    servers_under,
    store,
)
from tests.support.sandbox import sandbox, sandbox_clock, sandbox_server  # noqa: F401


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a test left an embedded server running (then stop it)."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None:
        return
    orphans = servers_under(factory.getbasetemp())
    for pid in orphans:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if orphans:
        print(f"\nembedded servers left running by the tests: {orphans}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
