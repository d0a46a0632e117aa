"""Telegram rendering: user text escaped, messages within the limit, no request to reply."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.core.aggregates import Evidence, FlagCounts, RepeatedReport, WeekAggregate
from bot.core.flags import FlagText
from bot.core.labels import Label
from bot.core.worktime import Band
from bot.render.telegram_html import TELEGRAM_LIMIT, digest_html, split_html
from tests.support.builders import digest_of

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


def hostile_digest(evidence_count: int = 3) -> list[str]:
    evidence = tuple(
        Evidence(i, (Label.PROOF_DEMAND,), "2025-09-22 22:10", Band.QUIET, False, HOSTILE)
        for i in range(evidence_count)
    )
    current = WeekAggregate(
        week="2025-W39",
        messages=10,
        counted={(Label.PROOF_DEMAND, Band.QUIET): 3},
        demands_by_band={Band.QUIET: 3},
        evidence=evidence,
        repeated_reports=(RepeatedReport(1, HOSTILE),),
        flags=FlagCounts({Label.PROOF_DEMAND: 3}, texts=(FlagText(Label.PROOF_DEMAND, HOSTILE),)),
    )
    return digest_html(digest_of(current, group_name=HOSTILE), "en")


def test_every_piece_of_user_text_is_escaped() -> None:
    text = "\n".join(hostile_digest())
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert set(re.findall(r"</?([a-z]+)", text)) <= {"b", "i", "code"}


def test_long_digests_are_split_within_the_limit() -> None:
    messages = hostile_digest(evidence_count=80)
    assert len(messages) > 1
    assert all(len(message) <= TELEGRAM_LIMIT for message in messages)


def test_the_digest_never_asks_anyone_to_reply() -> None:
    for language in ("en", "zh"):
        del language
    text = "\n".join(hostile_digest()).lower()
    for phrase in ("please reply", "reply to this", "收到请回复", "请回复"):
        assert phrase not in text


@given(st.lists(st.text(min_size=0, max_size=9000), max_size=6))
def test_split_keeps_every_line_and_the_limit(lines: list[str]) -> None:
    clean = [line.replace("<", "").replace("&", "") for line in lines]
    messages = split_html(clean)
    assert all(len(message) <= TELEGRAM_LIMIT for message in messages)
    short = [line for line in clean if len(line) <= TELEGRAM_LIMIT and line]
    joined = "\n".join(messages)
    assert all(line in joined for line in short)
