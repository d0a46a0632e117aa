"""Mask person and place names in a member's free text, in Chinese and in English.

Chinese uses the part-of-speech tags of jieba's dictionary, as shipped inside ``rjieba`` (the
maintained Rust port; nothing is downloaded): ``nr``/``nrfg``/``nrt`` are person names, ``ns``
places. A surname the dictionary does not tag (张主任, 刘科长) is caught by a short list of
surnames followed by a title. English has no shipped tagger, so a capitalised word is masked when
it follows a title ("Boss Alice"), stands inside a sentence ("asked Alice"), or is a common given
name anywhere. The pass errs on the side of masking: a leader reads the pattern, not the person.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

NAME_MASK = "[name]"
PLACE_MASK = "[place]"

_PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
_PLACE_TAGS = frozenset({"ns"})
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TITLES = tuple(
    _words(
        "主任 科长 局长 书记 老师 经理 处长 部长 队长 站长 所长 组长 主席 院长 校长 镇长 "
        "村长 县长 市长 区长 乡长 社长 厂长 行长 秘书 干事 委员 同志 师傅 领导 总 工 姐 哥 副"
    )
)


_EN_TITLES = _words(
    "mr mrs ms miss dr prof boss director manager chief leader secretary head supervisor "
    "officer captain principal teacher mayor chair chairman minister deputy sir madam "
    "uncle aunt brother sister"
)
_EN_GIVEN_NAMES = _words(
    "aaron adam alan albert alex alice amanda amy andrew angela anna anne anthony betty bill "
    "bob brian carl carol charles chris christine daniel david dennis diana donald dorothy "
    "edward elizabeth emily emma eric frank gary george grace helen henry jack james jane "
    "jason jennifer jerry jessica jim joe john joseph joshua judy julia karen kate kevin larry "
    "laura linda lisa louis lucy margaret maria mark mary matthew michael michelle mike nancy "
    "nicole olivia patrick paul peter rachel richard robert ronald rose ruth ryan sam sandra "
    "sarah scott sharon sophia stephen steve susan thomas tim tom tony victor william"
)
_EN_KEEP = _words(
    "i monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december wechat dingtalk wecom feishu "
    "lark excel word powerpoint ppt qq weibo douyin telegram zoom teams app ok"
)
_CAPITALISED = re.compile(r"[A-Z][a-z'’-]+")
_SENTENCE_END = frozenset(".!?。！？\n")


def mask_names(text: str) -> str:
    """Return ``text`` with person names replaced by ``[name]`` and places by ``[place]``."""
    tokens = _tag(text)
    out: list[str] = []
    sentence_start = True
    previous_word = ""
    for index, (word, tag) in enumerate(tokens):
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        if tag in _PERSON_TAGS:
            out.append(NAME_MASK)
        elif tag in _PLACE_TAGS:
            out.append(PLACE_MASK)
        elif (word in _SURNAMES and following.startswith(_TITLES)) or (
            tag == "eng" and _is_english_name(word, previous_word, sentence_start)
        ):
            out.append(NAME_MASK)
        else:
            out.append(word)
        if word.strip():
            sentence_start = word[-1] in _SENTENCE_END
            previous_word = word
        elif "\n" in word:
            sentence_start = True
    return "".join(out)


def _is_english_name(word: str, previous: str, sentence_start: bool) -> bool:
    lower = word.lower()
    if not _CAPITALISED.fullmatch(word) or lower in _EN_KEEP:
        return False
    if previous.lower().rstrip(".") in _EN_TITLES or lower in _EN_GIVEN_NAMES:
        return True
    return not sentence_start and lower not in _EN_TITLES


def _tag(text: str) -> list[tuple[str, str]]:
    return [(str(word), str(tag)) for word, tag in _tagger()(text)]


@cache
def _tagger() -> Callable[[str], list[tuple[str, str]]]:
    # Imported on first use: loading the dictionary costs a moment that only flags pay.
    import rjieba

    return rjieba.tag
