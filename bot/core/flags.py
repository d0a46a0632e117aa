"""Anonymous flags: unlinkable member tokens and the text a member may add.

A flag must never be traceable to the member who sent it. The store receives only:
- a *member token* that is an HMAC of (group, ISO week, member) under a secret kept outside the
  database: it lets a digest count distinct members per group-week and cannot be computed, or
  compared across weeks, without the secret;
- a *limiter token*, an HMAC under a key derived for the current day only, used as the name of
  an expiring counter: tomorrow's token for the same member is unrelated.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from bot.core.excerpt import redact

FLAG_TEXT_MAX = 200
FLAGS_PER_DAY = 10


class FlagKeys:
    """Derives the tokens of anonymous flags from one deployment secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the flag secret must be at least 16 bytes long")
        self._secret = secret

    def member_token(self, group_id: int, week: str, user_id: int) -> str:
        """A token equal for one member within one group-week, and unlinkable otherwise."""
        return self._mac(self._secret, f"member:{group_id}:{week}:{user_id}")

    def limiter_token(self, user_id: int, day: date) -> str:
        """A token for the daily abuse limit, under a key that changes every day."""
        day_key = hmac.new(self._secret, f"day:{day.isoformat()}".encode(), hashlib.sha256)
        return self._mac(day_key.digest(), f"limit:{user_id}")

    @staticmethod
    def _mac(key: bytes, message: str) -> str:
        return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]


def clean_flag_text(text: str) -> str:
    """Return a member's optional flag text: redacted and at most ``FLAG_TEXT_MAX`` characters."""
    clean = redact(text)
    return clean if len(clean) <= FLAG_TEXT_MAX else clean[: FLAG_TEXT_MAX - 1] + "…"
