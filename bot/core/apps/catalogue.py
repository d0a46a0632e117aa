"""The app catalogue: which apps, mini-programs, official accounts and platforms we recognise.

Shipped as data (``data/catalogue.toml``); a deployment adds files of the same shape and a group
adds its own entries (``/set app add``). Names are what digests print; aliases are the short
forms people type ("强国", "反诈App", "政钉").
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from bot.core.translatable import N_, Phrase, TranslatableError, phrase_of

SHIPPED_CATALOGUE = Path(__file__).parent / "data" / "catalogue.toml"
MAX_NAME_LENGTH = 40


class AppType(StrEnum):
    """What sort of thing a catalogue entry is."""

    APP = "app"
    MINI_PROGRAM = "mini_program"
    OFFICIAL_ACCOUNT = "official_account"
    PLATFORM = "platform"


class Means(StrEnum):
    """What a platform is usually only the vehicle of (a use of it is no app burden)."""

    FORM = "form"
    MEETING = "meeting"
    SHEET = "sheet"


class CatalogueError(TranslatableError):
    """A catalogue file or entry is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class AppEntry:
    """One recognised app with its short forms."""

    name: str
    aliases: tuple[str, ...] = ()
    type: AppType = AppType.APP
    means: Means | None = None

    @property
    def spellings(self) -> tuple[str, ...]:
        """The name and every alias."""
        return (self.name, *self.aliases)


def check_name(name: str) -> str:
    """Return ``name`` stripped, or raise ``CatalogueError`` if it cannot name an app."""
    clean = " ".join(name.split())
    if not clean or len(clean) > MAX_NAME_LENGTH or any(c in clean for c in "|~"):
        raise CatalogueError(
            N_("not a usable app name: {name!r} (1-{longest} characters)"),
            name=name,
            longest=MAX_NAME_LENGTH,
        )
    return clean


@dataclass(frozen=True, slots=True)
class Catalogue:
    """An ordered set of entries; a later entry with the same name replaces an earlier one."""

    entries: tuple[AppEntry, ...]
    _by_spelling: dict[str, AppEntry] | None = field(
        default=None, init=False, compare=False, repr=False
    )
    """Each casefolded spelling's first entry, made at the first look-up: an audit looks up
    the apps of every app demand, and a scan of the whole catalogue took ~0.2 ms each."""

    def with_entries(self, extra: Iterable[AppEntry]) -> Catalogue:
        """Return this catalogue plus ``extra`` (same names replace, new names are appended)."""
        merged = {entry.name: entry for entry in self.entries}
        for entry in extra:
            merged[entry.name] = entry
        return Catalogue(tuple(merged.values()))

    def entry(self, name: str) -> AppEntry | None:
        """Return the entry called ``name`` or with ``name`` as an alias (case-insensitive);
        the first such entry in catalogue order."""
        index = self._by_spelling
        if index is None:
            index = {}
            for entry in self.entries:
                for spelling in entry.spellings:
                    index.setdefault(spelling.casefold(), entry)
            object.__setattr__(self, "_by_spelling", index)  # a cache: the value is unchanged
        return index.get(name.casefold())


def _parse_entry(raw: object, where: Phrase) -> AppEntry:
    if not isinstance(raw, dict):
        raise CatalogueError(N_("{where}: each [[app]] must be a table"), where=where)
    name, aliases = raw.get("name"), raw.get("aliases", [])
    if not isinstance(name, str):
        raise CatalogueError(N_('{where}: an [[app]] needs name = "..."'), where=where)
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise CatalogueError(
            N_("{where}: aliases of {name!r} must be a list of strings"), where=where, name=name
        )
    try:
        kind = AppType(raw.get("kind", AppType.APP))
        means = Means(raw["means"]) if "means" in raw else None
        return AppEntry(
            check_name(name), tuple(check_name(a) for a in aliases), type=kind, means=means
        )
    except ValueError as error:
        raise CatalogueError(
            N_("{where}: app {name!r}: {reason}"), where=where, name=name, reason=phrase_of(error)
        ) from error


def read_catalogue_file(path: Path) -> tuple[AppEntry, ...]:
    """Read one catalogue TOML file (``[[app]]`` tables); raise ``CatalogueError`` if broken."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CatalogueError(
            N_("{path}: cannot read the app catalogue: {error}"), path=path, error=error
        ) from error
    apps = document.get("app", [])
    if not isinstance(apps, list):
        raise CatalogueError(N_("{path}: expected [[app]] tables"), path=path)
    return tuple(
        _parse_entry(raw, Phrase(N_("{path}, app #{number}"), {"path": path, "number": i + 1}))
        for i, raw in enumerate(apps)
    )


def load_catalogue(extra_files: Sequence[Path] = ()) -> Catalogue:
    """The shipped catalogue plus a deployment's ``extra_files``, in that order."""
    catalogue = Catalogue(read_catalogue_file(SHIPPED_CATALOGUE))
    for path in extra_files:
        catalogue = catalogue.with_entries(read_catalogue_file(path))
    return catalogue
