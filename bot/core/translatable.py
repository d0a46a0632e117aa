"""Messages the domain raises in English that the bot can still answer in a group's language.

The domain stays Telegram- and locale-free: an error keeps its English template with named
``{placeholders}`` and the values apart, ``str(error)`` is the English sentence (what the command
line and settings loading print), and a handler translates the template with the group's
``Translator`` (``bot.render.i18n``) before filling in the same values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:
    """Return ``message`` unchanged: it marks an English template for the translation test,
    which checks that every marked template has a Chinese translation with the same
    placeholders."""
    return message


@dataclass(frozen=True)
class Phrase:
    """An English template (marked with ``N_``) and the values of its ``{placeholders}``.

    A value may itself be a ``Phrase`` (a part of a sentence that needs translating too); any
    other value is inserted as it is: the words an admin typed, or the literal tokens of a
    command (``mon``, ``cn``, ``proof_demand``), which stay untranslated in every language.
    """

    template: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        # A nested Phrase is formatted through its own __str__: English all the way down.
        return self.template.format_map(self.values)


class TranslatableError(ValueError):
    """A ``ValueError`` whose message is a ``Phrase``: English in ``str()``, translatable."""

    def __init__(self, template: str, /, **values: object) -> None:
        self.phrase = Phrase(template, values)
        super().__init__(str(self.phrase))

    @property
    def template(self) -> str:
        """The English template, as marked with ``N_`` where it is raised."""
        return self.phrase.template

    @property
    def values(self) -> Mapping[str, object]:
        """The values of the template's placeholders."""
        return self.phrase.values

    def __reduce__(self) -> tuple[Any, ...]:
        # The default pickling calls cls(*args) with the English text as the template, which
        # breaks on braces in a value; errors cross process boundaries in audits with workers.
        return (_rebuild, (type(self), self.template, dict(self.values)))


def phrase_of(error: Exception) -> Phrase | str:
    """What ``error`` says, to insert in a larger message: its ``Phrase`` when it has one (so
    the message translates all through), else its English text."""
    return error.phrase if isinstance(error, TranslatableError) else str(error)


def _rebuild(
    cls: type[TranslatableError], template: str, values: dict[str, object]
) -> TranslatableError:
    return cls(template, **values)
