"""The national rules an excess may conflict with, in Chinese and English.

Plain text, so a deployment can localise or replace them per metric (``provision_zh``/``_en``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Provision:
    """One citation in both languages."""

    zh: str
    en: str


_WORK_GROUP_RULES_ZH = (
    "各地工作群管理规定：非工作时间原则上不发布工作信息；杜绝“5+2”“白+黑”；"
    "离线权立法（澳大利亚《公平工作法》第333M条、葡萄牙《劳动法》第199-A条）"
)
_WORK_GROUP_RULES_EN = (
    "local work-group rules: no work messages outside working hours in principle; end the "
    '"5+2" and "day+night" culture; right-to-disconnect laws (Australia Fair Work Act s333M, '
    "Portugal Labour Code art. 199-A)"
)
_WEEKEND_ZH = "杜绝“5+2”（周末、节假日不得常态化安排工作）"
_WEEKEND_EN = 'end the "5+2" culture (no routine work on weekends and holidays)'
_PROOF_ZH = (
    "中央网信委《关于防治“指尖上的形式主义”的若干意见》：不得随意要求上传不必要的截图或视频；"
    "国办《政务移动互联网应用程序规范化管理办法》；避免“人为留痕”"
)
_PROOF_EN = (
    "Central Cyberspace Affairs Commission, Opinions on preventing fingertip formalism: no "
    "arbitrary demands to upload unnecessary screenshots or videos; State Council Office, "
    "Measures on government mobile apps; avoid manufactured paper trails"
)
_REPORT_ZH = "“最多报一次”；防止多头填报、重复索要数据"
_REPORT_EN = (
    '"report at most once"; no duplicate form-filling or repeated demands for the same data'
)
_ACK_ZH = "不得脱离工作实际强制要求打卡接龙、即时响应"
_ACK_EN = "no compulsory check-in chains or demands for instant responses detached from real work"
_APP_ZH = (
    "《政务移动互联网应用程序规范化管理办法》“五个不得”：打卡签到、积分排名、强制下载、"
    "以点赞转发量考评"
)
_APP_EN = (
    'Measures on government mobile apps, the "five prohibitions": compulsory check-ins, points '
    "rankings, forced downloads, appraisal by likes and shares"
)
_URGENT_ZH = "不得…即时响应；不刻意搞“传达不过夜”"
_URGENT_EN = 'no demands for instant responses; no "pass it on before nightfall" rush'


WORK_GROUP_RULES = Provision(_WORK_GROUP_RULES_ZH, _WORK_GROUP_RULES_EN)
WEEKEND = Provision(_WEEKEND_ZH, _WEEKEND_EN)
PROOF = Provision(_PROOF_ZH, _PROOF_EN)
REPORT = Provision(_REPORT_ZH, _REPORT_EN)
ACK = Provision(_ACK_ZH, _ACK_EN)
APP = Provision(_APP_ZH, _APP_EN)
URGENT = Provision(_URGENT_ZH, _URGENT_EN)
