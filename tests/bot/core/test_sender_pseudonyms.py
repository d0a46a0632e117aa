"""Sender pseudonyms: HMAC-SHA256 of "<group>:<sender>" under the deployment's key, cut to 48
bits; the remembering hasher gives the same ones."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.observation import RememberingHasher, SenderHasher

KEY = b"fingertip-sender-key-for-tests-0"


def defined(key: bytes, group_id: int, sender_id: str) -> str:
    """The pseudonym as defined, computed from scratch by the standard library."""
    digest = hmac.new(key, f"{group_id}:{sender_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:6]).decode()


@given(
    key=st.binary(min_size=16, max_size=100),  # keys longer than a block are hashed first
    group_id=st.integers(min_value=-(10**13), max_value=10**13),
    sender_id=st.text(min_size=1, max_size=30),
)
def test_pseudonyms_are_the_first_48_bits_of_the_keyed_hmac(
    key: bytes, group_id: int, sender_id: str
) -> None:
    hasher = SenderHasher(key)
    first = hasher(group_id, sender_id)
    assert first == defined(key, group_id, sender_id)
    assert hasher(group_id, sender_id) == first  # the keyed state is copied, never consumed
    assert len(first) == 8


def test_another_key_or_group_gives_another_pseudonym() -> None:
    hasher = SenderHasher(KEY)
    assert hasher(-1, "user7") != SenderHasher(KEY[::-1])(-1, "user7")
    assert hasher(-1, "user7") != hasher(-2, "user7")


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        SenderHasher(b"k" * 15)


def test_remembering_hasher_gives_the_plain_pseudonyms(monkeypatch: pytest.MonkeyPatch) -> None:
    plain, remembering = SenderHasher(KEY), RememberingHasher(KEY)
    monkeypatch.setattr(RememberingHasher, "REMEMBERED", 3)  # the bound is crossed too
    pairs = [(g, f"user{u}") for g in (-1, 2) for u in range(5)] * 2
    assert [remembering(*p) for p in pairs] == [plain(*p) for p in pairs]
    assert len({plain(*p) for p in pairs}) == 10
