"""The deployment secret comes from the environment or a secrets file, never the data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.secrets import configured_secret, derive_key, require_secret
from bot.config.settings import Settings, SettingsError


def test_the_secret_is_read_from_the_environment_or_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-mounted-secret-file\n")
    monkeypatch.setenv("FINGERTIP_SECRET_FILE", str(secret_file))
    assert require_secret(Settings()) == b"from-a-mounted-secret-file"
    monkeypatch.setenv("FINGERTIP_SECRET", "from-the-environment-itself")
    assert require_secret(Settings()) == b"from-the-environment-itself"


def test_a_missing_short_or_unreadable_secret_gets_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FINGERTIP_SECRET", raising=False)
    monkeypatch.delenv("FINGERTIP_SECRET_FILE", raising=False)
    assert configured_secret(Settings(data_dir=tmp_path)) is None
    problems = [
        Settings(data_dir=tmp_path),
        Settings(data_dir=tmp_path, secret="short"),
        Settings(data_dir=tmp_path, secret_file=tmp_path / "absent"),
    ]
    for settings in problems:
        with pytest.raises(SettingsError) as raised:
            require_secret(settings)
        assert "FINGERTIP_SECRET" in str(raised.value)
        assert "\n" not in str(raised.value)
    # Nothing was created in the data directory on the way.
    assert list(tmp_path.iterdir()) == []


def test_derived_keys_differ_by_purpose() -> None:
    secret = b"0123456789abcdef0123456789abcdef"
    assert derive_key(secret, "sender") != derive_key(secret, "other")
    assert derive_key(secret, "sender") != secret
