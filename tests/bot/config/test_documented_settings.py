"""Every setting an operator can give is in the README's configuration table."""

from __future__ import annotations

import re

from bot.config.settings import Settings
from tests.support.paths import REPO_ROOT

# Thresholds are tables of their own (``[thresholds.<metric>]``), documented under "Thresholds".
_TABLES = {"thresholds"}


def test_every_setting_has_a_row_in_the_configuration_table() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    # a row's first cell names one variable or several ("`A`, `B`")
    rows = {
        name
        for cell in re.findall(r"^\| (`FINGERTIP_[^|]+)\|", readme, flags=re.MULTILINE)
        for name in re.findall(r"`(FINGERTIP_[A-Z_]+)`", cell)
    }
    expected = {f"FINGERTIP_{name.upper()}" for name in Settings.model_fields} - {
        f"FINGERTIP_{name.upper()}" for name in _TABLES
    }
    assert sorted(expected - rows) == []
    assert "[thresholds.<metric>]" in readme
