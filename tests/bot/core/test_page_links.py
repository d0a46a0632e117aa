"""Signed page links: valid until they expire, and any change to any part is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from bot.core.page_links import PageKind, PageRef, sign, signed_path, verify

KEY = b"k" * 32
NOW = datetime(2025, 10, 20, 9, 0, tzinfo=UTC)
REF = PageRef(PageKind.GROUP, "-100123", "2025-W42")


def _query(path: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(path).query)
    return query["expires"][0], query["sig"][0]


def test_a_fresh_link_opens_its_page() -> None:
    path = signed_path(KEY, REF, NOW)
    assert urlsplit(path).path == "/pages/group/-100123/2025-W42"
    assert verify(KEY, REF, *_query(path), now=NOW)


def test_an_expired_link_is_refused() -> None:
    expires, signature = _query(signed_path(KEY, REF, NOW, timedelta(days=1)))
    assert verify(KEY, REF, expires, signature, NOW + timedelta(hours=23))
    assert not verify(KEY, REF, expires, signature, NOW + timedelta(days=1))


def test_a_later_expiry_cannot_be_written_in() -> None:
    expires, signature = _query(signed_path(KEY, REF, NOW, timedelta(days=1)))
    later = str(int(expires) + 86400)
    assert not verify(KEY, REF, later, signature, NOW + timedelta(days=2))


def test_another_key_refuses() -> None:
    assert not verify(b"x" * 32, REF, *_query(signed_path(KEY, REF, NOW)), now=NOW)


@given(
    group=st.from_regex(r"-?\d{1,14}", fullmatch=True),
    week=st.from_regex(r"20\d\d-W[0-5]\d", fullmatch=True),
    kind=st.sampled_from(PageKind),
)
def test_a_link_opens_no_other_page(group: str, week: str, kind: PageKind) -> None:
    other = PageRef(kind, group, week)
    expires, signature = _query(signed_path(KEY, REF, NOW))
    assert verify(KEY, other, expires, signature, NOW) == (other == REF)


@given(st.text(max_size=80))
def test_garbage_signatures_and_expiries_are_refused(garbage: str) -> None:
    good_expires, _signature = _query(signed_path(KEY, REF, NOW))
    assert not verify(KEY, REF, good_expires, garbage, NOW)
    assert not verify(KEY, REF, garbage, garbage, NOW)


def test_sign_covers_the_expiry_it_names() -> None:
    query = parse_qs(sign(KEY, REF, NOW + timedelta(days=3)))
    assert int(query["expires"][0]) == int((NOW + timedelta(days=3)).timestamp())
