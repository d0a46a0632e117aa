"""Units and app catalogues from configuration: a group's own choice wins over the deployment's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.group_settings import GroupSettings
from bot.config.settings import load_settings
from bot.core.apps import CatalogueError, load_catalogue
from bot.usecases.services import Services


def test_configured_units_apply_to_groups_without_their_own(tmp_path: Path) -> None:
    config = tmp_path / "fingertip.toml"
    config.write_text('[units]\n"-1001" = "城南区/城南街道/青禾社区"\n', encoding="utf-8")
    settings = load_settings(config)
    assert GroupSettings().unit_or(settings, -1001) == "城南区/城南街道/青禾社区"
    assert GroupSettings().unit_or(settings, -1002) is None
    assert GroupSettings(unit="城北区").unit_or(settings, -1001) == "城北区"


def test_a_deployment_catalogue_is_read_and_a_broken_one_stops_the_bot(tmp_path: Path) -> None:
    good = tmp_path / "apps.toml"
    good.write_text('[[app]]\nname = "城南e家"\naliases = ["e家"]\n', encoding="utf-8")
    settings = load_settings(None, app_catalogue_files=[str(good)])
    entry = load_catalogue(settings.app_catalogue_files).entry("e家")
    assert entry is not None
    broken = tmp_path / "broken.toml"
    broken.write_text("[[app]]\nname = 3\n", encoding="utf-8")
    bad = load_settings(None, app_catalogue_files=[str(broken)])
    with pytest.raises(CatalogueError, match=r"broken\.toml"):
        Services(settings=bad, store=None, classifier=None, hasher=None, newcomers=None)  # type: ignore[arg-type]
