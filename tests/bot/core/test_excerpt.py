"""Evidence excerpts are short, redacted and centred on the matched words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.excerpt import MAX_EXCERPT, make_excerpt, redact


def test_contacts_links_ids_and_mentions_are_masked() -> None:
    text = "@王主任 请把身份证 110101199003071234 和电话 138-1234-5678 发到 x@y.cn，见 https://a.example/p"
    clean = redact(text)
    for secret in ("王主任", "110101199003071234", "138-1234-5678", "x@y.cn", "a.example"):
        assert secret not in clean
    assert "请把身份证" in clean


def test_announcements_to_everyone_stay_readable() -> None:
    assert redact("@所有人 明天开会 @All please read") == "@所有人 明天开会 @All please read"


def test_the_excerpt_shows_the_focus_of_a_long_message() -> None:
    text = "通知。" * 60 + "请今晚十点前截图发群里" + "。" * 100
    excerpt = make_excerpt(text, text.index("截图"))
    assert "截图" in excerpt
    assert excerpt.startswith("…")
    assert excerpt.endswith("…")


@given(st.text(max_size=600), st.integers(min_value=0, max_value=600))
def test_excerpts_never_exceed_the_limit(text: str, focus: int) -> None:
    assert len(make_excerpt(text, focus)) <= MAX_EXCERPT
