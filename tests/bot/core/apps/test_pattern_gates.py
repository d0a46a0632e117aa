"""Cheap gates in front of costly patterns find what the patterns alone find: ``demand_kinds``
asks the English wording only of texts with a letter it can match, and the recogniser seeks
"XX小程序"-style names only where such a suffix stands."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.apps.kinds import _WORDINGS, DemandKind, demand_kinds
from bot.core.apps.recognise import _SUFFIXED, has_app_suffix

_WHOLE = {kind: re.compile(f"{zh}|{en}", re.IGNORECASE) for kind, (zh, en) in _WORDINGS.items()}


def searched_whole(text: str) -> frozenset[DemandKind]:
    """The kinds as the wordings define them: one search of each whole wording."""
    return frozenset(kind for kind, whole in _WHOLE.items() if whole.search(text))


# Pieces of the wordings themselves, the letters IGNORECASE folds onto Latin ones, and noise.
_PIECES = [
    "下载", "打卡", "打CALL", "积分", "达到80分", "完善个人信息", "更新一下信息", "上传", "照片",
    "download", "Sign up", "ſign in", "LOG IN", "checked-in", "points", "votes", "gps",
    "fill out", "enter your data", "update the records", "Kelvin", "K", "ſ", "İ", "ı",
    "App", "app", " ", "，", "。", "a", "1", "\n",
]  # fmt: skip
texts = st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=12).map("".join)


@settings(max_examples=500)
@given(text=texts)
def test_the_gated_search_finds_what_the_whole_wordings_find(text: str) -> None:
    assert demand_kinds(text) == searched_whole(text)


def test_letters_that_fold_onto_latin_ones_still_reach_the_english_wording() -> None:
    assert DemandKind.DOWNLOAD in demand_kinds("请 ſign up")  # "ſ" matches "s" ignoring case
    assert DemandKind.CHECKIN in demand_kinds("请 LOG IN")
    assert demand_kinds("请各位今晚十点前把照片发群里") == {DemandKind.UPLOAD}


_NAMING = [
    "青禾", "网格通", "小程序", "公众号", "视频号", "客户端", "app", "APP", "App", "aPP", "ap",
    "小程", "公众", " ", "下载", "Shift", "Board",
]  # fmt: skip


@settings(max_examples=500)
@given(text=st.lists(st.sampled_from(_NAMING) | st.text(max_size=3), max_size=10).map("".join))
def test_a_suffixed_name_is_only_sought_where_a_suffix_stands(text: str) -> None:
    if _SUFFIXED.search(text):
        assert has_app_suffix(text)
