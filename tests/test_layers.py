"""Data flows one way: each room imports only from the rooms below it (README, "Layout")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT

_BELOW: dict[str, set[str]] = {
    "bot.core": set(),
    "bot.config": {"bot.core"},
    "bot.sources": {"bot.core"},
    "storage": {"bot.core", "bot.config"},
    "bot.render": {"bot.core", "bot.config"},
    "bot.usecases": {"bot.core", "bot.config", "bot.sources", "storage"},
    "handlers": {"bot.core", "bot.config", "bot.render", "bot.usecases", "storage"},
    "bot.runtime": {
        "bot.core",
        "bot.config",
        "bot.render",
        "bot.usecases",
        "storage",
        "handlers",
    },
}


def _room(module: str) -> str | None:
    return next((room for room in _BELOW if module == room or module.startswith(room + ".")), None)


def _modules() -> list[tuple[str, Path]]:
    found = []
    for top in ("bot", "handlers", "storage"):
        for path in sorted(REPO_ROOT.joinpath(top).rglob("*.py")):
            module = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
            if _room(module) is not None:
                found.append((module, path))
    return found


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_module_imports_only_from_rooms_below(module: str, path: Path) -> None:
    room = _room(module)
    assert room is not None
    allowed = {room, *_BELOW[room]}
    wrong = sorted(
        name
        for name in _imports(path)
        if name.split(".")[0] in {"bot", "handlers", "storage"}
        and (_room(name) or name) not in allowed
    )
    assert wrong == [], f"{module} ({room}) imports from above: {wrong}"
