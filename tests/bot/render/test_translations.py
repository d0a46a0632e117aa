"""Every user-facing message has a Chinese translation (English is the message id itself)."""

from __future__ import annotations

import ast
import re
import string

from bot.render.i18n import _translations
from bot.render.names import LABEL_NAMES, METRIC_NAMES, REASON_NAMES, STATUS_NAMES, WEEKDAY_NAMES
from handlers.commands_menu import DESCRIPTIONS
from tests.support.paths import REPO_ROOT

ROOT = REPO_ROOT
TEMPLATE_MESSAGE = re.compile(r'_\("((?:[^"\\]|\\.)*)"')


def used_messages() -> set[str]:
    """String literals passed to ``_(...)`` in bot/, handlers/ and the HTML templates."""
    found: set[str] = set()
    for path in [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    for template in ROOT.joinpath("bot", "render", "templates").glob("*.jinja"):
        found.update(TEMPLATE_MESSAGE.findall(template.read_text(encoding="utf-8")))
    tables = (LABEL_NAMES, METRIC_NAMES, REASON_NAMES, STATUS_NAMES, DESCRIPTIONS)
    for table in tables:
        found.update(table.values())
    found.update(WEEKDAY_NAMES)
    return found


def test_every_message_has_a_chinese_translation() -> None:
    missing = sorted(used_messages() - set(_translations("zh")))
    assert missing == []


def test_translations_keep_their_placeholders() -> None:
    for message, translated in _translations("zh").items():
        assert set(_placeholders(message)) == set(_placeholders(translated)), message


def _placeholders(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]
