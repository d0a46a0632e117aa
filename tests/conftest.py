"""Shared fixtures: real Redis (embedded, and a server when FINGERTIP_REDIS_URL is set), the Bot
API sandbox and the end-to-end playground."""

import os

# Opt in to python-telegram-bot's timedelta values now, so its deprecation warning (an error
# under our warnings-as-errors policy) never fires.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from tests.support.playground import playground  # noqa: F401
from tests.support.redis import (  # noqa: F401  (re-exported fixtures)
    data_dir,
    embedded_redis,
    redis_client,
    redis_cluster,
    redis_url,
    store,
)
from tests.support.sandbox import sandbox, sandbox_clock, sandbox_server  # noqa: F401
