"""The garbage collector's settings for the long-running bot.

CPython's cyclic collector runs each time the container objects allocated and not yet freed
pass a threshold (700 by default). A webhook worker keeps a few dozen updates in flight, each
a tree of python-telegram-bot objects and our own values, a few thousand objects at any time:
so the collector ran every few updates, found them all alive, and moved them to the older
generations, whose collections then walked the whole start-up heap (the classifier's tables,
every imported module) again and again. Measured on the webhook bench, about 60 µs of CPU per
update went to collections that freed nothing: updates leave no reference cycles behind
(``tests/bot/runtime/test_heap.py``), reference counting frees them.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000
"""Container objects allocated and not yet freed before the youngest generation is collected:
room for about a hundred updates in flight (a few hundred objects each) before a collection,
which then still runs, so cyclic garbage is still freed, only later."""


def settle_heap() -> None:
    """Collect once, then leave everything start-up built out of later collections
    (``gc.freeze``: it stays alive for the whole run anyway) and collect the youngest
    generation only past ``YOUNG_THRESHOLD`` objects (the older generations' settings stay).

    Called once the bot is started, before it takes updates; objects created later are
    collected as before.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
