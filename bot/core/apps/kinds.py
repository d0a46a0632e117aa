"""What an app demand asks for: the kinds the national rules single out.

国办《政务移动互联网应用程序规范化管理办法》 forbids forcing downloads and registration, check-ins,
points and rankings, online-time statistics, and likes, shares and votes used for assessment;
uploading photos or locations and filling the same data into apps are the other recurring loads.
"""

from __future__ import annotations

import re
from enum import StrEnum


class DemandKind(StrEnum):
    """One kind of app demand. ``code`` is stored in counters: never change one."""

    DOWNLOAD = "download"
    CHECKIN = "checkin"
    POINTS = "points"
    ENGAGE = "engage"
    UPLOAD = "upload"
    DATA_ENTRY = "data_entry"

    @property
    def code(self) -> str:
        """The one-character stored code."""
        return _CODES[self]


_CODES = {
    DemandKind.DOWNLOAD: "d",
    DemandKind.CHECKIN: "c",
    DemandKind.POINTS: "p",
    DemandKind.ENGAGE: "e",
    DemandKind.UPLOAD: "u",
    DemandKind.DATA_ENTRY: "f",
}
KINDS_BY_CODE = {code: kind for kind, code in _CODES.items()}

USE_KINDS = frozenset({DemandKind.DOWNLOAD, DemandKind.UPLOAD, DemandKind.DATA_ENTRY})
"""Kinds that are merely using an app: not a burden when the app is required for the group."""

_WORDINGS: dict[DemandKind, tuple[str, str]] = {
    # kind: (its Chinese wording, its English wording), each a regular expression
    DemandKind.DOWNLOAD: (
        r"下载|安装|装上|注册|激活|绑定|实名认证|认证一下|扫码注册|更新到最新版",
        r"\bdownload|\binstall|\bregister|\bsign(?:ed)?[ -]?up\b|\bactivate|\bbind\b",
    ),
    DemandKind.CHECKIN: (
        r"打卡|签到|签个到|登录|登陆|上线|在线时长|在线|巡查轨迹|巡逻轨迹|轨迹|每日一学|每天学习",
        r"\blog(?:ged)?[ -]?in\b|\blogin|\bcheck(?:ed)?[ -]?in\b|\bclock[ -]?in\b|\bsign[ -]?in\b|"
        r"\bonline time\b|\bpatrol track",
    ),
    DemandKind.POINTS: (
        r"积分|学时|学分|排名|排行|名次|倒数|分数|得分|时长统计|时长排名|达到\d+分|\d+分以上",
        r"\bpoints?\b|\branking|\bleaderboard|\bscores?\b|\bstudy hours\b|\bhours logged\b",
    ),
    DemandKind.ENGAGE: (
        r"点赞|转发|分享|评论|投票|关注|助力|在看|收藏|留言|打call|拉票|刷票|一键三连",
        r"\blikes?\b|\bliked\b|\bshares?\b|\bshared\b|\bcomments?\b|\bvotes?\b|\bvoting\b|"
        r"\bfollow\b|\brepost|\bretweet|\bupvote",
    ),
    DemandKind.UPLOAD: (
        r"上传|拍照|照片|图片|定位|位置|共享位置|随手拍",
        r"\bupload|\bphotos?\b|\bpictures?\b|\blocation\b|\bgeotag|\bgps\b",
    ),
    DemandKind.DATA_ENTRY: (
        r"填报|录入|填写|填入|上报|报送|更新.{0,4}信息|完善.{0,6}信息|补录|导入",
        r"\bfill(?:ed)? (?:in|out)\b|\benter (?:the |your )?(?:data|details|figures)|"
        r"\binput\b|\bupdate (?:the |your )?(?:records|data|details)|\bdata entry\b",
    ),
}
# A text is searched for a kind's English wording only when it holds a letter one can match:
# every English wording needs a Latin letter, and the gate asks the regex engine itself, so the
# letters IGNORECASE matches to them ("ſ", "K") count as well. Most messages are Chinese, and
# the English alternations (word boundaries, no literal to scan for) cost most of the search.
_LATIN = re.compile("[a-z]", re.IGNORECASE)
_CHINESE = {kind: re.compile(zh, re.IGNORECASE) for kind, (zh, _) in _WORDINGS.items()}
_ENGLISH = {kind: re.compile(en, re.IGNORECASE) for kind, (_, en) in _WORDINGS.items()}


def demand_kinds(text: str) -> frozenset[DemandKind]:
    """Return every kind of app demand ``text`` words (empty when it words none)."""
    latin = _LATIN.search(text) is not None
    return frozenset(
        kind
        for kind, chinese in _CHINESE.items()
        if chinese.search(text) or (latin and _ENGLISH[kind].search(text))
    )
