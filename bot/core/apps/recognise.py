"""Find the apps a message names: catalogue spellings (Aho-Corasick) and phrasing patterns.

The patterns catch an app nobody listed by how people name one: a quoted name after
下载/安装/注册/关注/打开 ("下载'青禾网格通'"), "XX App", "XX小程序", "XX公众号",
"install the ShiftBoard app".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from bot.core.apps.catalogue import MAX_NAME_LENGTH, AppEntry, AppType, Catalogue

_GENERIC = frozenset({"微信公众号", "视频号"})
"""Entries a more specific pattern capture ("街道公众号") replaces."""


@dataclass(frozen=True, slots=True)
class AppMention:
    """One app named in a message, with where the name stands."""

    name: str
    start: int
    end: int
    entry: AppEntry | None
    """The catalogue entry, or None for an app captured only by a phrasing pattern."""


_VERBS = r"下载|安装|注册|关注|打开|登录|登陆|使用|进入|扫码|搜索|通过|用|在"
_OPEN = "「『“‘\"'《【〈"
_CLOSE = "」』”’\"'》】〉"
_QUOTED_AFTER_VERB = re.compile(rf"(?:{_VERBS})\s*[{_OPEN}]([^{_CLOSE}\s]{{2,20}})[{_CLOSE}]")
_QUOTED_WITH_SUFFIX = re.compile(
    rf"[{_OPEN}]([^{_CLOSE}\n]{{2,20}}?)[{_CLOSE}]\s*(?:app|APP|App|小程序|公众号|视频号|平台|系统|客户端)"
)
_SUFFIXES = ("app", "APP", "App", "小程序", "公众号", "视频号", "客户端")
_SUFFIXED = re.compile(
    rf"([\u4e00-\u9fffA-Za-z0-9]{{2,14}}?)\s?({'|'.join(_SUFFIXES)})(?![A-Za-z])"
)
_EN_APP = re.compile(
    r"\b(?:the|our|an?)\s+((?:[A-Z][\w&'+-]*\s){0,2}[A-Z][\w&'+-]*)\s+(?:app|App|portal)\b"
    r"|\b(?i:install|download|open)\s+((?:[A-Z][\w&'+-]*\s){0,2}[A-Z][\w&'+-]*)"
)
_MAY_QUOTE = re.compile(rf"[{_OPEN}]")
"""Both quoted patterns start at an opening quote: a text without one is not scanned for them."""
_MAY_EN_APP = re.compile(r"[A-Z]")
"""``_EN_APP`` names an app starting with a capital letter (its only case-blind part is the
verb): a text without one, most Chinese messages, is not scanned for it."""
_PREFIX_CUT = re.compile(
    r".*(?:下载|安装|注册|关注|打开|登录|登陆|使用|进入|通过|点击|扫码|搜索|完成|请|大家|各位|"
    r"所有|全体|务必|及时|今天|今晚|明天|本周|每天|每日|都|要|去|到|上|在|用|的|把|和|及|、|，|,)"
)
_NOT_NAMES = frozenset(
    {
        "手机",
        "这个",
        "那个",
        "该",
        "此",
        "各类",
        "相关",
        "政务",
        "我们",
        "你们",
        "微信",
        "新版",
        "最新版",
        "the",
        "The",
        "It",
        "This",
        "That",
        "Your",
        "Our",
        "An",
        "A",
    }
)
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def has_app_suffix(text: str) -> bool:
    """Whether ``text`` holds one of the suffixes a "XX小程序"-style name ends with: without one
    the pattern cannot match, and its lazy scan from every position is its costliest part."""
    return any(suffix in text for suffix in _SUFFIXES)


def _trim(name: str) -> str:
    """Cut instructions and particles off the front of a captured unquoted name."""
    return _PREFIX_CUT.sub("", name).strip()


class AppRecogniser:
    """Names the apps in a text; one automaton per catalogue, built once."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._automaton = ahocorasick.Automaton()
        for entry in catalogue.entries:
            for spelling in entry.spellings:
                key = spelling.casefold()
                self._automaton.add_word(key, (len(key), entry))
        if len(self._automaton):
            self._automaton.make_automaton()

    def mentions(self, text: str) -> tuple[AppMention, ...]:
        """Return the apps named in ``text``, in order, one mention per app name."""
        folded = text.casefold()
        if len(folded) != len(text):
            folded = text.lower()
        found = self._catalogue_mentions(text, folded)
        found.extend(self._pattern_mentions(text, found))
        found.sort(key=lambda m: m.start)
        # "“青禾发布”视频号": the generic kind after a name only says what the name is.
        found = [
            m
            for m in found
            if not _is_generic(m)
            or not any(0 <= m.start - o.end <= 2 and not _is_generic(o) for o in found)
        ]
        seen: set[str] = set()
        unique = []
        for mention in found:
            if mention.name not in seen:
                seen.add(mention.name)
                unique.append(mention)
        return tuple(unique)

    def _catalogue_mentions(self, text: str, folded: str) -> list[AppMention]:
        if not len(self._automaton) or len(folded) != len(text):
            return []
        candidates = []
        for end, (length, entry) in self._automaton.iter(folded):
            start = end - length + 1
            if _ASCII_WORD.match(folded[start]) and not _word_bounded(folded, start, end + 1):
                continue
            candidates.append(AppMention(entry.name, start, end + 1, entry))
        # Longest match wins: "国家反诈中心" over "反诈中心", "浙政钉" over "政钉".
        candidates.sort(key=lambda m: (m.start, -(m.end - m.start)))
        chosen: list[AppMention] = []
        for mention in sorted(candidates, key=lambda m: -(m.end - m.start)):
            if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
                chosen.append(mention)
        return chosen

    def _pattern_mentions(self, text: str, known: list[AppMention]) -> list[AppMention]:
        captured: list[tuple[str, int, int]] = []
        quoted = _MAY_QUOTE.search(text) is not None
        for match in _QUOTED_AFTER_VERB.finditer(text) if quoted else ():
            captured.append((match.group(1), match.start(1), match.end(1)))
        # A suffix ("公众号") belongs to the capture, so it overlaps a generic catalogue mention.
        for match in _QUOTED_WITH_SUFFIX.finditer(text) if quoted else ():
            captured.append((match.group(1), match.start(1), match.end()))
        for match in _SUFFIXED.finditer(text) if has_app_suffix(text) else ():
            name = _trim(match.group(1))
            suffix = match.group(2)
            if suffix in ("公众号", "视频号", "小程序") and name:
                name = f"{name}{suffix}"
            captured.append((name, match.end(1) - len(_trim(match.group(1))), match.end()))
        for match in _EN_APP.finditer(text) if _MAY_EN_APP.search(text) else ():
            group = 1 if match.group(1) else 2
            captured.append((match.group(group), match.start(group), match.end(group)))
        result: list[AppMention] = []
        for raw, start, end in captured:
            name = raw.strip(" ,.，。:：")
            if len(name) < 2 or len(name) > MAX_NAME_LENGTH or name in _NOT_NAMES:
                continue
            if name.casefold().removesuffix("app").strip() in {"", "the", "this"}:
                continue
            overlapping = [k for k in known if not (end <= k.start or start >= k.end)]
            if any(not _is_generic(k) for k in overlapping):
                continue  # the catalogue already names it
            entry = self.catalogue.entry(name)
            if entry is not None:
                if entry.name not in {k.name for k in known}:
                    result.append(AppMention(entry.name, start, end, entry))
                continue
            for generic in overlapping:
                known.remove(generic)
            result.append(AppMention(name, start, end, None))
        return result


def _is_generic(mention: AppMention) -> bool:
    entry = mention.entry
    return entry is not None and (entry.name in _GENERIC or entry.type is AppType.OFFICIAL_ACCOUNT)


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (
        after.isascii() and after.isalnum()
    )


@lru_cache(maxsize=8)
def shared_recogniser(catalogue: Catalogue) -> AppRecogniser:
    """One recogniser per catalogue, shared by every group that adds no apps of its own."""
    return AppRecogniser(catalogue)
