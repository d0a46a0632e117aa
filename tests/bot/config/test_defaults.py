"""Every default lives in ``Settings``; the places that used to repeat one now read it there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config.settings import Settings, default_settings


def test_default_settings_equal_a_validated_unconfigured_deployment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in list(os.environ):
        if name.startswith("FINGERTIP_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env here
    assert default_settings() == Settings()


def test_retention_comes_from_the_settings() -> None:
    changed = default_settings().model_copy(update={"evidence_retention_weeks": 5})
    retention = changed.retention()
    assert retention.evidence_weeks == 5
    assert retention.aggregate_weeks == default_settings().aggregate_retention_weeks
