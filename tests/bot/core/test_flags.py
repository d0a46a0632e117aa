"""Flag tokens: salted per group-week in memory, unlinkable across kinds, gone after the week;
flag texts: masked (names, places, numbers) and bounded; texts never in arrival order."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.flags import (
    FLAG_TEXT_MAX,
    FlagText,
    WeekSalts,
    flags_expire_at,
    mask_flag_text,
    shuffled_texts,
)
from bot.core.labels import Label

GROUP, WEEK, MEMBER = -1001, "2025-W39", 918_273_645


def test_one_member_counts_once_per_kind_and_kinds_do_not_link() -> None:
    salts = WeekSalts()
    proof = salts.entry(GROUP, WEEK, Label.PROOF_DEMAND, MEMBER, None, keep_weeks=8)
    again = salts.entry(GROUP, WEEK, Label.PROOF_DEMAND, MEMBER, None, keep_weeks=8)
    report = salts.entry(GROUP, WEEK, Label.REPORT_DEMAND, MEMBER, None, keep_weeks=8)
    other = salts.entry(GROUP, WEEK, Label.PROOF_DEMAND, MEMBER + 1, None, keep_weeks=8)
    assert proof.kind_token == again.kind_token
    assert proof.text_token == report.text_token
    tokens = {proof.kind_token, report.kind_token, other.kind_token, proof.text_token}
    assert len(tokens) == 4
    assert str(MEMBER) not in "".join(tokens)


def test_tokens_cannot_be_recomputed_with_any_deployment_secret() -> None:
    # Two processes holding the same configuration derive unrelated tokens: the salt is drawn
    # at random, not derived from a secret an attacker could copy.
    first = WeekSalts().entry(GROUP, WEEK, Label.PROOF_DEMAND, MEMBER, None, keep_weeks=8)
    second = WeekSalts().entry(GROUP, WEEK, Label.PROOF_DEMAND, MEMBER, None, keep_weeks=8)
    assert first.kind_token != second.kind_token
    assert first.epoch != second.epoch
    guess = hmac.new(b"s" * 32, f"{GROUP}:{WEEK}:{MEMBER}".encode(), hashlib.sha256)
    assert guess.hexdigest()[:32] != first.kind_token


def test_a_weeks_salt_is_destroyed_when_the_group_moves_on() -> None:
    salts = WeekSalts()
    old = salts.entry(GROUP, WEEK, Label.PROOF_DEMAND, MEMBER, None, keep_weeks=8)
    salts.entry(-2002, WEEK, Label.PROOF_DEMAND, MEMBER, None, keep_weeks=8)
    salts.forget_all_but(GROUP, "2025-W40")
    assert salts.held() == [(-2002, WEEK)]
    # Flagging the old week again would need the old salt: a new epoch starts instead.
    renewed = salts.entry(GROUP, WEEK, Label.PROOF_DEMAND, MEMBER, None, keep_weeks=8)
    assert (renewed.epoch, renewed.kind_token) != (old.epoch, old.kind_token)


def test_salts_of_closed_weeks_go_even_for_groups_that_no_longer_flag() -> None:
    salts = WeekSalts()
    salts.entry(-2002, "2025-W38", Label.PROOF_DEMAND, MEMBER, None, keep_weeks=8)
    salts.entry(-3003, WEEK, Label.PROOF_DEMAND, MEMBER, None, keep_weeks=8)
    salts.entry(GROUP, "2025-W40", Label.PROOF_DEMAND, MEMBER, None, keep_weeks=8)
    # W39 may still be open in another time zone; W38 is closed everywhere.
    assert salts.held() == [(-3003, WEEK), (GROUP, "2025-W40")]


def test_every_flag_of_a_week_expires_at_the_same_midnight() -> None:
    salts = WeekSalts()
    entries = [
        salts.entry(GROUP, WEEK, label, member, None, keep_weeks=8)
        for label in (Label.PROOF_DEMAND, Label.ACK_DEMAND)
        for member in (1, 2)
    ]
    assert {e.expires_at for e in entries} == {flags_expire_at(WEEK, 8)}
    # 2025-W39 ends on Sunday 2025-09-28; eight weeks later, at midnight UTC.
    assert flags_expire_at(WEEK, 8) == datetime(2025, 11, 24, tzinfo=UTC)


def test_names_places_and_numbers_are_masked_in_chinese_and_english() -> None:
    text = mask_flag_text(
        "王主任让我们周末去云溪街道拍照，刘科长说北京要检查，电话 13812345678，"
        "身份证 110101199003074518。Boss Alice asked Bob, @zhangsan too."
    )
    for secret in ("王", "刘", "云溪", "北京", "13812345678", "110101199003074518"):
        assert secret not in text
    for secret in ("Alice", "Bob", "zhangsan"):
        assert secret not in text
    # The burden itself survives: the kind of demand and the app.
    assert "拍照" in text
    assert "检查" in text


def test_app_names_and_ordinary_words_survive_masking() -> None:
    text = mask_flag_text("Every Sunday we must check in on DingTalk and WeChat")
    assert "DingTalk" in text
    assert "WeChat" in text
    assert "Sunday" in text
    assert mask_flag_text("每天在学习强国打卡") == "每天在学习强国打卡"


def test_flag_text_is_bounded() -> None:
    assert len(mask_flag_text("很累" * 500)) <= FLAG_TEXT_MAX


def test_text_order_depends_on_content_not_on_arrival() -> None:
    texts = [FlagText(Label.PROOF_DEMAND, f"第{i}条") for i in range(8)]
    assert shuffled_texts(texts) == shuffled_texts(reversed(texts))
    assert sorted(shuffled_texts(texts), key=lambda t: t.text) == sorted(
        texts, key=lambda t: t.text
    )


@given(st.text(max_size=400), st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
@settings(max_examples=150, deadline=None)
def test_masking_any_text_is_bounded_and_drops_phone_numbers(text: str, phone: str) -> None:
    masked = mask_flag_text(f"{text} {phone} {text}")
    assert len(masked) <= FLAG_TEXT_MAX
    assert phone not in masked
