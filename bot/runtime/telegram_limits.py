"""Telegram's limits: its send rates, 429 ``retry_after`` answers, 5xx answers and timeouts.

PTB's ``AIORateLimiter`` already paces sends (overall per second, per group per minute) and
waits out a 429 for as long as Telegram asks. It does not retry a 5xx answer or a timeout; this
subclass does, a few times with a growing pause, because Telegram documents both as transient.
A 4xx other than 429 is our mistake or the chat's state, and is never retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

RETRY_AFTER_ATTEMPTS = 5
TRANSIENT_ATTEMPTS = 4
FIRST_PAUSE_SECONDS = 0.5

JsonResult = bool | dict[str, Any] | list[dict[str, Any]]


class TelegramLimiter(AIORateLimiter):
    """Paces sends like ``AIORateLimiter`` and also retries transient failures (5xx, timeouts)."""

    def __init__(
        self,
        *,
        overall_max_rate: float = 30,
        group_max_rate: float = 20,
        group_time_period: float = 60,
        first_pause_seconds: float = FIRST_PAUSE_SECONDS,
        transient_attempts: int = TRANSIENT_ATTEMPTS,
    ) -> None:
        super().__init__(
            overall_max_rate=overall_max_rate,
            group_max_rate=group_max_rate,
            group_time_period=group_time_period,
            max_retries=RETRY_AFTER_ATTEMPTS,
        )
        self._first_pause = first_pause_seconds
        self._attempts = transient_attempts

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JsonResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JsonResult:
        """Send through the pacing of ``AIORateLimiter``; retry 5xx answers and timeouts."""
        pause = self._first_pause
        for attempt in range(1, self._attempts + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise  # a 400 is final (PTB makes it a NetworkError subclass)
            except NetworkError as error:  # 5xx answers, timeouts, refused connections
                if attempt == self._attempts:
                    raise
                log.info("%s failed (%s); retry %d in %.1fs", endpoint, error, attempt, pause)
                await asyncio.sleep(pause)
                pause *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")
