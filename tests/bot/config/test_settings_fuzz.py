"""Fuzzing the settings: any environment or TOML file gives settings or one SettingsError."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config.settings import Settings, SettingsError, load_settings

NAMES = sorted(name for name in Settings.model_fields if name != "data_dir")
# Text a person might type, plus what they would not: control characters, lone surrogates are
# impossible in the environment (it is bytes), so those stay out.
values = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e999",
            "25:00-26:00",
            "mon-fri 18:00-09:00",
            "[]",
            "{}",
            '{"x": 1}',
            "Mars/Olympus",
            "redis://",
            "2025-02-30",
            '["2025-13-01"]',
            "nan",
            "9" * 40,
        ]
    ),
)


@contextmanager
def environment(variables: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _usable(loaded: Settings) -> None:
    """Everything the bot derives from settings at start-up works on what was accepted."""
    loaded.working_time()
    loaded.base_thresholds()


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), values, max_size=4))
def test_any_environment_gives_settings_or_one_clear_error(chosen: dict[str, str]) -> None:
    variables = {f"FINGERTIP_{name.upper()}": value for name, value in chosen.items()}
    with environment(variables):
        try:
            loaded = load_settings(data_dir=Path(tempfile.gettempdir()))
        except SettingsError as error:
            assert "\n" not in str(error)
            assert str(error)
            return
    _usable(loaded)


@settings(max_examples=100, deadline=None)
@given(
    st.text(max_size=120)
    | st.dictionaries(st.sampled_from(NAMES), values).map(
        lambda chosen: "\n".join(f"{name} = {value!r}" for name, value in chosen.items())
    )
)
def test_any_toml_file_gives_settings_or_one_clear_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        config = Path(directory) / "fingertip.toml"
        config.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            loaded = load_settings(config, data_dir=Path(directory))
        except SettingsError as error:
            assert str(error)
            return
    _usable(loaded)
