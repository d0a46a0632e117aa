"""Every user-facing message has a Chinese translation (English is the message id itself)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from bot.core.translatable import Phrase, TranslatableError
from bot.render.catalogues import catalogue_files, compiled
from bot.render.i18n import _translations
from bot.render.names import LABEL_NAMES, METRIC_NAMES, REASON_NAMES, STATUS_NAMES, WEEKDAY_NAMES
from bot.render.web_page import MEANINGS
from handlers.commands_menu import DESCRIPTIONS
from tests.support.paths import REPO_ROOT

ROOT = REPO_ROOT
DEFINITIONS = ROOT / "bot" / "core" / "translatable.py"
"""Where ``Phrase`` and ``TranslatableError`` are defined (from templates passed in)."""
TEMPLATE_MESSAGE = re.compile(r'_\("((?:[^"\\]|\\.)*)"')


MARKERS = ("_", "N_")
"""``_("...")`` translates now; ``N_("...")`` marks a template an error carries, translated
where a handler answers with it (``bot.core.translatable``)."""


def _python_files() -> list[Path]:
    return [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]


def _marked(node: ast.AST) -> str | None:
    """The literal of ``_("...")`` or ``N_("...")``, else None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in MARKERS
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def used_messages() -> set[str]:
    """String literals passed to ``_(...)`` or ``N_(...)`` in bot/, handlers/ and the HTML
    templates."""
    found: set[str] = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            message = _marked(node)
            if message is not None:
                found.add(message)
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


def _translatable_error_names(trees: list[ast.Module]) -> set[str]:
    """``TranslatableError``, every class derived from it in ``trees``, and ``Phrase``."""
    found = {TranslatableError.__name__}
    classes = [node for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    while True:
        more = {
            cls.name
            for cls in classes
            if any(isinstance(base, ast.Name) and base.id in found for base in cls.bases)
        }
        if more <= found:
            return found | {Phrase.__name__}
        found |= more


def test_translatable_errors_and_phrases_are_built_from_marked_templates() -> None:
    """An f-string template would escape the translation test (and break on a brace in a
    value): every ``TranslatableError`` and ``Phrase`` is built from a literal ``N_("...")``
    or a template chosen among such literals."""
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for path in _python_files()
        if path != DEFINITIONS
    }
    names = _translatable_error_names(list(trees.values()))
    assert {"WorkTimeError", "ThresholdError", "CatalogueError", "CommandArgumentError"} <= names
    unmarked = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
                and node.args
            ):
                continue
            if not _every_literal_marked(node.args[0], tree):
                unmarked.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unmarked == []


def _every_literal_marked(template: ast.expr, tree: ast.Module) -> bool:
    """Whether ``template`` is a marked literal, a choice between marked literals, or a name
    that ``tree`` assigns only marked literals to."""
    if isinstance(template, ast.IfExp):
        return all(_every_literal_marked(part, tree) for part in (template.body, template.orelse))
    if _marked(template) is not None:
        return True
    if isinstance(template, ast.Name):
        bound = [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == template.id for t in node.targets)
        ]
        return bool(bound) and all(_every_literal_marked(value, tree) for value in bound)
    return False
