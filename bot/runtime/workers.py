"""What lets several ``fingertip run`` workers serve one webhook URL together.

Every worker registers the same webhook (the load balancer's URL), so they must agree on its
secret token without talking to each other: it is derived from the bot token they all share.
"""

from __future__ import annotations

import hashlib
import hmac

_SECRET_CONTEXT = b"fingertip webhook secret v1"


def shared_webhook_secret(bot_token: str) -> str:
    """The webhook secret every worker of one bot derives alike (64 hex characters).

    Telegram only echoes it back in a header; it proves a request came from Telegram, and
    cannot be turned back into the token.
    """
    return hmac.new(bot_token.encode(), _SECRET_CONTEXT, hashlib.sha256).hexdigest()
