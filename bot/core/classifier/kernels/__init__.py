"""Compiled batch kernels (numba) for the classifier's per-character and per-token loops.

Each kernel takes a whole batch of texts as one array of code points with the offsets where each
text starts, so numba's per-call cost (checking and unboxing the arrays, and an unpickling per
array returned) is paid once per batch, not once per message:

- :mod:`.grams`: the learned step's n-gram sums;
- :mod:`.phrases`: the Aho-Corasick scan and the choice of tokens;
- :mod:`.rules`: clauses, negation, quotes, speakers and the rules, to hits and flags.

The kernels are compiled on first use and cached on disk (``cache=True``): next to this package
when its ``__pycache__`` is writable, else in ``~/.cache/numba``, or where ``NUMBA_CACHE_DIR``
points. The reference engine (``Engine(..., reference=True)``) does the same work in plain
Python; the tests and ``bench/classify.py`` check that both give the same results.
"""
