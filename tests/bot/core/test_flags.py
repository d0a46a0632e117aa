"""Flag tokens cannot be linked across weeks or days, and flag texts are masked and short."""

from __future__ import annotations

from datetime import date

from bot.core.flags import FLAG_TEXT_MAX, FlagKeys, clean_flag_text

KEYS = FlagKeys(b"0123456789abcdef0123456789abcdef")


def test_member_tokens_differ_by_week_group_and_member() -> None:
    base = KEYS.member_token(-1, "2025-W39", 42)
    assert base == KEYS.member_token(-1, "2025-W39", 42)
    assert base != KEYS.member_token(-1, "2025-W40", 42)
    assert base != KEYS.member_token(-2, "2025-W39", 42)
    assert base != KEYS.member_token(-1, "2025-W39", 43)
    assert "42" not in base


def test_limiter_tokens_rotate_daily_and_depend_on_the_secret() -> None:
    monday = KEYS.limiter_token(42, date(2025, 9, 22))
    tuesday = KEYS.limiter_token(42, date(2025, 9, 23))
    other_secret = FlagKeys(b"fedcba9876543210fedcba9876543210").limiter_token(
        42, date(2025, 9, 22)
    )
    assert monday != tuesday
    assert monday != other_secret


def test_flag_text_is_masked_and_bounded() -> None:
    text = clean_flag_text("张科长让拍照，联系我 13812345678 或 a.b@example.com " + "很累" * 200)
    assert "13812345678" not in text
    assert "example.com" not in text
    assert len(text) <= FLAG_TEXT_MAX
