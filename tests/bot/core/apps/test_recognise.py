"""Recognising apps: catalogue spellings, short forms, and unlisted names by their phrasing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.apps import AppRecogniser, load_catalogue
from bot.core.apps.catalogue import MAX_NAME_LENGTH

RECOGNISER = AppRecogniser(load_catalogue())


def names(text: str) -> list[str]:
    return [mention.name for mention in RECOGNISER.mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("请大家今天在学习强国上完成每日答题", ["学习强国"]),
        ("强国积分本周排名靠后的抓紧", ["学习强国"]),
        ("请各位登录政钉打卡", ["浙政钉"]),
        ("请登录浙政钉打卡", ["浙政钉"]),
        ("国反注册率要通报", ["国家反诈中心"]),
        ("下载反诈App并截图", ["国家反诈中心"]),
        ("下载国家反诈中心App并注册", ["国家反诈中心"]),
        ("浙里办和随申办都要注册", ["浙里办", "随申办"]),
        ("Everyone must check in on DingTalk daily", ["钉钉"]),
        ("Please like our Facebook post", ["Facebook"]),
    ],
)
def test_catalogue_names_and_short_forms(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("请大家今晚下载'青禾网格通'并注册", ["青禾网格通"]),
        ("请大家下载青禾网格通App并注册", ["青禾网格通"]),
        ("在街道公众号文章下点在看", ["街道公众号"]),
        ("请关注“城南发布”公众号并转发", ["城南发布"]),
        ("扫码进入「社区通」小程序填报", ["社区通"]),
        ("Please install the ShiftBoard app by Friday", ["ShiftBoard"]),
        ("Download RotaPal before your next shift", ["RotaPal"]),
    ],
)
def test_unlisted_apps_are_captured_by_their_phrasing(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "请把走访台账发群里",
        "Please send me the rota by Friday",
        "FBI agents",
        "the app keeps crashing",
    ],
)
def test_no_app_named_means_no_mention(text: str) -> None:
    assert names(text) == []


def test_positions_point_at_the_name_in_the_text() -> None:
    text = "请大家登录浙政钉打卡"
    (mention,) = RECOGNISER.mentions(text)
    assert text[mention.start : mention.end] == "浙政钉"


@given(st.text(max_size=300))
def test_any_text_gives_bounded_unique_names(text: str) -> None:
    found = names(text)
    assert len(found) == len(set(found))
    assert all(2 <= len(name) <= MAX_NAME_LENGTH for name in found)
