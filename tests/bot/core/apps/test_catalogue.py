"""The app catalogue: shipped data, a deployment's extra files, and bad files in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.apps import AppType, CatalogueError, Means, load_catalogue
from bot.core.apps.catalogue import AppEntry, Catalogue, check_name


def test_shipped_catalogue_names_are_unique_and_spellings_unambiguous() -> None:
    catalogue = load_catalogue()
    names = [entry.name for entry in catalogue.entries]
    assert len(names) == len(set(names))
    spellings = [s.casefold() for entry in catalogue.entries for s in entry.spellings]
    assert len(spellings) == len(set(spellings))


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("强国", "学习强国"),
        ("政钉", "浙政钉"),
        ("国反", "国家反诈中心"),
        ("反诈app", "国家反诈中心"),
    ],
)
def test_short_forms_lead_to_the_full_name(spelling: str, name: str) -> None:
    entry = load_catalogue().entry(spelling)
    assert entry is not None
    assert entry.name == name


def test_platforms_that_only_carry_forms_and_meetings_are_marked() -> None:
    catalogue = load_catalogue()
    wjx, meeting = catalogue.entry("问卷星"), catalogue.entry("腾讯会议")
    assert wjx is not None
    assert meeting is not None
    assert (wjx.type, wjx.means) == (AppType.PLATFORM, Means.FORM)
    assert meeting.means is Means.MEETING


def test_a_deployment_file_adds_and_replaces_entries(tmp_path: Path) -> None:
    extra = tmp_path / "local.toml"
    extra.write_text(
        '[[app]]\nname = "城南e家"\naliases = ["e家"]\n\n'
        '[[app]]\nname = "钉钉"\naliases = ["叮叮"]\n',
        encoding="utf-8",
    )
    catalogue = load_catalogue([extra])
    added = catalogue.entry("e家")
    assert added is not None
    assert added.name == "城南e家"
    replaced = catalogue.entry("叮叮")
    assert replaced is not None
    assert replaced.type is AppType.APP  # the deployment's row replaces the shipped one whole
    assert catalogue.entry("DingTalk") is None


@pytest.mark.parametrize(
    "content",
    [
        "[[app]]\naliases = []\n",
        '[[app]]\nname = "x y"\naliases = "not a list"\n',
        '[[app]]\nname = "好"\nkind = "spaceship"\n',
        "app = 3\n",
        "[[app]\n",
    ],
)
def test_a_broken_file_names_itself(tmp_path: Path, content: str) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"broken\.toml"):
        load_catalogue([broken])


@pytest.mark.parametrize("name", ["", "   ", "a|b", "x" * 41, "til~de"])
def test_unusable_names_are_refused(name: str) -> None:
    with pytest.raises(CatalogueError):
        check_name(name)


def _scanned_entry(catalogue: Catalogue, name: str) -> AppEntry | None:
    """The look-up as a scan of the catalogue in order: the first entry with the spelling."""
    for entry in catalogue.entries:
        if any(spelling.casefold() == name.casefold() for spelling in entry.spellings):
            return entry
    return None


_SPELLINGS = st.sampled_from(["App", "app", "APP", "政钉", "浙政钉", "ǅ", "ǆ", "ß", "SS", "x"])


@given(
    entries=st.lists(
        st.builds(
            AppEntry,
            name=_SPELLINGS,
            aliases=st.lists(_SPELLINGS, max_size=3).map(tuple),
        ),
        max_size=6,
    ),
    wanted=st.lists(_SPELLINGS, max_size=4),
)
def test_a_look_up_finds_the_first_entry_with_the_spelling(
    entries: list[AppEntry], wanted: list[str]
) -> None:
    # Entries may share spellings (in any case): the first in catalogue order wins, as before.
    catalogue = Catalogue(tuple(entries))
    for name in wanted:
        assert catalogue.entry(name) is _scanned_entry(catalogue, name)


def test_look_ups_follow_a_grown_catalogue() -> None:
    catalogue = load_catalogue()
    assert catalogue.entry("青禾网格通") is None
    grown = catalogue.with_entries([AppEntry("青禾网格通")])
    assert grown.entry("青禾网格通") == AppEntry("青禾网格通")
    assert catalogue.entry("青禾网格通") is None
    assert grown == Catalogue((*catalogue.entries, AppEntry("青禾网格通")))
