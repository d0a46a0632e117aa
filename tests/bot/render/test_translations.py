"""Every user-facing message has a Chinese translation (English is the message id itself)."""

from __future__ import annotations

import ast
import re
import string

from bot.render.catalogues import catalogue_files, compiled
from bot.render.i18n import _translations
from bot.render.names import LABEL_NAMES, METRIC_NAMES, REASON_NAMES, STATUS_NAMES, WEEKDAY_NAMES
from bot.render.web_page import MEANINGS
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
    tables = (LABEL_NAMES, METRIC_NAMES, REASON_NAMES, STATUS_NAMES, DESCRIPTIONS, MEANINGS)
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


def test_the_compiled_catalogues_are_current() -> None:
    """The bot loads the .mo files: each must be what its .po compiles to today
    (run ``python -m bot.render.catalogues`` after editing a .po file)."""
    files = catalogue_files()
    assert files
    for po_path in files:
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is missing"
        assert mo_path.read_bytes() == compiled(po_path), f"{mo_path} is out of date"


def test_chinese_translations_use_chinese_punctuation() -> None:
    """No ASCII "; " or ". " inside a Chinese sentence."""
    for message, translated in _translations("zh").items():
        assert "; " not in translated, message
        assert not re.search(r"[\u4e00-\u9fff]\. ", translated), message
