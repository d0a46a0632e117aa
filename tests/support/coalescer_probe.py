"""Runs the coalescer against a Redis with its hiredis fast path unavailable, in a process of
its own (what is importable is settled at import time), and prints what it saw as JSON.

``python -m tests.support.coalescer_probe MODE URL``: MODE ``no-hiredis`` hides the hiredis
package (redis-py then parses in Python); ``private-api-moved`` leaves hiredis in place but
takes away the redis-py private name the fast path imports, as a redis-py release may.
"""

from __future__ import annotations

import asyncio
import json
import sys

SCRIPT_INCR = "return redis.call('INCR', KEYS[1])"
KEY = "{fingertip-test}:probe"


async def _probe(url: str) -> dict[str, object]:
    # Imported only now, after main() hid what MODE says.
    from redis.asyncio import Redis
    from redis.utils import HIREDIS_AVAILABLE

    from storage import batcher

    client = Redis.from_url(url)
    try:
        coalescer = batcher.Coalescer(client, [SCRIPT_INCR])
        pushed = await asyncio.gather(*(coalescer.call(("RPUSH", KEY, n)) for n in range(300)))
        listed = [int(n) for n in await client.lrange(KEY, 0, -1)]
        outcomes = await asyncio.gather(
            coalescer.call(("GET", "{fingertip-test}:none")),
            coalescer.call(("HGET", KEY, "field")),  # a list is not a hash: refused
            coalescer.call(("LLEN", KEY)),
            return_exceptions=True,
        )
        sha = await client.script_load(SCRIPT_INCR)
        first = await coalescer.call(("EVALSHA", sha, 1, "{fingertip-test}:counter"))
        await client.script_flush()  # as a restart would: the next call hears NOSCRIPT
        second = await coalescer.call(("EVALSHA", sha, 1, "{fingertip-test}:counter"))
    finally:
        await client.aclose()
    return {
        "hiredis_in_redis_py": HIREDIS_AVAILABLE,
        "fast_path": batcher.HIREDIS_FAST_PATH,
        "pushed": pushed,
        "listed": listed,
        "outcomes": [type(o).__name__ if isinstance(o, Exception) else o for o in outcomes],
        "scripts": [first, second],
        "batches": coalescer.batches,
    }


def main() -> None:
    """Hide what MODE says, run the probe against URL, print its findings."""
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "no-hiredis":
        sys.modules["hiredis"] = None  # type: ignore[assignment]  # import hiredis now fails
    else:
        import redis._parsers.hiredis as parsers
        import redis.asyncio  # noqa: F401  (keeps its own reference to the parser class)

        del parsers._AsyncHiredisParser
    print(json.dumps(asyncio.run(_probe(url)), default=lambda b: b.decode()))


if __name__ == "__main__":
    main()
