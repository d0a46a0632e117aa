"""The export reader's set of message ids read: a bitmap for usual ids, a set for the rest."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sources.telegram_export import _IdSet

ids = st.one_of(
    st.integers(0, 5000),
    st.integers(-(2**63), 2**63),
    st.just(_IdSet.BITMAP_IDS - 1),
    st.just(_IdSet.BITMAP_IDS),
)


# No deadline: an id just below BITMAP_IDS grows the bitmap to 32 MB, which took over 500 ms on
# a loaded machine (a timing limit that fails under load tells nothing about the set).
@settings(deadline=None)
@given(st.lists(ids, max_size=200), st.lists(ids, max_size=50))
def test_it_holds_exactly_what_was_added(added: list[int], probes: list[int]) -> None:
    seen = _IdSet()
    for message_id in added:
        seen.add(message_id)
    for message_id in [*added, *probes]:
        assert (message_id in seen) == (message_id in set(added))


def test_neighbouring_bits_stay_apart() -> None:
    seen = _IdSet()
    seen.add(8)
    assert 8 in seen
    assert 7 not in seen
    assert 9 not in seen
    assert 16 not in seen
