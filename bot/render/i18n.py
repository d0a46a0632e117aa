"""User-facing text in zh_CN and en, from Babel message catalogs shipped with the package."""

from __future__ import annotations

from functools import cache
from importlib import resources

from babel.messages.mofile import read_mo

from bot.core.translatable import Phrase

DOMAIN = "fingertip"
LOCALES = {"zh": "zh_CN", "en": "en"}


@cache
def _translations(language: str) -> dict[str, str]:
    locale = LOCALES.get(language)
    if locale is None or locale == "en":
        return {}
    # The compiled catalogue (bot.render.catalogues writes it; a test keeps it current).
    path = resources.files("bot.render").joinpath("locale", locale, "LC_MESSAGES", f"{DOMAIN}.mo")
    with path.open("rb") as handle:
        catalog = read_mo(handle)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string
    }


def gettext(language: str, message: str) -> str:
    """Return ``message`` (an English msgid) translated to ``language`` ("zh" or "en")."""
    return _translations(language).get(message, message)


class Translator:
    """``gettext`` bound to one language, for renderers: ``_ = Translator("zh")``."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LOCALES else "en"

    def __call__(self, message: str, **values: object) -> str:
        """Translate ``message`` and fill its ``{name}`` placeholders from ``values``."""
        text = gettext(self.language, message)
        return text.format(**values) if values else text

    def phrase(self, phrase: Phrase) -> str:
        """``phrase`` in this language, its nested phrases too; other values go in as they are
        (the words an admin typed, command tokens). Untranslated templates stay English."""
        values = {
            name: self.phrase(value) if isinstance(value, Phrase) else value
            for name, value in phrase.values.items()
        }
        return gettext(self.language, phrase.template).format_map(values)
