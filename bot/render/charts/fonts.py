"""The CJK font charts need for Chinese text, found once, with a clear warning when absent."""

from __future__ import annotations

import logging
from functools import cache

from matplotlib import font_manager

log = logging.getLogger(__name__)

# Families a CJK font package provides, in order of preference (Debian: fonts-noto-cjk).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)
_FILE_HINTS = ("NotoSansCJK", "NotoSansSC", "SourceHanSans", "wqy-zenhei", "DroidSansFallback")
LATIN_FALLBACK = "DejaVu Sans"
INSTALL_HINT = "install a CJK font, e.g. `apt-get install -y fonts-noto-cjk` on Debian"


@cache
def cjk_family() -> str | None:
    """Return the first installed CJK font family, or None (warned about once)."""
    found = _installed() or _installed(rescan=True)
    if found is None:
        log.warning("no CJK font found: charts are drawn with English labels; %s", INSTALL_HINT)
    return found


def _installed(*, rescan: bool = False) -> str | None:
    if rescan:
        # matplotlib caches its font list; a font installed after that cache was written is
        # only seen when its file is added (public API, no private cache rebuild).
        for path in font_manager.findSystemFonts():
            if any(hint in path for hint in _FILE_HINTS):
                font_manager.fontManager.addfont(path)
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def font_families(language: str) -> list[str]:
    """The font family list for chart text in ``language`` (CJK first when Chinese)."""
    family = cjk_family() if language == "zh" else None
    return [family, LATIN_FALLBACK] if family else [LATIN_FALLBACK]


def chart_language(language: str) -> str:
    """The language charts can be drawn in: Chinese only when a CJK font is installed."""
    return language if language != "zh" or cjk_family() else "en"
